"""Every pretraining method of the method table, end to end at test size: its CPU config builds from
``custom_imports``, trains 2 iterations, and its backbone loads exactly into the CPU DeepLabV3+."""
import math

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.utils import import_modules_from_strings

from grass_mm.checkpoint import extract_backbone, load_checkpoint_dict
from grass_mm.segmentation.hooks import PretrainedKeysCheckHook
from tools.harness.methods import pretrain_configs
from tools.harness.stage_configs import view_size_options

from .conftest import build_segmentor

# The algorithm each method's config must build: mmpretrain's own classes for the baselines (no copies).
# The plug-in variants: mmpretrain's class with gradient guided sampling (grass_mm's subclass of it).
ALGORITHMS = {'grass': 'GraSS', 'simclr': 'GraSS', 'mocov2': 'MoCo', 'byol': 'BYOL', 'simsiam': 'SimSiam',
              'barlowtwins': 'BarlowTwins', 'swav': 'SwAV', 'densecl': 'DenseCL', 'mocov3': 'MoCoV3',
              'grass-mocov2': 'GraSSMoCo', 'grass-byol': 'GraSSBYOL'}


def test_every_method_has_an_expected_algorithm():
    assert sorted(pretrain_configs()) == sorted(ALGORITHMS)


@pytest.mark.parametrize('name', list(pretrain_configs()))
def test_method_pretrains_and_transfers_exactly(name, tiny_folder, small_options, run_train, read_scalars, seg_cfg,
                                                tmp_path):
    config = pretrain_configs()[name]
    cfg = Config.fromfile(str(config))
    assert cfg.custom_imports == dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)
    import_modules_from_strings(**cfg.custom_imports)
    from mmpretrain.registry import MODELS
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
    assert type(model).__name__ == ALGORITHMS[name]
    if ALGORITHMS[name] != 'GraSS':  # mmpretrain's own algorithm, or a plug-in subclass of it
        host = type(model).__mro__[2] if ALGORITHMS[name].startswith('GraSS') else type(model)
        assert host.__module__.startswith('mmpretrain.models.selfsup.'), type(model).__mro__
    assert type(model.backbone).__module__.startswith('mmpretrain.models.backbones.')
    assert type(model.backbone).__name__ == 'ResNet' and model.backbone.depth == 18  # 7x7 stem

    # 2 iterations of 4 images, 48 px views (every view pipeline of the method, ratios kept), no workers
    hooks = [hook.type for hook in cfg.get('custom_hooks', [])]
    options = small_options(tiny_folder, 2, warmup=2 if 'GraSSHook' in hooks else None)
    options += [f'{key}={value}' for key, value in view_size_options(cfg, 48).items()]
    work = tmp_path / 'work'
    run_train(config, work, options)
    losses = [row['loss'] for row in read_scalars(work) if 'loss' in row]
    assert len(losses) == 2 and all(math.isfinite(loss) for loss in losses), losses

    checkpoint = work / 'iter_2.pth'
    state = load_checkpoint_dict(checkpoint)['state_dict']
    out = tmp_path / 'backbone.pth'
    kept, dropped = extract_backbone(checkpoint, out)
    assert kept and not any(key.startswith('backbone.') for key in dropped)
    segmentor = build_segmentor(seg_cfg, out)
    target = segmentor.backbone.state_dict()
    assert set(target) == set(kept), f'{name}: key sets differ'
    for key, value in target.items():
        assert torch.equal(value, state[f'backbone.{key}']), f'{name}: {key} not transferred'
    assert segmentor.backbone.bn1.num_batches_tracked.item() > 0  # statistics of the pretraining steps
    assert PretrainedKeysCheckHook().check_model(segmentor) == 1
