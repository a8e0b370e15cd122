"""Pretrained backbone -> mmseg DeepLabV3+: exact weight transfer, and clear errors when it cannot be exact."""
from pathlib import Path

import pytest
import torch
from mmengine.registry import DefaultScope
from mmseg.registry import MODELS

import grass_mm.segmentation  # noqa: F401  (registers the hook)
from grass_mm.checkpoint import extract_backbone
from grass_mm.segmentation.hooks import PretrainedKeysCheckHook
from tools import extract_backbone as extract_backbone_tool

from .conftest import build_segmentor, save_runner_like_checkpoint

REPO = Path(__file__).resolve().parents[2]


def test_extracted_backbone_loads_exactly(pretrain_checkpoint, seg_cfg, tmp_path):
    kind, path, state = pretrain_checkpoint
    out = tmp_path / 'backbone.pth'
    kept, dropped = extract_backbone(path, out)

    extracted = torch.load(out, weights_only=True)
    assert list(extracted) == kept and all(isinstance(v, torch.Tensor) for v in extracted.values())
    assert not any(key.startswith('backbone.') for key in extracted)
    assert dropped and all(key.startswith(('neck.', 'head.')) for key in dropped)

    model = build_segmentor(seg_cfg, out)
    target = model.backbone.state_dict()
    assert set(target) == set(extracted), f'{kind}: key sets differ'
    for key, value in target.items():
        assert torch.equal(value, state[f'backbone.{key}']), f'{kind}: {key} not transferred'
    assert PretrainedKeysCheckHook().check_model(model) == 1


def test_full_checkpoint_with_prefix_loads_exactly(pretrain_checkpoint, seg_cfg):
    _, path, state = pretrain_checkpoint
    model = build_segmentor(seg_cfg, path, init=dict(prefix='backbone.'))
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, state[f'backbone.{key}']), key
    PretrainedKeysCheckHook().check_model(model)


def test_resnetv1c_with_resnet_checkpoint_fails_clearly(pretrain_checkpoint, seg_cfg, tmp_path):
    _, path, _ = pretrain_checkpoint
    out = tmp_path / 'backbone.pth'
    extract_backbone(path, out)
    model = build_segmentor(seg_cfg, out, type='ResNetV1c')  # mmengine only logs the mismatch here
    with pytest.raises(RuntimeError) as info:
        PretrainedKeysCheckHook().check_model(model)
    message = str(info.value)
    assert str(out) in message and 'ResNetV1c' in message and "type='ResNet'" in message
    assert 'stem.0.weight' in message and 'conv1.weight' in message


def test_hook_reports_shape_mismatch_and_ignores_keys(seg_cfg, tmp_path):
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(seg_cfg.model.copy())
    state = {key: value.clone() for key, value in model.backbone.state_dict().items()}
    state['fc.weight'] = torch.zeros(10, 512)  # an ImageNet classifier's head: unexpected
    path = tmp_path / 'imagenet_like.pth'
    torch.save(state, path)
    hook = PretrainedKeysCheckHook()
    with pytest.raises(RuntimeError, match=r'1 unexpected \(not in the model\): fc.weight'):
        hook.check_module(model.backbone, str(path))
    PretrainedKeysCheckHook(ignore_keys=[r'^fc\.']).check_module(model.backbone, str(path))

    state['conv1.weight'] = torch.zeros(64, 3, 3, 3)
    torch.save(state, path)
    with pytest.raises(RuntimeError, match=r'conv1.weight: checkpoint \(64, 3, 3, 3\) vs model \(64, 3, 7, 7\)'):
        hook.check_module(model.backbone, str(path), name='backbone')


def test_extract_refuses_checkpoint_without_backbone(tmp_path, capsys):
    path = tmp_path / 'neck_only.pth'
    torch.save(dict(meta=dict(), state_dict={'neck.fc0.weight': torch.zeros(2, 2)}), path)
    with pytest.raises(ValueError, match=f"{path}: no backbone weights.*'neck'"):
        extract_backbone(path, tmp_path / 'out.pth')
    assert not (tmp_path / 'out.pth').exists()

    assert extract_backbone_tool.main([str(path), str(tmp_path / 'out.pth')]) == 1
    assert f'{path}: no backbone weights' in capsys.readouterr().err
    assert extract_backbone_tool.main([str(tmp_path / 'missing.pth'), str(tmp_path / 'o.pth')]) == 1
    assert 'checkpoint not found' in capsys.readouterr().err


def test_extract_names_a_file_that_is_not_a_checkpoint(tmp_path, capsys):
    path = tmp_path / 'notes.pth'
    path.write_text('not a checkpoint')
    assert extract_backbone_tool.main([str(path), str(tmp_path / 'out.pth')]) == 1
    err = capsys.readouterr().err
    assert f'{path} is not a readable PyTorch checkpoint' in err and 'Traceback' not in err
    assert not (tmp_path / 'out.pth').exists()


def test_extract_cli_prints_kept_and_dropped(pretrain_checkpoint, tmp_path, capsys):
    _, path, state = pretrain_checkpoint
    assert extract_backbone_tool.main([str(path), str(tmp_path / 'b.pth')]) == 0
    out = capsys.readouterr().out
    backbone_keys = [key for key in state if key.startswith('backbone.')]
    assert f'kept {len(backbone_keys)} backbone tensors' in out and 'layer4 (' in out
    assert f'dropped {len(state) - len(backbone_keys)} keys' in out and '  neck.fc0.weight' in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ['b.pth', path.name]  # no temporary file left


def test_runner_stops_before_training_a_random_stem(seg_cfg, tmp_path):
    """Through mmengine's Runner: the config's PretrainedKeysCheckHook raises before the first iteration."""
    from mmengine.runner import Runner

    from tools.harness.demo_data import render_demo_dataset
    path = tmp_path / 'simclr.pth'
    save_runner_like_checkpoint('simclr', path)
    data = render_demo_dataset(tmp_path / 'data', num_train=2, num_val=1, size=64)
    extract_backbone(path, tmp_path / 'backbone.pth')
    cfg = seg_cfg.copy()
    cfg.merge_from_dict({
        'model.backbone.type': 'ResNetV1c', 'model.backbone.init_cfg.checkpoint': str(tmp_path / 'backbone.pth'),
        'train_dataloader.dataset.dataset.data_root': str(data), 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False, 'val_dataloader.dataset.data_root': str(data),
        'work_dir': str(tmp_path / 'work'), 'experiment_name': 'v1c_guard'
    })
    runner = Runner.from_cfg(cfg)
    with pytest.raises(RuntimeError, match="use backbone type='ResNet'"):
        runner.train()
    assert runner.iter == 0 and not list((tmp_path / 'work').glob('iter_*.pth'))
