"""Gradient guided sampling as a plug-in on mmpretrain's MoCo v2, BYOL, SimSiam and Barlow Twins."""
import copy

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmpretrain.registry import MODELS

import grass_mm.pretrain  # noqa: F401

BASES = ('mocov2', 'byol', 'simsiam', 'barlowtwins')
MOMENTUM_BASES = ('mocov2', 'byol')
HOST = dict(mocov2='MoCo', byol='BYOL', simsiam='SimSiam', barlowtwins='BarlowTwins')
MOMENTUM_PREFIX = dict(mocov2='encoder_k.', byol='target_net.')
PLUGIN_KEYS = ('sampler', 'localize_scale', 'guide_updates_bn', 'guide_target', 'guide_dtype')
BN_STATS = ('running_mean', 'running_var', 'num_batches_tracked')
GUIDE_TARGETS = [(base, 'online') for base in BASES] + [(base, 'momentum') for base in MOMENTUM_BASES]


@pytest.fixture(autouse=True)
def cosine_ema_schedule():
    """BYOL's cosine EMA reads the schedule length from the message hub (the Runner sets it in training)."""
    MessageHub.get_current_instance().update_info('max_iters', 100)


def build(cfg: dict, seed: int = 0):
    torch.manual_seed(seed)
    return MODELS.build(cfg)


def host_cfg(cfg: dict, base: str) -> dict:
    """The same model config for mmpretrain's own algorithm."""
    return dict({k: v for k, v in cfg.items() if k not in PLUGIN_KEYS}, type=HOST[base])


def host_class(base: str):
    return MODELS.get(HOST[base])


def state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def perturb_momentum_branch(model) -> None:
    """Moves the momentum branch away from the online network (as after some training)."""
    gen = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in model.momentum_branch().parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=gen))


@pytest.mark.parametrize('base', BASES)
def test_id_phase_steps_equal_mmpretrain(base, plugin_cfg):
    cfg = plugin_cfg(base)
    ours, theirs = build(cfg), build(host_cfg(cfg, base))
    init = state(theirs)
    assert set(state(ours)) == set(init)  # the same state dict: checkpoints load into either
    assert all(torch.equal(v, init[k]) for k, v in state(ours).items())  # built alike from the same seed
    gen = torch.Generator().manual_seed(2)
    optims = [OptimWrapper(torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4))
              for m in (ours, theirs)]
    for step in range(3):  # the momentum update's first step copies; later ones average
        data = dict(inputs=[torch.randint(0, 256, (4, 3, 32, 32), generator=gen, dtype=torch.uint8)
                            for _ in range(2)], data_samples=None)
        logs = []
        for model, optim in zip((ours, theirs), optims):
            torch.manual_seed(10 + step)  # MoCo's batch shuffle draws a permutation
            logs.append(model.train_step(copy.deepcopy(data), optim))
        assert logs[0]['loss'].item() == logs[1]['loss'].item()
        assert logs[0]['gs_phase'].item() == 0
    got, expected = state(ours), state(theirs)
    assert [k for k in expected if not torch.equal(got[k], expected[k])] == []
    assert any(not torch.equal(expected[k], init[k]) for k in expected if k.startswith('backbone.'))


@pytest.mark.parametrize('base', BASES)
def test_gs_step_is_the_base_step_on_the_crops(base, plugin_cfg, make_views):
    model = build(plugin_cfg(base))
    model.set_phase('gs')
    ref = copy.deepcopy(model)
    views = make_views()
    originals = [v.clone() for v in views]
    torch.manual_seed(1)
    losses = model.loss(views)
    assert set(losses) == {'loss', 'gs_phase', 'degenerate_frac', 'box_area_frac'}
    assert losses['gs_phase'].item() == 1 and 0 < losses['box_area_frac'].item() < 1
    assert all(torch.equal(a, b) for a, b in zip(views, originals))  # the caller's views are untouched
    _, feats, grads = ref.guide(views)
    crops, _ = ref.sampler(torch.cat(views), torch.cat(feats), torch.cat(grads))
    torch.manual_seed(1)
    expected = host_class(base).loss(ref, list(crops.chunk(2)), None)
    assert torch.equal(losses['loss'], expected['loss'])
    # the base's own training step ran on the crops, with its state updates (momentum encoder, queue)
    got, want = state(model), state(ref)
    assert [k for k in want if not torch.equal(got[k], want[k])] == []


