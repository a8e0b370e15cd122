"""Tests of the GraSS model on a tiny ResNet-18 (in the style of mmpretrain's test_selfsup)."""
import copy

import pytest
import torch
from mmpretrain.registry import MODELS

import grass_mm.pretrain  # noqa: F401

MEAN, STD = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]


def grass_cfg(**kwargs) -> dict:
    cfg = dict(
        type='GraSS',
        backbone=dict(type='ResNet', depth=18, norm_cfg=dict(type='BN')),
        neck=dict(type='NonLinearNeck', in_channels=512, hid_channels=64, out_channels=32, num_layers=2,
                  with_avg_pool=True, norm_cfg=dict(type='BN1d')),
        head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.5),
        sampler=dict(type='GradientGuidedSampler'),
        data_preprocessor=dict(type='SelfSupDataPreprocessor', mean=MEAN, std=STD, to_rgb=True))
    cfg.update(kwargs)
    return cfg


def views(n: int = 4, size: int = 64, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(n, 3, size, size, generator=gen) for _ in range(2)]


def bn_buffers(model) -> dict:
    return {k: v.clone() for k, v in model.state_dict().items() if 'running' in k or 'num_batches' in k}


def test_id_phase_equals_mmpretrain_simclr():
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    simclr_cfg = grass_cfg(type='SimCLR')
    simclr_cfg.pop('sampler')
    simclr = MODELS.build(simclr_cfg)
    simclr.load_state_dict(model.state_dict())
    inputs = views()
    ours = model.loss(inputs)
    theirs = simclr.loss(inputs, None)
    assert set(ours) == {'loss', 'gs_phase'}
    assert ours['gs_phase'].item() == 0
    torch.testing.assert_close(ours['loss'], theirs['loss'])


def test_gs_phase_loss_and_stats():
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    model.set_phase('gs')
    losses = model.loss(views())
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
    assert not torch.allclose(model.loss(views())['loss'], losses['loss'])


def test_gs_loss_crops_in_place_without_touching_the_inputs():
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    model.set_phase('gs')
    inputs = views()
    originals = [v.clone() for v in inputs]
    got = model.loss(inputs)['loss']
    assert all(torch.equal(a, b) for a, b in zip(inputs, originals))  # the caller's views are untouched
    stacked = torch.stack(originals, 1).flatten(0, 1)
    guide_views, feat, grad = model.guide(stacked)
    crops, _ = model.sampler(stacked, feat, grad, map_size=guide_views.shape[-2:])  # a new tensor
    assert not torch.equal(crops, stacked)
    expected = model.contrastive_loss(model.neck(model.backbone(crops)[-1:])[0])
    torch.testing.assert_close(got, expected)


def test_guide_gradient_equals_full_backward():
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg())
    x = torch.stack(views(), 1).flatten(0, 1)
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
def test_bn_statistics_updated_once_by_default(guide_updates_bn):
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg(guide_updates_bn=guide_updates_bn))
    x = torch.stack(views(), 1).flatten(0, 1)
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


def test_localize_scale_guides_on_smaller_views():
    torch.manual_seed(0)
    model = MODELS.build(grass_cfg(localize_scale=0.5))
    x = torch.stack(views(size=96), 1).flatten(0, 1)
    guide_views, feat, _ = model.guide(x)
    assert guide_views.shape[-2:] == (48, 48)
    assert feat.shape[-2:] == (2, 2)
    model.set_phase('gs')
    losses = model.loss(views(size=96))
    assert torch.isfinite(losses['loss'])


def test_linear_projection_neck_replicates_release_head():
    model = MODELS.build(grass_cfg(neck=dict(type='LinearProjectionNeck', in_channels=512, hid_channels=64,
                                             out_channels=32)))
    model.set_phase('gs')
    assert torch.isfinite(model.loss(views())['loss'])
    assert not any(isinstance(m, torch.nn.ReLU) for m in model.neck.modules())


def test_bad_options():
    with pytest.raises(ValueError, match='localize_scale'):
        MODELS.build(grass_cfg(localize_scale=0))
    with pytest.raises(ValueError, match='localize_scale'):
        MODELS.build(grass_cfg(localize_scale=1.5))
    model = MODELS.build(grass_cfg())
    with pytest.raises(ValueError, match="'warmup'"):
        model.set_phase('warmup')
    with pytest.raises(ValueError, match='two batches of views'):
        model.loss([torch.zeros(2, 3, 32, 32)])
