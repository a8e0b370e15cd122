"""Fixtures of the pretraining tests: a GraSS Runner on fixed two-view data that records the phases."""
from typing import Callable

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmpretrain.registry import HOOKS
from mmpretrain.structures import DataSample
from mmpretrain.utils import get_ori_model
from torch.utils.data import Dataset

import grass_mm.pretrain  # noqa: F401


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    """Every pretraining test builds in mmpretrain's scope, whatever scope an earlier test left current."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield


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


@pytest.fixture
def make_runner(grass_cfg) -> Callable[..., Runner]:
    """Factory of a GraSS Runner: ``make_runner(work_dir, hook, by_epoch=False, max_count=6, resume_from=None,
    ckpt_interval=2, model=None)``; ``hook`` is one hook config or a list, ``PhaseRecorderHook`` runs after
    them; ``model`` replaces the tiny GraSS model config."""
    return lambda *args, **kwargs: _make_runner(grass_cfg, *args, **kwargs)


def _make_runner(grass_cfg, work_dir, hook, by_epoch: bool = False, max_count: int = 6, resume_from=None,
                 ckpt_interval: int = 2, model: dict = None) -> Runner:
    loop = dict(type='EpochBasedTrainLoop', max_epochs=max_count) if by_epoch else \
        dict(type='IterBasedTrainLoop', max_iters=max_count)
    return Runner(
        model=model or grass_cfg(),
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


@pytest.fixture(scope='session')
def recorded_phases() -> Callable[[Runner], list]:
    """The phases ``PhaseRecorderHook`` recorded in a runner, one per iteration."""
    return lambda runner: next(h for h in runner.hooks if isinstance(h, PhaseRecorderHook)).phases
