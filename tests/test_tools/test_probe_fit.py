"""The fitted linear probes (``probe-fit``, ``probe-fit-full``): the solver, the head's algebra, tiny study runs."""
import json

import pytest
import torch
import torch.nn.functional as F

from grass_mm.segmentation.models import LinearProbeHead
from tools import study
from tools.harness.demo_data import render_demo_dataset
from tools.harness.probe_fit import features_at, fit_logistic_regression


def clusters(n: int = 600, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 3
    centres = torch.tensor([[2.0, 0, 0, 1, 0], [0, 2.0, 0, 0, 5], [0, 0, 2.0, 1, 0]])
    scale = torch.tensor([1.0, 3.0, 0.5, 10.0, 2.0])  # channels of different scales, as ResNet stages are
    features = (centres[labels] + torch.randn(n, 5, generator=generator)) * scale + 7.0
    return features, labels


def test_fit_reaches_the_unique_optimum_whatever_the_sample_order():
    features, labels = clusters()
    fit = fit_logistic_regression(features.clone(), labels, 3, max_iters=500, weight_decay=1e-3, eps=1e-5)
    assert fit['grad_norm'] < 1e-4 and fit['iterations'] <= 500
    assert torch.allclose(fit['mean'], features.mean(0)) and torch.allclose(fit['var'], features.var(0, False))
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(1))
    shuffled = fit_logistic_regression(features[order].clone(), labels[order], 3, 500, 1e-3, 1e-5)
    assert torch.allclose(shuffled['weight'], fit['weight'], atol=1e-3)
    assert torch.allclose(shuffled['bias'], fit['bias'], atol=1e-3)
    normalised = (features - fit['mean']) / torch.sqrt(fit['var'] + 1e-5)
    accuracy = ((normalised @ fit['weight'].T + fit['bias']).argmax(1) == labels).float().mean()
    assert accuracy > 0.9
    # a few iterations leave a visibly larger gradient: the iteration cap is honoured
    early = fit_logistic_regression(features.clone(), labels, 3, max_iters=2, weight_decay=1e-3, eps=1e-5)
    assert early['iterations'] <= 2 and early['grad_norm'] > 10 * fit['grad_norm']


def test_fit_names_labels_outside_the_classes():
    features, labels = clusters(30)
    try:
        fit_logistic_regression(features, labels + 5, 3, 5, 1e-3, 1e-5)
    except ValueError as error:
        assert 'labels must be in [0, 3)' in str(error)
    else:
        raise AssertionError('labels outside the classes were accepted')


def test_head_logits_commute_with_bilinear_resizing():
    """What the fit relies on: classifying upsampled features equals upsampling the head's logits."""
    torch.manual_seed(0)
    head = LinearProbeHead(in_channels=[4, 8], in_index=[0, 1], num_classes=3).eval()
    head.norm.running_mean.uniform_(-1, 1)
    head.norm.running_var.uniform_(0.5, 2)
    inputs = [torch.randn(2, 4, 8, 8), torch.randn(2, 8, 4, 4)]
    logits = F.interpolate(head(inputs), size=(32, 32), mode='bilinear', align_corners=False)
    upsampled = F.interpolate(head.concat_features(inputs), size=(32, 32), mode='bilinear', align_corners=False)
    assert torch.allclose(logits, head.cls_seg(head.norm(upsampled)), atol=1e-5)


@pytest.mark.parametrize('align_corners', [False, True])
def test_features_at_the_drawn_pixels_equal_the_resized_map(align_corners):
    torch.manual_seed(0)
    feature_map, size = torch.randn(5, 6, 7), (25, 31)
    rows, cols = torch.randint(0, 25, (200,)), torch.randint(0, 31, (200,))
    rows[:4], cols[:4] = torch.tensor([0, 24, 0, 24]), torch.tensor([0, 30, 30, 0])  # the borders too
    resized = F.interpolate(feature_map[None], size=size, mode='bilinear', align_corners=align_corners)[0]
    assert torch.allclose(features_at(feature_map, rows, cols, size, align_corners), resized[:, rows, cols].T,
                          atol=1e-5)


