"""The GraSS-on-MoCo-v2 and GraSS-on-BYOL configs: each is its baseline's config plus gradient guided sampling
(the plug-in model type and GraSSHook, nothing else), and they train through the ID -> GS switch."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS

import grass_mm.pretrain  # noqa: F401
from tools.harness.methods import METHODS

REPO = Path(__file__).resolve().parents[2]
PLUGINS = {'mocov2': 'GraSSMoCo', 'byol': 'GraSSBYOL'}
DATASETS = ['potsdam', 'vaihingen', 'loveda-urban', 'loveda-rural']
# (GraSS variant, its baseline): the paper-size configs per dataset and the CPU-size ones
PAPER = '_resnet50_1xb256-coslr-350e_'
PAIRS = [(f'grass/grass-{base}{PAPER}{data}.py', f'{base}/{base}{PAPER}{data}.py')
         for base in PLUGINS for data in DATASETS] + [
    (f'grass/grass-{base}_resnet18_cpu_rsi-folder.py', f'{base}/{base}_resnet18_cpu_rsi-folder.py') for base in PLUGINS]
CPU = [variant for variant, _ in PAIRS if '_cpu_' in variant]


def load(name: str) -> dict:
    return Config.fromfile(str(REPO / 'configs' / name)).to_dict()


@pytest.mark.parametrize('variant,base', PAIRS, ids=[Path(v).stem for v, _ in PAIRS])
def test_variant_is_its_baseline_plus_gradient_guided_sampling(variant, base):
    ours, theirs = load(variant), load(base)
    assert ours['model'].pop('type') == PLUGINS[theirs['model'].pop('type').lower().replace('moco', 'mocov2')]
    hooks = ours.pop('custom_hooks')
    ratio = 0.1 if '350e' in variant else 1 / 3  # GraSS's share of ID warm-up: the paper's / the CPU GraSS config's
    assert hooks == theirs.pop('custom_hooks', []) + [dict(type='GraSSHook', warmup_ratio=ratio)]
    assert ours == theirs  # same model, views, data, optimiser, schedule, runtime
    model = MODELS.build(load(variant)['model'])  # the plug-in's defaults are GraSS's sampling
    assert (model.sampler.threshold_ratio, model.sampler.interpolation, model.sampler.region_rule) == \
        (0.5, 'nearest', 'peak')
    assert model.localize_scale == 1.0 and model.guide_updates_bn is False and model.guide_target == 'online'


def test_method_table_names_the_cpu_variants():
    for base in PLUGINS:
        assert METHODS[f'grass-{base}'].config == f'configs/grass/grass-{base}_resnet18_cpu_rsi-folder.py'


@pytest.mark.parametrize('name', CPU, ids=[Path(v).stem for v in CPU])
def test_cpu_configs_train_through_the_switch(name, tiny_folder, tmp_path, small_options, run_train, read_scalars):
    config = REPO / 'configs' / name
    cfg = Config.fromfile(str(config))
    views = len(cfg.train_dataloader.dataset.pipeline[1].transforms)  # BYOL: two pipelines
    options = small_options(tiny_folder, max_iters=3, warmup=1) + [
        f'train_dataloader.dataset.pipeline.1.transforms.{i}.0.scale=48' for i in range(1, views)]
    work = tmp_path / 'work'
    run_train(config, work, options)
    rows = [row for row in read_scalars(work) if 'loss' in row]
    assert [row['gs_phase'] for row in rows] == [0.0, 1.0, 1.0]
    assert all(0 < row['box_area_frac'] <= 1 for row in rows[1:])
    # the checkpoint is mmpretrain's own algorithm's: it loads strictly into it
    host = {k: v for k, v in cfg.model.items() if k not in ('sampler', 'localize_scale', 'guide_updates_bn',
                                                            'guide_target')}
    host = MODELS.build(dict(host, type=cfg.model.type.replace('GraSS', '')))
    host.load_state_dict(torch.load(work / 'iter_3.pth', weights_only=True)['state_dict'], strict=True)


@pytest.mark.parametrize('name', CPU, ids=[Path(v).stem for v in CPU])
def test_cpu_configs_fit_the_study_pipeline(name, tmp_path):
    """tools/pipeline.py's pretraining stage scales the schedule and the switch of these configs too."""
    from tools.harness.stage_configs import pretrain_config
    cfg = pretrain_config(REPO / 'configs' / name, tmp_path / 'data', tmp_path / 'work', iters=30, seed=0,
                          name='plugin')
    hook = next(hook for hook in cfg.custom_hooks if hook.type == 'GraSSHook')
    assert cfg.train_cfg.max_iters == 30 and hook.warmup_ratio == pytest.approx(1 / 3)
    assert cfg.param_scheduler[-1].get('end', 30) == 30
    assert cfg.train_dataloader.dataset.data_prefix == 'images'
