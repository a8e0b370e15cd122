"""Top-level settings of a config (data_root, num_classes, crop_size) against the keys the Runner reads."""
from pathlib import Path

import pytest
from mmengine.config import Config

from grass_mm.utils.config_settings import check_settings, nested_uses, set_data_root, sync_settings
from grass_mm.utils.tool_config import load_config

REPO = Path(__file__).resolve().parents[2]
SEG_CPU = REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
    'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py'
CONFIGS = sorted(p for folder in ('grass', 'simclr', 'benchmarks/deeplabv3plus') for p in
                 (REPO / 'configs' / folder).glob('*.py'))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_shipped_configs_are_consistent(path):
    check_settings(Config.fromfile(str(path)))


def child(tmp_path, body: str) -> Config:
    path = tmp_path / 'child.py'
    path.write_text(f"_base_ = '{SEG_CPU}'\n{body}\n")
    return Config.fromfile(str(path))


@pytest.mark.parametrize('body, message', [
    ("crop_size = (128, 128)", r'crop_size = \(128, 128\) at the top of the config, but '
     r'train_dataloader.dataset.dataset.pipeline.3.crop_size = \(256, 256\)'),
    ("data_root = 'data/mine'",
     r"data_root = 'data/mine' at the top .* but train_dataloader.dataset.dataset.data_root"),
    ('num_classes = 4', r'num_classes = 4 at the top .* but model.decode_head.num_classes = 6.*'
     r'model.auxiliary_head.num_classes'),
])
def test_a_child_config_that_only_redefines_a_variable_is_refused(tmp_path, body, message):
    """mmengine evaluates a base's variables in the base: the child's new value would reach nothing."""
    with pytest.raises(ValueError, match=message):
        check_settings(child(tmp_path, body))


def test_a_child_that_sets_the_keys_passes(tmp_path):
    cfg = child(tmp_path, "num_classes = 4\nmodel = dict(decode_head=dict(num_classes=num_classes), "
                "auxiliary_head=dict(num_classes=num_classes))")
    check_settings(cfg)
    assert [value for _, value in nested_uses(cfg, 'num_classes')] == [4, 4]


def test_options_on_the_nested_keys_keep_the_saved_config_consistent(tmp_path):
    options = {'model.data_preprocessor.size': (64, 64),
               'train_dataloader.dataset.dataset.pipeline.3.crop_size': (64, 64)}
    cfg = load_config(str(SEG_CPU), options, data_root=str(tmp_path))
    assert cfg.crop_size == (64, 64) and cfg.data_root == str(tmp_path)
    saved = tmp_path / 'saved.py'
    cfg.dump(str(saved))  # what the Runner writes into the work dir
    check_settings(Config.fromfile(str(saved)))


def test_set_data_root_reaches_through_wrappers():
    cfg = Config.fromfile(str(SEG_CPU))
    keys = set_data_root(cfg, '/data/x')
    assert keys == ['data_root', 'train_dataloader.dataset.dataset.data_root', 'val_dataloader.dataset.data_root',
                    'test_dataloader.dataset.data_root']
    sync_settings(cfg)
    check_settings(cfg)
