"""Tests of the GraSS model on a tiny ResNet-18 (in the style of mmpretrain's test_selfsup)."""
import copy

import pytest
import torch
from mmpretrain.registry import MODELS

import grass_mm.pretrain  # noqa: F401


def bn_buffers(model) -> dict:
    return {k: v.clone() for k, v in model.state_dict().items() if 'running' in k or 'num_batches' in k}


def test_id_phase_equals_mmpretrain_simclr(grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    simclr_cfg = grass_cfg(type='SimCLR')
    simclr_cfg.pop('sampler')
    simclr = MODELS.build(simclr_cfg)
    simclr.load_state_dict(model.state_dict())
    inputs = make_views()
    ours = model.loss(inputs)
    theirs = simclr.loss(inputs, None)
    assert set(ours) == {'loss', 'gs_phase'}
    assert ours['gs_phase'].item() == 0
    torch.testing.assert_close(ours['loss'], theirs['loss'])


def test_gs_phase_loss_and_stats(grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    model.set_phase('gs')
    losses = model.loss(make_views())
    assert set(losses) == {'loss', 'gs_phase', 'degenerate_frac', 'box_area_frac'}
    assert losses['gs_phase'].item() == 1
    assert torch.isfinite(losses['loss'])
    assert 0 < losses['box_area_frac'].item() <= 1
    assert 0 <= losses['degenerate_frac'].item() <= 1
    losses['loss'].backward()
    grads = [p.grad for p in model.backbone.parameters() if p.requires_grad]
    assert all(g is not None for g in grads)
    # the GS loss is computed on crops, so it differs from the ID loss on the same views
    model.zero_grad()
    model.set_phase('id')
    assert not torch.allclose(model.loss(make_views())['loss'], losses['loss'])


def test_gs_loss_crops_in_place_without_touching_the_inputs(grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    model.set_phase('gs')
    inputs = make_views()
    originals = [v.clone() for v in inputs]
    got = model.loss(inputs)['loss']
    assert all(torch.equal(a, b) for a, b in zip(inputs, originals))  # the caller's views are untouched
    stacked = torch.stack(originals, 1).flatten(0, 1)
    guide_views, feat, grad = model.guide(stacked)
    crops, _ = model.sampler(stacked, feat, grad, map_size=guide_views.shape[-2:])  # a new tensor
    assert not torch.equal(crops, stacked)
    expected = model.contrastive_loss(model.neck(model.backbone(crops)[-1:])[0])
    torch.testing.assert_close(got, expected)


def test_guide_gradient_equals_full_backward(grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    x = torch.stack(make_views(), 1).flatten(0, 1)
    _, feat, grad = model.guide(x)
    # reference: the release's way, a full backward through the whole network
    ref = copy.deepcopy(model)
    full_feat = ref.backbone(x)[-1]
    full_feat.retain_grad()
    ref.contrastive_loss(ref.neck((full_feat, ))[0]).backward()
    torch.testing.assert_close(feat, full_feat.detach())
    torch.testing.assert_close(grad, full_feat.grad, rtol=1e-4, atol=1e-7)
    # the guide pass only needs the gradient w.r.t. F: no parameter gradients accumulate
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize('guide_updates_bn', [False, True])
def test_bn_statistics_updated_once_by_default(guide_updates_bn, grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg(guide_updates_bn=guide_updates_bn))
    x = torch.stack(make_views(), 1).flatten(0, 1)
    before = bn_buffers(model)
    model.guide(x)
    after = bn_buffers(model)
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    if guide_updates_bn:
        assert any('backbone' in k for k in changed) and any('neck' in k for k in changed)
    else:
        assert changed == []
    # BN layers track statistics again after the guide pass
    assert all(m.track_running_stats for m in model.modules() if hasattr(m, 'track_running_stats'))


def test_localize_scale_guides_on_smaller_views(grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg(localize_scale=0.5))
    x = torch.stack(make_views(size=96), 1).flatten(0, 1)
    guide_views, feat, _ = model.guide(x)
    assert guide_views.shape[-2:] == (48, 48)
    assert feat.shape[-2:] == (2, 2)
    model.set_phase('gs')
    losses = model.loss(make_views(size=96))
    assert torch.isfinite(losses['loss'])


@pytest.mark.parametrize('guide_dtype', ['bfloat16', 'float16'])
def test_low_precision_guide_pass(guide_dtype, grass_cfg, make_views):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    low = copy.deepcopy(model)
    low.guide_dtype = guide_dtype
    x = torch.stack(make_views(), 1).flatten(0, 1)
    _, feat, grad = model.guide(x)
    before = bn_buffers(low)
    _, low_feat, low_grad = low.guide(x)
    assert low_feat.dtype == low_grad.dtype == torch.float32 and low_grad.shape == grad.shape
    assert not torch.equal(low_feat, feat)  # the backbone really ran in low precision ...
    assert (low_feat - feat).norm() < 0.05 * feat.norm()  # ... and stayed close to float32
    assert all(torch.equal(v, before[k]) for k, v in bn_buffers(low).items())
    assert all(p.grad is None for p in low.parameters())
    low.set_phase('gs')
    assert torch.isfinite(low.loss(make_views())['loss'])


def test_linear_projection_neck_replicates_release_head(grass_cfg, make_views):
    model = MODELS.build(grass_cfg(neck=dict(type='LinearProjectionNeck', in_channels=512, hid_channels=64,
                                             out_channels=32)))
    model.set_phase('gs')
    assert torch.isfinite(model.loss(make_views())['loss'])
    assert not any(isinstance(m, torch.nn.ReLU) for m in model.neck.modules())


def test_bad_options(grass_cfg):
    with pytest.raises(ValueError, match='localize_scale'):
        MODELS.build(grass_cfg(localize_scale=0))
    with pytest.raises(ValueError, match='localize_scale'):
        MODELS.build(grass_cfg(localize_scale=1.5))
    with pytest.raises(ValueError, match=r"GraSS: guide_dtype must be one of \(None, 'bfloat16', .*got 'fp8'"):
        MODELS.build(grass_cfg(guide_dtype='fp8'))
    model = MODELS.build(grass_cfg())
    with pytest.raises(ValueError, match="'warmup'"):
        model.set_phase('warmup')
    with pytest.raises(ValueError, match='two batches of views'):
        model.loss([torch.zeros(2, 3, 32, 32)])
