"""Fixtures for the backbone-transfer tests: pretraining checkpoints saved the way mmengine's Runner saves."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

REPO = Path(__file__).resolve().parents[2]
GRASS_CPU = REPO / 'configs' / 'grass' / 'grass_resnet18_cpu_rsi-folder.py'
SEG_CPU = REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
    'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'


def pretrain_model_cfg(kind: str) -> dict:
    """The ResNet-18 pretraining model: the lead's GraSS CPU config, or mmpretrain's own SimCLR."""
    if kind == 'grass':
        import grass_mm.pretrain.models  # noqa: F401  (registers GraSS and its sampler)
        return Config.fromfile(str(GRASS_CPU)).model.to_dict()
    return dict(
        type='SimCLR',
        backbone=dict(type='ResNet', depth=18, norm_cfg=dict(type='BN')),
        neck=dict(type='NonLinearNeck', in_channels=512, hid_channels=512, out_channels=128, num_layers=2,
                  with_avg_pool=True),
        head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.1))


def save_runner_like_checkpoint(kind: str, path: Path, seed: int = 0) -> dict:
    """Builds the model, fills every tensor with random values and saves it as a Runner checkpoint.

    Random values everywhere (BN statistics and ``num_batches_tracked`` included) make "equal to the
    pretrained tensor" impossible to satisfy by a fresh initialisation.

    Returns:
        dict: The saved model state dict.
    """
    from mmpretrain.registry import MODELS
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(pretrain_model_cfg(kind))
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for tensor in model.state_dict().values():
            if tensor.is_floating_point():
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            else:
                tensor.fill_(7)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    hub = MessageHub(f'test_{kind}_{seed}')
    hub.update_scalar('train/loss', 1.5)
    state = model.state_dict()
    torch.save(
        dict(meta=dict(epoch=0, iter=4, seed=seed, experiment_name=f'{kind}_test'), state_dict=state,
             optimizer=optimizer.state_dict(), message_hub=hub.state_dict(),
             param_schedulers=[dict(last_epoch=4)]), path)
    return state


def build_segmentor(seg_cfg: Config, checkpoint, **backbone) -> torch.nn.Module:
    """Builds and initialises the CPU DeepLabV3+ with its backbone's init_cfg pointing at ``checkpoint``.

    Args:
        seg_cfg (Config): The fine-tuning config.
        checkpoint (str | Path): The pretrained checkpoint.
        **backbone: Backbone config overrides; ``init=dict(...)`` adds keys to the backbone's ``init_cfg``.

    Returns:
        torch.nn.Module: The segmentor after ``init_weights()``.
    """
    from mmseg.registry import MODELS
    cfg = seg_cfg.model.copy()
    cfg.backbone.init_cfg = dict(type='Pretrained', checkpoint=str(checkpoint), **backbone.pop('init', {}))
    cfg.backbone.update(backbone)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg)
    model.init_weights()
    return model


@pytest.fixture(params=['simclr', 'grass'])
def pretrain_checkpoint(request, tmp_path):
    """``(kind, path, state_dict)`` of a SimCLR or GraSS ResNet-18 Runner checkpoint."""
    path = tmp_path / f'{request.param}_iter_4.pth'
    return request.param, path, save_runner_like_checkpoint(request.param, path)


@pytest.fixture
def seg_cfg() -> Config:
    """The CPU DeepLabV3+ R18 fine-tuning config."""
    return Config.fromfile(str(SEG_CPU))
