"""Every dataset _base_ config loads and its datasets build and yield a sample on a fixture folder."""
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

from tools.harness.demo_data import render_demo_dataset

BASES = Path(__file__).resolve().parents[2] / 'configs' / '_base_' / 'datasets'
PRETRAIN = ['rsi_folder_pretrain', 'potsdam_pretrain', 'vaihingen_pretrain', 'loveda_urban_pretrain',
            'loveda_rural_pretrain', 'dubai_aerial_pretrain']


def _png(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), array)


def _mmseg_tree(root: Path, sub: str, max_label: int) -> Path:
    rng = np.random.default_rng(0)
    for split in ('train', 'val'):
        for name in ('a', 'b'):
            _png(root / 'img_dir' / split / sub / f'{name}.png', rng.integers(0, 255, (96, 96, 3), np.uint8))
            _png(root / 'ann_dir' / split / sub / f'{name}.png', rng.integers(0, max_label + 1, (96, 96),
                                                                              np.uint8))
    return root


@pytest.mark.parametrize('name', PRETRAIN)
def test_pretrain_bases(name, tmp_path):
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(BASES / f'{name}.py')
    dataset_cfg = cfg.train_dataloader.dataset.to_dict()
    assert cfg.custom_imports.imports == ['grass_mm.pretrain']
    assert dataset_cfg['type'] == 'RSIImageFolder'
    assert 'data_preprocessor' not in cfg  # normalisation is the model's; a top-level one here would be dead
    prefix = dataset_cfg.get('data_prefix', '')
    _png(tmp_path / prefix / 'x.png', np.zeros((600, 700, 3), np.uint8))
    if dataset_cfg.get('ann_file'):
        (tmp_path / dataset_cfg['ann_file']).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / dataset_cfg['ann_file']).write_text('x\n')
    dataset_cfg['data_root'] = str(tmp_path)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(dataset_cfg)
    sample = dataset[0]
    assert [tuple(v.shape) for v in sample['inputs']] == [(3, 224, 224)] * 2
    assert len(dataset) == dataset_cfg['samples_per_image']


def _seg_root(name: str, tmp_path: Path) -> Path:
    if name in ('rsi_seg', 'dubai_aerial_seg'):
        return render_demo_dataset(tmp_path / 'demo', num_train=2, num_val=1, size=96)
    if name.startswith('loveda'):
        return _mmseg_tree(tmp_path, name.split('_')[1], 7)
    return _mmseg_tree(tmp_path, '', 6)


@pytest.mark.parametrize('name', ['rsi_seg', 'dubai_aerial_seg', 'potsdam_seg', 'vaihingen_seg',
                                  'loveda_urban_seg', 'loveda_rural_seg'])
def test_seg_bases(name, tmp_path):
    from mmseg.registry import DATASETS
    cfg = Config.fromfile(BASES / f'{name}.py')
    assert cfg.custom_imports.imports == ['grass_mm.segmentation']
    root = str(_seg_root(name, tmp_path))
    train_cfg = cfg.train_dataloader.dataset.to_dict()
    assert train_cfg['type'] == 'LabelFractionDataset' and train_cfg['fraction'] == 1.0
    expected = dict(potsdam_seg='PotsdamDataset', vaihingen_seg='ISPRSDataset').get(name, 'RSISegDataset')
    expected = 'LoveDADomainDataset' if name.startswith('loveda') else expected
    assert train_cfg['dataset']['type'] == cfg.val_dataloader.dataset.type == expected
    if name.startswith('loveda'):
        assert train_cfg['dataset']['domain'] == cfg.test_dataloader.dataset.domain == name.split('_')[1]
    train_cfg['dataset']['data_root'] = root
    train_cfg['fraction'] = 0.5
    val_cfg = dict(cfg.val_dataloader.dataset.to_dict(), data_root=root)
    with DefaultScope.overwrite_default_scope('mmseg'):
        train, val = DATASETS.build(train_cfg), DATASETS.build(val_cfg)
    assert len(train) == 1 and len(val) == (1 if name in ('rsi_seg', 'dubai_aerial_seg') else 2)
    np.random.seed(0)
    sample = train[0]
    assert tuple(sample['inputs'].shape[1:]) == tuple(sample['data_samples'].gt_sem_seg.data.shape[1:])
    labels = sample['data_samples'].gt_sem_seg.data
    assert int(labels[labels != 255].max()) < len(train.metainfo['classes'])
    assert val[0]['data_samples'].gt_sem_seg.data.shape[1:] == (96, 96)


