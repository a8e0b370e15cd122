"""GraSSHook with a real mmengine Runner: the ID -> GS switch and exact resume on both sides of it."""
import logging

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmengine.runner import Runner
from mmpretrain.registry import HOOKS
from mmpretrain.structures import DataSample
from mmpretrain.utils import get_ori_model
from torch.utils.data import Dataset

import grass_mm.pretrain  # noqa: F401
from tests.test_pretrain.test_grass import grass_cfg


class TwoViewDataset(Dataset):
    """Fixed random two-view samples, as MultiView + PackInputs would produce them."""
    METAINFO = dict()

    def __init__(self, num: int = 8, size: int = 48) -> None:
        gen = torch.Generator().manual_seed(1)
        self.views = torch.randint(0, 256, (num, 2, 3, size, size), generator=gen, dtype=torch.uint8)

    @property
    def metainfo(self):
        return self.METAINFO

    def __len__(self) -> int:
        return len(self.views)

    def __getitem__(self, idx: int) -> dict:
        return dict(inputs=[self.views[idx, 0], self.views[idx, 1]], data_samples=DataSample())


@HOOKS.register_module()
class PhaseRecorderHook(Hook):
    """Records the model's phase at every iteration (runs after GraSSHook)."""
    priority = 'LOWEST'

    def __init__(self) -> None:
        self.phases = []

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self.phases.append(get_ori_model(runner.model).phase)


def make_runner(work_dir, hook, by_epoch: bool = False, max_count: int = 6, resume_from=None,
                ckpt_interval: int = 2) -> Runner:
    loop = dict(type='EpochBasedTrainLoop', max_epochs=max_count) if by_epoch else \
        dict(type='IterBasedTrainLoop', max_iters=max_count)
    return Runner(
        model=grass_cfg(),
        work_dir=str(work_dir),
        experiment_name=f'exp_{id(hook)}_{work_dir.name}_{resume_from is not None}',
        train_dataloader=dict(
            dataset=TwoViewDataset(num=8 if not by_epoch else 4),
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='default_collate'),
            batch_size=4,
            num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4)),
        train_cfg=loop,
        custom_hooks=[*(hook if isinstance(hook, list) else [hook]), dict(type='PhaseRecorderHook')],
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=ckpt_interval, by_epoch=by_epoch,
                            max_keep_ckpts=-1),
            logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0, deterministic=True),
        load_from=resume_from,
        resume=resume_from is not None,
        default_scope='mmpretrain',
        log_level='WARNING')


def recorded_phases(runner) -> list:
    return next(h for h in runner.hooks if isinstance(h, PhaseRecorderHook)).phases


def test_hook_switches_at_warmup_iters(tmp_path):
    runner = make_runner(tmp_path, dict(type='GraSSHook', warmup_iters=3))
    runner.train()
    assert recorded_phases(runner) == ['id'] * 3 + ['gs'] * 3
    logs = runner.message_hub.log_scalars
    assert logs['train/gs_phase'].current() == 1
    assert 'train/box_area_frac' in logs


def test_hook_switches_at_warmup_epochs(tmp_path):
    runner = make_runner(tmp_path, dict(type='GraSSHook', warmup_epochs=1), by_epoch=True, max_count=2)
    runner.train()
    assert recorded_phases(runner) == ['id'] * 1 + ['gs'] * 1


def test_hook_default_warmup_is_ten_percent(tmp_path):
    runner = make_runner(tmp_path, dict(type='GraSSHook'), max_count=10, ckpt_interval=100)
    runner.train()
    assert recorded_phases(runner) == ['id'] + ['gs'] * 9


@pytest.mark.parametrize('resume_iter', [2, 4])
def test_resume_before_and_after_switch_is_exact(tmp_path, resume_iter):
    hook = dict(type='GraSSHook', warmup_iters=3)
    full = make_runner(tmp_path / 'full', hook)
    full.train()
    expected = get_ori_model(full.model).state_dict()

    resumed = make_runner(tmp_path / 'resumed', hook, resume_from=str(tmp_path / 'full' / f'iter_{resume_iter}.pth'))
    resumed.train()
    assert recorded_phases(resumed) == (['id'] * 3 + ['gs'] * 3)[resume_iter:]
    got = get_ori_model(resumed.model).state_dict()
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value, msg=f'{key} differs after resume')


def test_hook_rejects_bad_warmup(tmp_path):
    with pytest.raises(ValueError, match='not both'):
        HOOKS.build(dict(type='GraSSHook', warmup_epochs=1, warmup_iters=1))
    with pytest.raises(ValueError, match='warmup_ratio'):
        HOOKS.build(dict(type='GraSSHook', warmup_ratio=1.5))
    runner = make_runner(tmp_path, dict(type='GraSSHook', warmup_iters=7))
    with pytest.raises(ValueError, match=r'longer than the schedule \(6 iters\)'):
        runner.train()
    MMLogger.get_current_instance().setLevel(logging.WARNING)
