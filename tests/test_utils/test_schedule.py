"""fit_schedule: scheduler bounds as fractions of the training length, resolved; early-ending schedules refused."""
from pathlib import Path

import pytest
from mmengine.config import Config

from grass_mm.utils.schedule import fit_schedule

REPO = Path(__file__).resolve().parents[2]
GRASS_R50 = REPO / 'configs' / 'grass' / 'grass_resnet50_1xb256-coslr-350e_potsdam.py'
SEG_13K = REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' / 'deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_dubai-256x256.py'


def iter_cfg(max_iters: int, *schedulers: dict) -> Config:
    return Config(dict(train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
                       param_scheduler=list(schedulers)))


WARMUP_COSINE = (dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0, end_ratio=0.1),
                 dict(type='CosineAnnealingLR', by_epoch=False, begin_ratio=0.1))


@pytest.mark.parametrize('max_iters, warmup_end', [(60, 6), (600, 60), (5000, 500), (12, 2), (3, 2)])
def test_ratios_follow_max_iters(max_iters, warmup_end):
    cfg = fit_schedule(iter_cfg(max_iters, *WARMUP_COSINE))
    warmup, cosine = cfg.param_scheduler
    assert (warmup.begin, warmup.end) == (0, warmup_end)  # at least 2 steps: LinearLR reaches its end factor
    assert cosine.begin == warmup_end and 'end' not in cosine and 'T_max' not in cosine  # mmengine: to the end
    assert not any(key.endswith('_ratio') for s in cfg.param_scheduler for key in s)


def test_shipped_paper_schedule_follows_max_epochs():
    cfg = Config.fromfile(str(GRASS_R50))
    cfg.train_cfg.max_epochs = 100
    warmup, cosine = fit_schedule(cfg).param_scheduler
    assert (warmup.end, warmup.convert_to_iter_based, cosine.begin) == (10, True, 10)
    assert fit_schedule(Config.fromfile(str(GRASS_R50))).param_scheduler[0].end == 35  # 10 % of 350, as the paper
    assert cfg.custom_hooks == [dict(type='GraSSHook', warmup_ratio=0.1)]  # the ID warm-up follows too


def test_a_range_empty_at_a_tiny_length_is_left_out():
    cfg = fit_schedule(iter_cfg(2, *WARMUP_COSINE))
    assert [s.type for s in cfg.param_scheduler] == ['LinearLR']


def test_a_schedule_that_ends_before_training_is_refused_naming_the_keys():
    cfg = Config.fromfile(str(SEG_13K))
    fit_schedule(cfg)  # PolyLR's end defaults to max_iters: any length is fine
    cfg.merge_from_dict({'train_cfg.max_iters': 5000})
    fit_schedule(cfg)
    cfg.param_scheduler[0].end = 1300  # the old, hard-coded bound
    with pytest.raises(ValueError, match=r'ends at 1300 iterations \(param_scheduler\[0\].end=1300\) but training '
                       r'runs train_cfg.max_iters=5000.*set param_scheduler\[0\].end to 5000'):
        fit_schedule(cfg)


@pytest.mark.parametrize('scheduler, message', [
    (dict(type='LinearLR', by_epoch=False, begin=0, end_ratio=1.5), r'end_ratio must be a fraction .* got 1.5'),
    (dict(type='LinearLR', by_epoch=False, end=3, end_ratio=0.5), 'give end or end_ratio, not both'),
    (dict(type='LinearLR', begin=0, end_ratio=0.5), 'end_ratio is a fraction of train_cfg.max_iters, so by_epoch '
     'must be False'),
])
def test_bad_ratios_are_named(scheduler, message):
    with pytest.raises(ValueError, match=r'param_scheduler\[0\] \(LinearLR\).*' + message):
        fit_schedule(iter_cfg(10, scheduler, dict(type='ConstantLR', factor=1.0, by_epoch=False)))