RULE_KEYS = ('bands', 'value_range', 'percentiles', 'nodata')


def _loaders(cfg: Config) -> list:
    """The loader entries (LoadRSIWindow / LoadRSIImage) of a config's train and val pipelines."""
    datasets = [cfg.train_dataloader.dataset, cfg.get('val_dataloader', {}).get('dataset', {})]
    datasets = [d.get('dataset', d) for d in datasets]
    return [t for d in datasets for t in d.get('pipeline', []) if t.type in ('LoadRSIWindow', 'LoadRSIImage')]


# the data bases (a `raster` rule and data loaders) and every pretraining config that combines one with a method's
# view pipelines (configs/_base_/datasets/rsi_views_*.py: views only, their loader entries take the rule's
# defaults unless the method config sets them)
DATA_BASES = [path for path in sorted(BASES.glob('*.py')) if not path.stem.startswith('rsi_views_')]
PRETRAINING = sorted(path for path in (BASES.parents[1]).glob('*/*_resnet*.py') if 'benchmarks' not in path.parts)


@pytest.mark.parametrize('path', DATA_BASES + PRETRAINING, ids=lambda p: p.stem)
def test_every_loader_entry_uses_the_config_raster_rule(path):
    cfg = Config.fromfile(path)
    if 'raster' not in cfg:
        pytest.skip(f'{path.name}: no raster rule (not an RSI data config)')
    loaders = _loaders(cfg)
    assert loaders, f'{path.name}: no LoadRSIWindow/LoadRSIImage entry'
    for loader in loaders:
        assert {key: loader.get(key) for key in RULE_KEYS} == {key: cfg.raster[key] for key in RULE_KEYS}


def test_four_band_potsdam_pair_shares_the_rule_and_yields_four_channels(tmp_path, write_raster):
    from mmpretrain.registry import DATASETS as PRETRAIN_DATASETS
    from mmseg.registry import DATASETS as SEG_DATASETS
    pretrain, seg = (Config.fromfile(BASES / f'potsdam_rgbir_{kind}.py') for kind in ('pretrain', 'seg'))
    assert pretrain.raster == seg.raster and pretrain.raster.bands == (0, 1, 2, 3)
    assert pretrain.band_mean == seg.band_mean and pretrain.band_std == seg.band_std
    assert pretrain.data_preprocessor.to_rgb is False and len(pretrain.data_preprocessor.mean) == 4
    rng = np.random.default_rng(0)
    write_raster(tmp_path / 'tiles' / 'train' / 't.tif', rng.integers(0, 255, (600, 700, 4), np.uint8),
                 photometric='MINISBLACK', tiled=True, blockxsize=256, blockysize=256)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = PRETRAIN_DATASETS.build(dict(pretrain.train_dataloader.dataset.to_dict(), data_root=str(tmp_path)))
    np.random.seed(0)
    assert [tuple(v.shape) for v in dataset[0]['inputs']] == [(4, 224, 224)] * 2
    for split in ('train', 'val'):
        for name in ('a', 'b'):
            write_raster(tmp_path / 'img_dir' / split / f'{name}.tif', rng.integers(0, 255, (96, 96, 4), np.uint8))
            _png(tmp_path / 'ann_dir' / split / f'{name}.png', rng.integers(0, 7, (96, 96), np.uint8))
    train_cfg = seg.train_dataloader.dataset.to_dict()
    train_cfg['dataset']['data_root'] = str(tmp_path)
    with DefaultScope.overwrite_default_scope('mmseg'):
        train = SEG_DATASETS.build(train_cfg)
        val = SEG_DATASETS.build(dict(seg.val_dataloader.dataset.to_dict(), data_root=str(tmp_path)))
    assert train[0]['inputs'].shape[0] == 4 and tuple(val[1]['inputs'].shape) == (4, 512, 512)
