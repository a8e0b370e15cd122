"""Stage configs of tools/pipeline.py: schedules scaled with the iteration count, data and backbone wiring."""
import json
from pathlib import Path

import pytest
from mmengine.config import Config

from tools.harness.stage_configs import evaluation_config, finetune_config, pretrain_config, scale_iterations

REPO = Path(__file__).resolve().parents[2]
GRASS_CPU = REPO / 'configs' / 'grass' / 'grass_resnet18_cpu_rsi-folder.py'
SEG_CPU = REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
    'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'


def test_scale_iterations_lets_the_schedule_follow():
    cfg = scale_iterations(Config.fromfile(str(GRASS_CPU)), 120)
    assert cfg.train_cfg.max_iters == 120
    warmup, cosine = cfg.param_scheduler  # the mechanism of tools/train.py: fractions of max_iters
    assert (warmup.begin, warmup.end, cosine.begin) == (0, 12, 12) and 'end' not in cosine
    assert cfg.custom_hooks[0].warmup_ratio == pytest.approx(1 / 3)  # GraSSHook resolves it against max_iters
    assert cfg.default_hooks.checkpoint.interval == 40  # the same share of the run as the shipped 20 of 60
    tiny = scale_iterations(Config.fromfile(str(GRASS_CPU)), 2)
    assert all(s.get('end', 2) > s.begin for s in tiny.param_scheduler) and tiny.default_hooks.checkpoint.interval >= 1
    with pytest.raises(ValueError, match='>= 1'):
        scale_iterations(Config.fromfile(str(GRASS_CPU)), 0)


def test_pretrain_config_reads_the_train_split(tmp_path):
    cfg = pretrain_config(GRASS_CPU, tmp_path / 'data', tmp_path / 'work', 6, 3, 'x')
    dataset = cfg.train_dataloader.dataset
    assert (dataset.data_root, dataset.data_prefix, dataset.ann_file) == (str(tmp_path / 'data'), 'images',
                                                                          'splits/train.txt')
    assert (cfg.work_dir, cfg.randomness.seed, cfg.resume, cfg.load_from) == (str(tmp_path / 'work'), 3, True, None)


def test_finetune_and_evaluation_configs(tmp_path):
    (tmp_path / 'meta.json').write_text(json.dumps(dict(classes=['a', 'b', 'c'], ignore_index=250)))
    cfg = finetune_config(SEG_CPU, tmp_path, tmp_path / 'backbone.pth', tmp_path / 'ft', 10, 1, 'ft',
                          label_fraction=0.5)
    train = cfg.train_dataloader.dataset
    assert (train.type, train.fraction, train.seed, train.dataset.data_root) == ('LabelFractionDataset', 0.5, 1,
                                                                                 str(tmp_path))
    assert cfg.val_dataloader.dataset.data_root == str(tmp_path)
    assert cfg.model.decode_head.num_classes == cfg.model.auxiliary_head.num_classes == 3
    assert cfg.model.decode_head.ignore_index == cfg.val_evaluator.ignore_index == 250
    assert cfg.model.backbone.init_cfg == dict(type='Pretrained', checkpoint=str(tmp_path / 'backbone.pth'))
    assert cfg.train_cfg.max_iters == 10 and 'end' not in cfg.param_scheduler[0]  # the poly decay ends with training
    assert cfg.train_cfg.val_begin > cfg.train_cfg.max_iters  # evaluated once, by the evaluation stage
    assert finetune_config(SEG_CPU, tmp_path, None, tmp_path / 'r', 10, 1, 'r').model.backbone.init_cfg is None

    ev = evaluation_config(cfg, tmp_path / 'ft' / 'iter_10.pth', tmp_path / 'ev', 'ev')
    assert (ev.load_from, ev.resume, ev.model.backbone.init_cfg) == (str(tmp_path / 'ft' / 'iter_10.pth'), False, None)
    assert cfg.model.backbone.init_cfg is not None  # the fine-tuning config is not changed


def test_short_schedules_still_finish_the_lr_warmup():
    """A warm-up resolved to one step would leave LinearLR at start_factor for the whole run."""
    import torch
    from mmengine.optim.scheduler import CosineAnnealingLR, LinearLR

    cfg = scale_iterations(Config.fromfile(str(GRASS_CPU)), 12)
    optimizer = torch.optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.15)
    kinds = dict(LinearLR=LinearLR, CosineAnnealingLR=CosineAnnealingLR)
    # the Runner's default end: the training length
    schedulers = [kinds[s['type']](optimizer, **{'end': 12, **{k: v for k, v in s.items() if k != 'type'}})
                  for s in cfg.param_scheduler]
    lrs = []
    for _ in range(12):
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    assert max(lrs) == pytest.approx(0.15)
