"""GraSSHook with a real mmengine Runner: the ID -> GS switch and exact resume on both sides of it."""
import logging

import pytest
import torch
from mmengine.logging import MMLogger
from mmpretrain.registry import HOOKS
from mmpretrain.utils import get_ori_model

import grass_mm.pretrain  # noqa: F401


def test_hook_switches_at_warmup_iters(tmp_path, make_runner, recorded_phases):
    runner = make_runner(tmp_path, dict(type='GraSSHook', warmup_iters=3))
    runner.train()
    assert recorded_phases(runner) == ['id'] * 3 + ['gs'] * 3
    logs = runner.message_hub.log_scalars
    assert logs['train/gs_phase'].current() == 1
    assert 'train/box_area_frac' in logs


def test_hook_switches_at_warmup_epochs(tmp_path, make_runner, recorded_phases):
    runner = make_runner(tmp_path, dict(type='GraSSHook', warmup_epochs=1), by_epoch=True, max_count=2)
    runner.train()
    assert recorded_phases(runner) == ['id'] * 1 + ['gs'] * 1


def test_hook_default_warmup_is_ten_percent(tmp_path, make_runner, recorded_phases):
    runner = make_runner(tmp_path, dict(type='GraSSHook'), max_count=10, ckpt_interval=100)
    runner.train()
    assert recorded_phases(runner) == ['id'] + ['gs'] * 9


@pytest.mark.parametrize('resume_iter', [2, 4])
def test_resume_before_and_after_switch_is_exact(tmp_path, resume_iter, make_runner, recorded_phases):
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


def test_hook_rejects_bad_warmup(tmp_path, make_runner):
    with pytest.raises(ValueError, match='not both'):
        HOOKS.build(dict(type='GraSSHook', warmup_epochs=1, warmup_iters=1))
    with pytest.raises(ValueError, match='warmup_ratio'):
        HOOKS.build(dict(type='GraSSHook', warmup_ratio=1.5))
    runner = make_runner(tmp_path, dict(type='GraSSHook', warmup_iters=7))
    with pytest.raises(ValueError, match=r'longer than the schedule \(6 iters\)'):
        runner.train()
    MMLogger.get_current_instance().setLevel(logging.WARNING)


@pytest.mark.parametrize('base', ['mocov2', 'byol'])
def test_plugin_models_switch_and_resume_exactly(tmp_path, base, make_runner, recorded_phases, plugin_cfg):
    """GraSSHook drives the plug-in models through the same ``set_phase()``; resuming before or after the
    switch ends in the same state (weights, momentum encoder, MoCo's queue and pointer)."""
    hook, model = dict(type='GraSSHook', warmup_iters=3), plugin_cfg(base)
    full = make_runner(tmp_path / 'full', hook, model=model)
    full.train()
    assert recorded_phases(full) == ['id'] * 3 + ['gs'] * 3
    assert full.message_hub.log_scalars['train/gs_phase'].current() == 1
    expected = get_ori_model(full.model).state_dict()
    for resume_iter in (2, 4):
        resumed = make_runner(tmp_path / f'resumed{resume_iter}', hook, model=model,
                              resume_from=str(tmp_path / 'full' / f'iter_{resume_iter}.pth'))
        resumed.train()
        assert recorded_phases(resumed) == (['id'] * 3 + ['gs'] * 3)[resume_iter:]
        got = get_ori_model(resumed.model).state_dict()
        for key, value in expected.items():
            torch.testing.assert_close(got[key], value, msg=f'{base}: {key} differs after resume from {resume_iter}')
