"""The GraSS-on-MoCo-v2 and GraSS-on-BYOL configs: mmpretrain's own models, views and schedules, and they train."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.hub import get_config
from mmpretrain.registry import MODELS

import grass_mm.pretrain  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
PLUGIN_KEYS = ('sampler', 'localize_scale', 'guide_updates_bn', 'guide_target')
# our paper-size config -> mmpretrain's config of the same method
PAPER = {
    'grass-mocov2_resnet50_1xb256-coslr-200e_potsdam.py': 'mmpretrain::mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py',
    'grass-byol_resnet50_1xb256-coslr-200e_potsdam.py': 'mmpretrain::byol/byol_resnet50_16xb256-coslr-200e_in1k.py',
}
CPU = ['grass-mocov2_resnet18_cpu_rsi-folder.py', 'grass-byol_resnet18_cpu_rsi-folder.py']


def host_model(model: dict) -> dict:
    """The model config without the plug-in's keys, as mmpretrain's own algorithm takes it."""
    return {k: v for k, v in model.items() if k not in PLUGIN_KEYS + ('type', 'data_preprocessor')}


@pytest.mark.parametrize('name', sorted(PAPER))
def test_paper_configs_are_mmpretrains_method_plus_gradient_guided_sampling(name):
    ours, host = Config.fromfile(str(REPO / 'configs' / 'grass' / name)), get_config(PAPER[name])
    assert ours.model.type == 'GraSS' + host.model.type
    assert host_model(ours.model) == {k: v for k, v in host.model.items() if k != 'type'}
    assert ours.model.sampler == dict(type='GradientGuidedSampler', threshold_ratio=0.5, interpolation='nearest',
                                      min_box_size=0.0, region_rule='peak')
    assert ours.model.guide_target == 'online' and ours.model.localize_scale == 1.0
    assert ours.custom_hooks == [dict(type='GraSSHook', warmup_ratio=0.1)]
    # the method's own views, cut from RSI windows, and its schedule with the lr scaled to one GPU x 256
    assert ours.train_dataloader.dataset.pipeline[1] == host.train_dataloader.dataset.pipeline[1]
    batch = ours.train_dataloader.batch_size
    assert batch == 256 and ours.auto_scale_lr.base_batch_size == batch
    host_lr = host.optim_wrapper.optimizer.lr * batch / host.auto_scale_lr.base_batch_size
    assert ours.optim_wrapper.optimizer == dict(host.optim_wrapper.optimizer, lr=pytest.approx(host_lr))
    assert ours.param_scheduler == host.param_scheduler and ours.train_cfg == host.train_cfg
    if ours.model.type == 'GraSSMoCo':  # MoCo enqueues whole batches
        assert ours.train_dataloader.drop_last and ours.model.queue_len % batch == 0


@pytest.mark.parametrize('name', CPU)
def test_cpu_configs_train_through_the_switch(name, tiny_folder, tmp_path, small_options, run_train, read_scalars):
    config = REPO / 'configs' / 'grass' / name
    cfg = Config.fromfile(str(config))
    assert cfg.train_dataloader.get('drop_last', False) or cfg.model.type != 'GraSSMoCo'
    views = len(cfg.train_dataloader.dataset.pipeline[1].transforms)  # BYOL: two pipelines
    options = small_options(tiny_folder, max_iters=3, warmup=1) + [
        f'train_dataloader.dataset.pipeline.1.transforms.{i}.0.scale=48' for i in range(1, views)]
    work = tmp_path / 'work'
    run_train(config, work, options)
    rows = [row for row in read_scalars(work) if 'loss' in row]
    assert [row['gs_phase'] for row in rows] == [0.0, 1.0, 1.0]
    assert all(0 < row['box_area_frac'] <= 1 for row in rows[1:])
    # the checkpoint is mmpretrain's own algorithm's: it loads strictly into it
    host = MODELS.build(dict(host_model(cfg.model), type=cfg.model.type.replace('GraSS', '')))
    host.load_state_dict(torch.load(work / 'iter_3.pth', weights_only=True)['state_dict'], strict=True)


@pytest.mark.parametrize('name', CPU)
def test_cpu_configs_fit_the_study_pipeline(name, tmp_path):
    """tools/pipeline.py's pretraining stage scales the schedule and the switch of these configs too."""
    from tools.harness.stage_configs import pretrain_config
    cfg = pretrain_config(REPO / 'configs' / 'grass' / name, tmp_path / 'data', tmp_path / 'work', iters=30, seed=0,
                          name='plugin')
    assert cfg.train_cfg.max_iters == 30 and cfg.custom_hooks[0].warmup_iters == 10
    assert cfg.param_scheduler[-1].end == 30
    assert cfg.train_dataloader.dataset.data_prefix == 'images'
