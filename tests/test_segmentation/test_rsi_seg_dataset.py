"""RSISegDataset and LoadRSIAnnotations: demo and real Dubai data, class histogram, bad input."""
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope
from mmseg.registry import DATASETS

from grass_mm.segmentation.datasets import RSISegDataset
from tools.harness.demo_data import CLASSES, render_demo_dataset

LOAD = [dict(type='LoadImageFromFile'), dict(type='LoadRSIAnnotations')]


@pytest.fixture(scope='module')
def demo_root(tmp_path_factory) -> Path:
    return render_demo_dataset(tmp_path_factory.mktemp('demo'), num_train=6, num_val=3, size=64)


@pytest.fixture
def demo_copy(demo_root, tmp_path) -> Path:
    return Path(shutil.copytree(demo_root, tmp_path / 'demo'))


def _build(**cfg) -> RSISegDataset:
    with DefaultScope.overwrite_default_scope('mmseg'):
        return DATASETS.build(dict(type='RSISegDataset', **cfg))


def _histogram(dataset) -> dict:
    hist = np.zeros(256, np.int64)
    for i in range(len(dataset)):
        hist += np.bincount(dataset[i]['gt_seg_map'].ravel(), minlength=256)
    return {str(k): int(v) for k, v in enumerate(hist) if v}


def test_demo_split_metainfo_and_pipeline(demo_root):
    dataset = _build(data_root=str(demo_root), split='val', pipeline=LOAD + [dict(type='PackSegInputs')])
    assert dataset.metainfo['classes'] == CLASSES and len(dataset) == 3
    assert [Path(dataset.get_data_info(i)['img_path']).name for i in range(3)] == \
        ['demo_0006.png', 'demo_0007.png', 'demo_0008.png']
    assert dataset.get_data_info(0)['num_classes'] == 6 and dataset.ignore_index == 255
    sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (3, 64, 64)
    assert tuple(sample['data_samples'].gt_sem_seg.data.shape) == (1, 64, 64)


def test_demo_histogram_of_both_splits_equals_meta(demo_root):
    dataset = _build(data_root=str(demo_root), split=['train', 'val'], pipeline=LOAD)
    assert _histogram(dataset) == json.loads((demo_root / 'meta.json').read_text())['hist']


def test_dubai_class_histogram_as_loaded_equals_meta(dubai_root):
    dataset = _build(data_root=str(dubai_root), split=['train', 'val'], pipeline=LOAD)
    meta = json.loads((dubai_root / 'meta.json').read_text())
    assert len(dataset) == 72 and dataset.metainfo['classes'] == tuple(meta['classes'])
    assert _histogram(dataset) == meta['hist']


@pytest.mark.parametrize('damage, error, words', [
    (lambda r: (r / 'meta.json').unlink(), FileNotFoundError, ['meta.json', 'does not exist']),
    (lambda r: (r / 'meta.json').write_text('{"classes": ["a", "b"], "palette": [[1, 2, 3]]}'),
     ValueError, ['meta.json', '1 palette colours for 2 classes']),
    (lambda r: (r / 'splits' / 'train.txt').unlink(), FileNotFoundError, ['train.txt', 'does not exist']),
    (lambda r: (r / 'splits' / 'train.txt').write_text('\n \n'), ValueError, ['train.txt', 'is empty']),
    (lambda r: (r / 'images' / 'demo_0002.png').unlink(), FileNotFoundError,
     ['demo_0002', 'demo_0002.jpg', 'demo_0002.png']),
    (lambda r: (r / 'masks' / 'demo_0003.png').unlink(), FileNotFoundError,
     ['masks/demo_0003.png', 'does not exist']),
    (lambda r: (r / 'splits' / 'train.txt').write_text('demo_0001\ndemo_0001\n'), ValueError,
     ['demo_0001', 'listed twice']),
])
def test_bad_dataset_folders(demo_copy, damage, error, words):
    damage(demo_copy)
    with pytest.raises(error) as info:
        _build(data_root=str(demo_copy), split='train')
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize('mask, words', [
    (np.zeros((64, 60), np.uint8), ['demo_0001.png', '64x60', 'its image', '64x64']),
    (np.full((64, 64), 7, np.uint8), ['demo_0001.png', 'label values [7]', '0..5', '255']),
    (np.zeros((64, 64, 3), np.uint8), ['demo_0001.png', 'single-channel']),
])
def test_bad_masks_fail_when_loaded(demo_copy, mask, words):
    cv2.imwrite(str(demo_copy / 'masks' / 'demo_0001.png'), mask)
    dataset = _build(data_root=str(demo_copy), split='train', pipeline=LOAD)
    dataset[0]  # the other samples load
    with pytest.raises(ValueError) as info:
        dataset[1]
    for word in words:
        assert word in str(info.value)


def test_explicit_num_classes_checks_other_datasets(demo_copy):
    pipeline = [dict(type='LoadImageFromFile'), dict(type='LoadRSIAnnotations', num_classes=3)]
    dataset = _build(data_root=str(demo_copy), split='train', pipeline=pipeline)
    with pytest.raises(ValueError, match=r'outside the 3 classes'):
        for i in range(len(dataset)):
            dataset[i]


def test_corrupt_image_names_the_file(demo_copy):
    (demo_copy / 'images' / 'demo_0002.png').write_bytes(b'\x89PNG truncated')
    dataset = _build(data_root=str(demo_copy), split='train', pipeline=LOAD, test_mode=True)
    with pytest.raises(Exception, match='demo_0002.png'):
        dataset[2]