def full_backward_maps(base, model, views):
    """Feature maps and their gradients from a full backward of mmpretrain's own ``loss()``, one per view
    (MoCo gives only its query an online gradient: the second view's comes from swapping the views)."""
    orders = [(0, 1), (1, 0)] if base == 'mocov2' else [(0, 1)]
    feats, grads = [], []
    for order in orders:
        ref = copy.deepcopy(model)
        captured = []

        def keep_last_map(module, args, out) -> None:
            out[-1].retain_grad()
            captured.append(out[-1])

        ref.backbone.register_forward_hook(keep_last_map)
        host_class(base).loss(ref, [views[i] for i in order], None)['loss'].backward()
        captured = captured[:1] if base == 'mocov2' else captured
        feats += [f.detach() for f in captured]
        grads += [f.grad for f in captured]
    return feats, grads


@pytest.mark.parametrize('base,guide_target', GUIDE_TARGETS)
def test_guide_maps_equal_grad_cam_from_a_full_backward_of_the_host_loss(base, guide_target, plugin_cfg, make_views):
    # at initialisation the momentum branch equals the online network: the guide objective is then
    # mmpretrain's own loss (MoCo: with each view as the query), whichever target it takes
    model = build(plugin_cfg(base, guide_target=guide_target))
    views = make_views()
    _, feats, grads = model.guide(views)
    ref_feats, ref_grads = full_backward_maps(base, model, views)
    for view in range(2):
        torch.testing.assert_close(feats[view], ref_feats[view], rtol=1e-5, atol=1e-5)
        scale = ref_grads[view].abs().max().item()
        assert scale > 0
        torch.testing.assert_close(grads[view], ref_grads[view], rtol=1e-3, atol=1e-4 * scale)
        cam = model.sampler.grad_cam(feats[view], grads[view])
        ref_cam = model.sampler.grad_cam(ref_feats[view], ref_grads[view])
        torch.testing.assert_close(cam, ref_cam, rtol=1e-3, atol=1e-4 * ref_cam.abs().max().item())
    assert all(p.grad is None for p in model.parameters())  # no parameter gradient from the guide pass


@pytest.mark.parametrize('base', MOMENTUM_BASES)
def test_momentum_guide_target_equals_a_full_backward_of_the_guide_objective(base, plugin_cfg, make_views):
    model = build(plugin_cfg(base, guide_target='momentum'))
    perturb_momentum_branch(model)
    views = make_views()
    _, _, grads = model.guide(views)
    ref = copy.deepcopy(model)
    feats = [ref.backbone(v)[-1] for v in views]
    for feat in feats:
        feat.retain_grad()
    ref.guide_loss(feats, views).backward()
    for view in range(2):
        scale = feats[view].grad.abs().max().item()
        torch.testing.assert_close(grads[view], feats[view].grad, rtol=1e-3, atol=1e-4 * scale)
    model.guide_target = 'online'  # the target matters once the branches differ
    _, _, online = model.guide(views)
    assert not torch.allclose(online[0], grads[0], rtol=1e-3, atol=1e-4 * grads[0].abs().max().item())


@pytest.mark.parametrize('guide_updates_bn', [False, True])
@pytest.mark.parametrize('base,guide_target', GUIDE_TARGETS)
def test_guide_pass_changes_no_state(base, guide_target, guide_updates_bn, plugin_cfg, make_views):
    model = build(plugin_cfg(base, guide_target=guide_target, guide_updates_bn=guide_updates_bn))
    if base in MOMENTUM_BASES:
        perturb_momentum_branch(model)
    for p in model.parameters():
        p.grad = torch.randn_like(p)
    before, grads, rng = state(model), [p.grad.clone() for p in model.parameters()], torch.get_rng_state()
    views = make_views()
    model.guide(views)
    after = state(model)
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    if guide_updates_bn:  # only the online network's BN statistics may change
        assert changed and all(k.endswith(BN_STATS) and not k.startswith(('encoder_k.', 'target_net.'))
                               for k in changed)
        assert any(k.startswith('backbone.') for k in changed)
    else:
        assert changed == []
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), grads))  # .grad untouched
    assert torch.equal(torch.get_rng_state(), rng)  # no random numbers drawn (no batch shuffle)
    assert all(m.track_running_stats for m in model.modules() if hasattr(m, 'track_running_stats'))
    # the preview for the visualisation hook keeps even the online statistics
    model.sampling_preview(torch.stack(views, 1).flatten(0, 1))
    assert all(torch.equal(v, after[k]) for k, v in state(model).items())