def run(data, work_dir, evaluation='probe-fit'):
    return study.main([
        '--data', str(data), '--work-dir', str(work_dir), '--methods', 'random', '--seeds', '0',
        '--evaluations', evaluation, '--probe-fit-iters', '20', '--crop', '64', '--resize', '64',
        '--finetune-batch', '2',
        '--finetune-cfg-options', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0'
    ])


@pytest.mark.parametrize('evaluation,images', [('probe-fit', 4 * 2), ('probe-fit-full', 2)])
def test_study_scores_with_the_fitted_probe_deterministically(tmp_path, capsys, evaluation, images):
    data = render_demo_dataset(tmp_path / 'data', num_train=2, num_val=1, size=64)
    assert run(data, tmp_path / 'a', evaluation) == 0
    out = capsys.readouterr().out
    assert 'fit the linear probe (at most 20 L-BFGS it)' in out and 'fitted probe: ' in out
    stage = tmp_path / 'a' / 'main' / 'seed0' / 'random' / f'finetune_{evaluation}_20it_seed0'
    checkpoint = torch.load(stage / 'iter_20.pth', map_location='cpu', weights_only=False)
    fit = checkpoint['meta']['probe_fit']
    per_image = 4096 if fit['full_images'] else 1024
    assert fit['images'] == images and fit['full_images'] == (evaluation == 'probe-fit-full')
    assert 0 < fit['samples'] <= images * per_image and sum(fit['class_samples']) == fit['samples']
    state = checkpoint['state_dict']
    assert state['decode_head.norm.running_var'].ne(1).all() and state['decode_head.conv_seg.weight'].ne(0).any()
    metrics = json.loads((stage / 'metrics.json').read_text())
    assert 0 <= metrics['mIoU'] <= 100
    report = json.loads((tmp_path / 'a' / 'results.json').read_text())
    assert list(report['evaluations']) == [evaluation]

    assert run(data, tmp_path / 'b', evaluation) == 0  # the same seed in a new work dir: the same head and score
    again = torch.load(tmp_path / 'b' / stage.relative_to(tmp_path / 'a') / 'iter_20.pth', map_location='cpu',
                       weights_only=False)['state_dict']
    assert all(torch.equal(state[key], again[key]) for key in state)
    assert json.loads((tmp_path / 'b' / stage.relative_to(tmp_path / 'a') / 'metrics.json').read_text()) == metrics


def test_probe_seeds_scores_one_backbone_per_evaluation_seed(tmp_path, capsys):
    from mmseg.models.backbones import ResNet

    from tools import probe_seeds
    data = render_demo_dataset(tmp_path / 'data', num_train=2, num_val=1, size=64)
    backbone = tmp_path / 'backbone.pth'
    torch.manual_seed(0)
    torch.save({'state_dict': ResNet(depth=18).state_dict()}, backbone)
    argv = ['--data', str(data), '--work-dir', str(tmp_path / 'seeds'), '--backbone', str(backbone), '--seeds', '0',
            '1', '--iters', '20', '--evaluation', 'probe-fit', '--cfg-options', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0']
    assert probe_seeds.main(argv) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith('probe_seeds: seed')]
    assert [line.split(':')[1] for line in lines] == [' seed 0', ' seed 1']
    heads = [torch.load(tmp_path / 'seeds' / f'seed{seed}' / 'iter_20.pth', map_location='cpu',
                        weights_only=False)['state_dict'] for seed in (0, 1)]
    assert torch.equal(heads[0]['backbone.conv1.weight'], heads[1]['backbone.conv1.weight'])  # one backbone
    assert not torch.equal(heads[0]['decode_head.conv_seg.weight'], heads[1]['decode_head.conv_seg.weight'])
    assert probe_seeds.main(argv) == 0 and 'fitted probe' not in capsys.readouterr().out  # finished seeds skipped
    assert probe_seeds.main(argv[:5] + [str(tmp_path / 'missing.pth')] + argv[6:]) == 1
    assert '--backbone not found' in capsys.readouterr().err
