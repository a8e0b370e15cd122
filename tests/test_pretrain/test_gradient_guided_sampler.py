"""GradientGuidedSampler against the per-sample reference of the release (tests/reference/release_sampler.py)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from scipy import ndimage

from grass_mm.pretrain.models import GradientGuidedSampler
from grass_mm.pretrain.models.utils.component_labels import torch_labels
from grass_mm.pretrain.models.utils.region_boxes import tensor_region_boxes
from grass_mm.pretrain.models.utils.view_crops import nearest_index, tensor_crop
from tools.harness.release_sampler import release_box, release_sample


def random_maps(n, h, w, seed):
    return torch.randn(n, h, w, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize('low,view,seed', [((7, 7), (224, 224), 0), ((7, 7), (224, 224), 1),
                                           ((5, 7), (160, 224), 2), ((9, 6), (144, 96), 3)])
def test_boxes_equal_release_reference(low, view, seed):
    backend = 'opencv'
    cams = random_maps(96, *low, seed)
    refs = [release_box(c.numpy(), view) for c in cams]
    release_boxes = torch.tensor([r['box'] for r in refs])
    held = torch.tensor([r['holds_peak'] for r in refs])
    peak, _ = GradientGuidedSampler(backend=backend).locate(cams, view, view)
    release, _ = GradientGuidedSampler(backend=backend, region_rule='release').locate(cams, view, view)
    same = (peak == release_boxes).all(1)
    print(f'{backend} {view}: peak-rule boxes equal to the release reference on {same.float().mean():.4f} of maps '
          f'({held.float().mean():.4f} of maps have the peak in the release\'s component)')
    assert held.any()
    assert same[held].all(), 'boxes differ on maps where the release picks the component holding the peak'
    assert torch.equal(peak, torch.tensor([r['peak_box'] for r in refs]))
    assert torch.equal(release, release_boxes)


@pytest.mark.parametrize('rule', ['peak', 'release'])
@pytest.mark.parametrize('low,seed', [((6, 8), 4), ((12, 16), 5)])
def test_torch_backend_equals_opencv_backend(rule, low, seed):
    cams = random_maps(24, *low, seed)
    kwargs = dict(map_size=(96, 128), view_size=(96, 128))
    torch_boxes, torch_deg = GradientGuidedSampler(backend='torch', region_rule=rule).locate(cams, **kwargs)
    opencv_boxes, opencv_deg = GradientGuidedSampler(backend='opencv', region_rule=rule).locate(cams, **kwargs)
    assert torch.equal(torch_boxes, opencv_boxes) and torch.equal(torch_deg, opencv_deg)


def test_torch_labels_partition_hard_shapes():
    serpentine = np.zeros((41, 41), dtype=bool)
    serpentine[::2], serpentine[1::4, -1], serpentine[3::4, 0] = True, True, True
    noise = np.random.default_rng(0).random((2, 41, 41)) > 0.45
    masks = np.concatenate([serpentine[None], noise])
    labels = torch_labels(torch.from_numpy(masks)).view(masks.shape).numpy()
    for mask, lab in zip(masks, labels):
        ref, n = ndimage.label(mask, structure=np.ones((3, 3)))
        assert len(np.unique(lab[mask])) == n
        pairs = np.unique(np.stack([ref[mask], lab[mask]]), axis=1)
        assert pairs.shape[1] == n  # one of our labels per reference component and vice versa
        first = np.array([np.flatnonzero(ref.ravel() == k)[0] + 1 for k in range(1, n + 1)])
        assert np.array_equal(np.sort(np.unique(lab[mask])), np.sort(first))
    assert len(np.unique(labels[0][serpentine])) == 1


def nt_xent(z, temperature=0.5):
    z = F.normalize(z, dim=1)
    sim = z @ z.t() / temperature
    sim = sim.masked_fill(torch.eye(len(z), dtype=torch.bool), float('-inf'))
    return F.cross_entropy(sim, torch.arange(len(z)) ^ 1)


def test_grad_cam_equals_full_backward():
    torch.manual_seed(0)
    backbone = MODELS.build(dict(type='ResNet', depth=18, norm_cfg=dict(type='BN')))
    neck = MODELS.build(dict(type='NonLinearNeck', in_channels=512, hid_channels=64, out_channels=32,
                             num_layers=2, with_avg_pool=True, norm_cfg=dict(type='BN1d')))
    backbone.train()  # batch statistics in both passes, as in training
    neck.train()
    views = torch.randn(6, 3, 96, 96)
    feats = backbone(views)[-1]  # the release: full graph, hook on F, loss.backward() through everything
    feats.retain_grad()
    nt_xent(neck((feats, ))[0]).backward()
    reference = (F.adaptive_avg_pool2d(feats.grad, 1) * feats).mean(1)
    with torch.no_grad():
        guide = backbone(views)[-1]
    guide.requires_grad_(True)
    grads, = torch.autograd.grad(nt_xent(neck((guide, ))[0]), guide)
    cam = GradientGuidedSampler.grad_cam(guide.detach(), grads)
    assert cam.shape == (6, 3, 3)
    assert torch.allclose(cam, reference.detach(), rtol=1e-4, atol=1e-7 * reference.abs().max().item())


def test_degenerate_maps_keep_the_whole_view():
    cams = random_maps(8, 7, 7, 6)
    cams[1], cams[3, 2, 2], cams[5, 0, 6], cams[6, 4, 1] = 0.1, float('nan'), float('inf'), float('-inf')
    views, feats, grads = torch.randn(8, 3, 64, 48), cams[:, None], torch.ones(8, 1, 7, 7)
    for backend in ('opencv', 'torch'):
        sampler = GradientGuidedSampler(backend=backend, region_rule='release')
        crops, stats = sampler(views, feats, grads)
        boxes, degenerate = sampler.locate(cams, (64, 48), (64, 48))
        assert degenerate.tolist() == [False, True, False, True, False, True, True, False]
        assert (boxes[degenerate] == torch.tensor([0, 64, 0, 48])).all()
        assert torch.equal(crops[degenerate], views[degenerate])
        assert stats['degenerate_frac'].item() == 0.5 and stats['degenerate_frac'].dtype == torch.float32
    refs = [release_box(c.numpy(), (64, 48)) for c in cams]
    assert [r['degenerate'] for r in refs] == degenerate.tolist()


@pytest.mark.parametrize('interpolation', ['nearest', 'bilinear'])
def test_crop_matches_per_sample_interpolate(interpolation):
    views = torch.randn(60, 3, 224, 160)  # more than one CPU chunk
    r0, c0 = torch.randint(0, 150, (60, )), torch.randint(0, 100, (60, ))
    boxes = torch.stack([r0, r0 + torch.randint(1, 75, (60, )), c0, c0 + torch.randint(1, 61, (60, ))], 1)
    boxes[0] = torch.tensor([0, 224, 0, 160])
    boxes[1] = torch.tensor([10, 122, 20, 100])  # exactly half: the 2x special case of torch
    crops = GradientGuidedSampler(interpolation=interpolation).crop(views, boxes)
    kwargs = dict(mode='nearest') if interpolation == 'nearest' else dict(mode='bilinear', align_corners=False)
    expected = torch.cat([F.interpolate(v[None, :, a:b, c:d], size=(224, 160), **kwargs)
                          for v, (a, b, c, d) in zip(views, boxes.tolist())])
    assert crops.shape == views.shape
    if interpolation == 'nearest':
        assert torch.equal(crops, expected)
        work = views.clone()
        release_like = GradientGuidedSampler().crop(work, boxes, out=work)
        assert release_like.data_ptr() == work.data_ptr() and torch.equal(work, expected)
    else:
        assert torch.allclose(crops, expected, atol=1e-4)  # separable weights: float rounding only
        work = views.clone()
        assert torch.equal(GradientGuidedSampler(interpolation=interpolation).crop(work, boxes, out=work), crops)
        assert not torch.equal(crops, GradientGuidedSampler().crop(views, boxes))


@pytest.mark.parametrize('dtype', [torch.float32, torch.bfloat16, torch.uint8])
def test_accelerator_crop_path_equals_the_cpu_path(dtype):
    """The torch gathers of non-CPU devices, run on the CPU, against the NumPy takes of the CPU's nearest crop."""
    gen = torch.Generator().manual_seed(10)
    views = (torch.rand(9, 3, 40, 56, generator=gen) * 200).to(dtype)
    r0, c0 = torch.randint(0, 30, (9, ), generator=gen), torch.randint(0, 40, (9, ), generator=gen)
    r1, c1 = r0 + torch.randint(1, 11, (9, ), generator=gen), c0 + torch.randint(1, 17, (9, ), generator=gen)
    rows, cols, boxes = nearest_index(r0, r1 - r0, 40), nearest_index(c0, c1 - c0, 56), torch.stack([r0, r1, c0, c1], 1)
    on_device, work = torch.empty_like(views), views.clone()
    tensor_crop(views, rows, cols, on_device, step=9)
    assert torch.equal(GradientGuidedSampler().crop(views, boxes), on_device)
    assert torch.equal(GradientGuidedSampler().crop(work, boxes, out=work), on_device)
    tensor_crop(views, rows, cols, views, step=4)  # in place, in chunks
    assert torch.equal(views, on_device)


