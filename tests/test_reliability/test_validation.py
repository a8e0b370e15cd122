"""Bad options and configs fail early with a message naming the key and the allowed range."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmpretrain.registry import HOOKS, MODELS

import grass_mm.pretrain.hooks  # noqa: F401
import grass_mm.pretrain.models  # noqa: F401
from grass_mm.utils.config_check import check_cfg_options, check_config_types

SEG_CPU = Path(__file__).resolve().parents[2] / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
    'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'


@pytest.mark.parametrize('value', [0, -0.5, 1.5, 'half', True, None])
def test_grass_localize_scale_range(value, grass_cfg):
    with pytest.raises(ValueError, match=r'localize_scale must be a number in \(0, 1\], got ' + repr(value)):
        MODELS.build(grass_cfg(localize_scale=value))


def test_grass_accepts_the_range_ends_and_checks_guide_updates_bn(grass_cfg):
    assert MODELS.build(grass_cfg(localize_scale=1)).localize_scale == 1.0
    with pytest.raises(ValueError, match="guide_updates_bn must be a bool, got 'yes'"):
        MODELS.build(grass_cfg(guide_updates_bn='yes'))


@pytest.mark.parametrize('key, value, message', [
    ('threshold_ratio', 0, r'threshold_ratio must be in \(0, 1\), got 0'),
    ('threshold_ratio', 1.0, r'threshold_ratio must be in \(0, 1\), got 1.0'),
    ('threshold_ratio', 'high', r"threshold_ratio must be in \(0, 1\), got 'high'"),
    ('min_box_size', -0.1, r'min_box_size must be in \[0, 1\], got -0.1'),
    ('min_box_size', 2, r'min_box_size must be in \[0, 1\], got 2'),
    ('interpolation', 'cubic', r"interpolation must be one of \('nearest', 'bilinear'\), got 'cubic'"),
    ('region_rule', 'largest', r"region_rule must be one of .*'peak'.*got 'largest'"),
    ('backend', 'cuda', r"backend must be one of .*got 'cuda'"),
])
def test_sampler_option_ranges(key, value, message):
    with pytest.raises(ValueError, match='GradientGuidedSampler: ' + message):
        MODELS.build(dict(type='GradientGuidedSampler', **{key: value}))


@pytest.mark.parametrize('kwargs, message', [
    (dict(warmup_iters=-1), 'warmup_iters must be a non-negative int, got -1'),
    (dict(warmup_iters=2.5), 'warmup_iters must be a non-negative int, got 2.5'),
    (dict(warmup_epochs=True), 'warmup_epochs must be a non-negative int, got True'),
    (dict(warmup_ratio=1.5), r'warmup_ratio must be a number in \[0, 1\], got 1.5'),
    (dict(warmup_ratio='10%'), r"warmup_ratio must be a number in \[0, 1\], got '10%'"),
    (dict(warmup_iters=1, warmup_epochs=1), 'give warmup_epochs or warmup_iters, not both'),
])
def test_hook_option_ranges(kwargs, message):
    with pytest.raises(ValueError, match='GraSSHook: ' + message):
        HOOKS.build(dict(type='GraSSHook', **kwargs))
    with pytest.raises(TypeError, match="check_params must be a bool, got 'no'"):
        HOOKS.build(dict(type='NonFiniteLossHook', check_params='no'))


def test_config_checks_without_a_runner(grass_cpu_config):
    cfg = Config.fromfile(str(grass_cpu_config))
    check_config_types(cfg)  # the shipped config passes
    check_cfg_options(cfg, {'train_cfg.max_iters': 3, 'model_wrapper_cfg.type': 'X'})
    with pytest.raises(KeyError, match=r"unknown config key 'trian_cfg'.*did you mean 'train_cfg'"):
        check_cfg_options(cfg, {'trian_cfg.max_iters': 3})
    # variables of the config file are read only while it loads: changing them would change nothing
    with pytest.raises(KeyError, match=r"'view_size' is a variable of .*No nested key has that name"):
        check_cfg_options(cfg, {'view_size': 64})
    with pytest.raises(KeyError, match=r"'window_size' is a variable .*train_dataloader.dataset.pipeline.0.window"):
        check_cfg_options(cfg, {'window_size': 64})
    with pytest.raises(KeyError, match=r"'data_preprocessor' is a variable .*model.data_preprocessor"):
        check_cfg_options(Config.fromfile(str(SEG_CPU)), {'data_preprocessor.mean': [0, 0, 0]})
    cfg.merge_from_dict({'randomness.seed': '0'})
    with pytest.raises(ValueError, match=r"'randomness.seed' must be an int or None, got '0' \(str\)"):
        check_config_types(cfg)


@pytest.mark.parametrize('option, error, message', [
    # unknown keys: at the top level (mmengine would ignore it), in the model, in a hook, in the loop
    ('trian_cfg.max_iters=3', KeyError, r"unknown config key 'trian_cfg'.*did you mean 'train_cfg'"),
    ('model.localise_scale=0.5', TypeError, "unexpected keyword argument 'localise_scale'"),
    ('custom_hooks.0.warmup_iter=2', TypeError, "unexpected keyword argument 'warmup_iter'"),
    ('model.sampler.treshold_ratio=0.4', TypeError, "unexpected keyword argument 'treshold_ratio'"),
    # wrong types and values
    ('train_cfg.max_iters=abc', ValueError, r"'train_cfg.max_iters' must be a positive int, got 'abc' \(str\)"),
    ('train_dataloader.batch_size=0', ValueError, "'train_dataloader.batch_size' must be a positive int, got 0"),
    ('optim_wrapper.optimizer.lr=fast', ValueError, "'optim_wrapper.optimizer.lr' must be a finite number"),
    ('model.localize_scale=half', ValueError, r"localize_scale must be a number in \(0, 1\], got 'half'"),
    ('model.sampler.threshold_ratio=1.5', ValueError, r'threshold_ratio must be in \(0, 1\), got 1.5'),
    # warm-up outside the schedule (checked when training starts, against max_iters=4)
    ('custom_hooks.0.warmup_iters=9', ValueError, r'warm-up of 9 iters is longer than the schedule \(4 iters\); '
                                                  r'it must be in \[0, 4\]'),
    ('custom_hooks.0.warmup_iters=None custom_hooks.0.warmup_epochs=1', ValueError,
     'warmup_epochs needs an epoch-based train loop'),
])
def test_train_tool_names_the_bad_key(tiny_folder, tmp_path, option, error, message, grass_cpu_config, small_options,
                                      run_train):
    options = small_options(tiny_folder, max_iters=4, warmup=None) + option.split()
    with pytest.raises(error, match=message):
        run_train(grass_cpu_config, tmp_path / 'work', options)  # tools/train.py, its own experiment name
    assert not list((tmp_path / 'work').glob('*.pth'))