@pytest.mark.parametrize('base', ['mocov2', 'byol'])
def test_sampling_preview_shows_the_crops_of_the_gs_step(base, plugin_cfg, make_views):
    model = build(plugin_cfg(base))
    views = make_views()
    interleaved = torch.stack(views, 1).flatten(0, 1)
    preview = model.sampling_preview(interleaved)
    _, feats, grads = model.guide(views)
    crops, _ = model.sampler(torch.cat(views), torch.cat(feats), torch.cat(grads))
    torch.testing.assert_close(preview['crops'], torch.stack(crops.chunk(2), 1).flatten(0, 1))
    assert preview['cam'].shape == (8, 2, 2) and preview['boxes'].shape == (8, 4)


@pytest.mark.parametrize('base', BASES)
def test_localize_scale_guides_on_smaller_views(base, plugin_cfg, make_views):
    model = build(plugin_cfg(base, localize_scale=0.5))
    guide_views, feats, _ = model.guide(make_views(size=96))
    assert guide_views[0].shape[-2:] == (48, 48) and feats[0].shape[-2:] == (2, 2)
    model.set_phase('gs')
    assert torch.isfinite(model.loss(make_views(size=96))['loss'])


@pytest.mark.parametrize('base', BASES)
def test_low_precision_guide_pass_changes_no_state(base, plugin_cfg, make_views):
    model = build(plugin_cfg(base))
    low = build(plugin_cfg(base, guide_dtype='bfloat16'))
    views = make_views()
    _, feats, _ = model.guide(views)
    before = state(low)
    _, low_feats, low_grads = low.guide(views)
    for feat, low_feat, low_grad in zip(feats, low_feats, low_grads):
        assert low_feat.dtype == low_grad.dtype == torch.float32
        assert not torch.equal(low_feat, feat) and (low_feat - feat).norm() < 0.05 * feat.norm()
    assert all(torch.equal(v, before[k]) for k, v in state(low).items())
    assert all(p.grad is None for p in low.parameters())
    low.set_phase('gs')
    assert torch.isfinite(low.loss(make_views())['loss'])


def test_bad_options(plugin_cfg):
    with pytest.raises(ValueError, match=r"GraSSMoCo: guide_target must be one of \('online', 'momentum'\)"):
        MODELS.build(plugin_cfg('mocov2', guide_target='key'))
    with pytest.raises(ValueError, match=r"GraSSSimSiam: guide_target must be one of \('online',\), got 'momentum'"):
        MODELS.build(plugin_cfg('simsiam', guide_target='momentum'))
    with pytest.raises(ValueError, match='GraSSBYOL: localize_scale'):
        MODELS.build(plugin_cfg('byol', localize_scale=0))
    with pytest.raises(ValueError, match='guide_updates_bn must be a bool'):
        MODELS.build(plugin_cfg('byol', guide_updates_bn='yes'))
    with pytest.raises(ValueError, match="GraSSMoCo: guide_dtype must be one of .*got 'half'"):
        MODELS.build(plugin_cfg('mocov2', guide_dtype='half'))
    model = MODELS.build(plugin_cfg('mocov2'))
    with pytest.raises(ValueError, match="'warmup'"):
        model.set_phase('warmup')
    with pytest.raises(ValueError, match='two batches of views'):
        model.loss([torch.zeros(2, 3, 32, 32)])
    with pytest.raises(ValueError, match='pairs of views'):
        model.sampling_preview(torch.zeros(3, 3, 32, 32))


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
@pytest.mark.parametrize('base,guide_target', GUIDE_TARGETS)
def test_cuda_guide_pass_matches_cpu_and_changes_no_state(base, guide_target, plugin_cfg, make_views, monkeypatch):
    """The CUDA path: guide gradients as on the CPU, no state change, and a GS step with the torch labeller."""
    monkeypatch.setattr(torch.backends.cudnn, 'allow_tf32', False)  # compare float32 with float32
    cpu = build(plugin_cfg(base, guide_target=guide_target))
    if base in MOMENTUM_BASES:
        perturb_momentum_branch(cpu)
    gpu = copy.deepcopy(cpu).cuda()
    views = make_views(size=96)
    _, _, expected = cpu.guide(views)
    before, rng = state(gpu), torch.cuda.get_rng_state()
    _, _, grads = gpu.guide([v.cuda() for v in views])
    for got, want in zip(grads, expected):
        torch.testing.assert_close(got.cpu(), want, rtol=1e-2, atol=1e-3 * want.abs().max().item())
    assert all(torch.equal(v, before[k]) for k, v in state(gpu).items())
    assert torch.equal(torch.cuda.get_rng_state(), rng)
    gpu.set_phase('gs')
    losses = gpu.loss([v.cuda() for v in views])
    assert torch.isfinite(losses['loss']) and 0 < losses['box_area_frac'].item() <= 1