def test_release_loop_crops_like_the_sampler():
    cams, views = random_maps(16, 7, 7, 7), torch.randn(16, 3, 64, 64)
    boxes, _ = GradientGuidedSampler(region_rule='release').locate(cams, (64, 64), (64, 64))
    crops = GradientGuidedSampler().crop(views, boxes)
    results = release_sample(views, cams)
    assert torch.equal(torch.tensor([r['box'] for r in results]), boxes) and torch.equal(views, crops)


def test_min_box_size_grows_about_the_centre_inside_the_view():
    cams = torch.zeros(2, 7, 7)
    cams[0, 0, 0] = cams[1, 3, 3] = 1.0  # small regions in the corner (grown boxes shift inside) and centre
    plain, _ = GradientGuidedSampler().locate(cams, (224, 224), (224, 224))
    grown, _ = GradientGuidedSampler(min_box_size=0.3).locate(cams, (224, 224), (224, 224))
    side = int(np.ceil(0.3 * 224))
    assert ((plain[:, 1] - plain[:, 0]) < side).all()
    assert (grown[:, 1] - grown[:, 0] == side).all() and (grown[:, 3] - grown[:, 2] == side).all()
    assert grown[0].tolist() == [0, side, 0, side]
    centre = (plain[1, 0] + plain[1, 1]) / 2
    assert abs((grown[1, 0] + grown[1, 1]) / 2 - centre) <= 1
    assert (grown[:, 0] <= plain[:, 0]).all() and (grown[:, 1] >= plain[:, 1]).all()
    assert (GradientGuidedSampler(min_box_size=1.0).locate(cams, (224, 224), (224, 224))[0] == 224 * torch.tensor(
        [0, 1, 0, 1])).all()


@pytest.mark.parametrize('map_size,view', [((112, 112), (224, 224)), ((100, 150), (224, 224)),
                                           ((96, 64), (144, 96))])
def test_map_size_scales_boxes_to_the_view(map_size, view):
    cams = random_maps(32, 7, 7, 8)
    at_map, _ = GradientGuidedSampler().locate(cams, map_size, map_size)
    at_view, _ = GradientGuidedSampler().locate(cams, map_size, view)
    (hm, wm), (h, w) = map_size, view
    expected = torch.stack([at_map[:, 0] * h // hm, -(-at_map[:, 1] * h // hm),
                            at_map[:, 2] * w // wm, -(-at_map[:, 3] * w // wm)], 1)
    assert torch.equal(at_view, expected)
    views, feats = torch.randn(32, 3, *view), cams[:, None]
    crops, stats = GradientGuidedSampler()(views, feats, torch.ones_like(feats), map_size=map_size)
    area = ((at_view[:, 1] - at_view[:, 0]) * (at_view[:, 3] - at_view[:, 2])).float().mean() / (h * w)
    assert crops.shape == views.shape and torch.isclose(stats['box_area_frac'], area)


@pytest.mark.parametrize('kwargs,message', [
    (dict(threshold_ratio=0.0), r'threshold_ratio must be in \(0, 1\), got 0.0'),
    (dict(threshold_ratio=1), r'threshold_ratio must be in \(0, 1\), got 1'),
    (dict(min_box_size=1.5), r'min_box_size must be in \[0, 1\], got 1.5'),
    (dict(interpolation='bicubic'), r"interpolation must be one of \('nearest', 'bilinear'\), got 'bicubic'"),
    (dict(region_rule='largest'), r"region_rule must be one of \('peak', 'release'\), got 'largest'"),
    (dict(backend='cuda'), r"backend must be one of .*got 'cuda'"),
    (dict(backend='scipy'), r"backend must be one of \('auto', 'opencv', 'torch'\), got 'scipy'"),
])
def test_bad_options_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(dict(type='GradientGuidedSampler', **kwargs))


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match=r'feats and grads must both be \(B, K, h, w\)'):
        GradientGuidedSampler.grad_cam(torch.ones(2, 4, 3, 3), torch.ones(2, 4, 3, 2))
    with pytest.raises(ValueError, match=r'cam must be \(B, h, w\)'):
        GradientGuidedSampler().locate(torch.ones(2, 1, 3, 3), (8, 8), (8, 8))


@pytest.mark.parametrize('rule,key', [('peak', 'peak_box'), ('release', 'box')])
def test_accelerator_path_agrees_with_the_reference(rule, key):
    """The code path of non-CPU devices (F.interpolate, any labeller), run on the CPU, and on CUDA if present."""
    cams = random_maps(128, 7, 7, 9)
    expected = torch.tensor([release_box(c.numpy(), (224, 224))[key] for c in cams])
    found = [tensor_region_boxes(cams, size=(224, 224), ratio=0.5, rule=rule, backend=backend)[0]
             for backend in ('torch', 'opencv')]
    if torch.cuda.is_available():
        found.append(GradientGuidedSampler(region_rule=rule).locate(cams.cuda(), (224, 224), (224, 224))[0].cpu())
    for boxes in found:  # F.interpolate and cv2.resize differ in the last bits (all equal on these maps here)
        assert (boxes == expected).all(1).float().mean() >= 0.99
