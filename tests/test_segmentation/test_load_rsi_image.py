"""LoadRSIImage: the segmentation loader sees the pixels the pretraining loader sees; N-band samples through
RSISegDataset; 8-bit RGB exactly as mmcv's LoadImageFromFile; the corrupt-file policy."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmcv.transforms import LoadImageFromFile
from mmengine.registry import DefaultScope
from mmseg.registry import DATASETS

from grass_mm.pretrain.datasets import LoadRSIWindow
from grass_mm.segmentation.datasets import LoadRSIImage

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')


def _rgbn16(height=120, width=100, seed=0) -> np.ndarray:
    """An 11-bit, 4-band (R, G, B, NIR) image with a nodata border, as aerial RGBN products come."""
    data = np.random.default_rng(seed).integers(1, 2048, (height, width, 4)).astype(np.uint16)
    data[:, :9] = 0
    return data


def test_pretraining_and_segmentation_loaders_give_the_same_array(tmp_path, write_raster):
    path = write_raster(tmp_path / 'rgbn16.tif', _rgbn16(), nodata=0, tiled=True, blockxsize=32, blockysize=32,
                        compress='lzw')
    for raster in (dict(bands=(0, 1, 2, 3), value_range=(0, 2047)), dict(bands=(3, 0, 1), value_range=(0, 2047)),
                   dict(bands=(0, 1, 2, 3), value_range=[(0, 2047), (0, 1500), (0, 1800), (100, 2047)])):
        seg = LoadRSIImage(**raster)(dict(img_path=str(path)))
        pretrain = LoadRSIWindow(**raster)(dict(img_path=str(path)))
        np.testing.assert_array_equal(seg['img'], pretrain['img'])
        assert seg['img'].dtype == np.uint8 and seg['img'].shape == (120, 100, len(raster['bands']))
        assert seg['ori_shape'] == seg['img_shape'] == (120, 100)
        assert seg['valid_fraction'] == pretrain['valid_fraction'] == pytest.approx(91 / 100)
        assert (seg['img'][:, :9] == 0).all() and seg['img'][:, 9:].mean() > 60
        window = LoadRSIWindow(window_size=48, **raster)(dict(img_path=str(path)))
        top, left, height, width = window['window']
        np.testing.assert_array_equal(window['img'], seg['img'][top:top + height, left:left + width])


@pytest.mark.parametrize('suffix', ['.png', '.jpg'])
def test_eight_bit_rgb_is_read_as_load_image_from_file_reads_it(tmp_path, suffix):
    path = tmp_path / f'img{suffix}'
    cv2.imwrite(str(path), np.random.default_rng(0).integers(0, 255, (70, 90, 3), np.uint8))
    ours = LoadRSIImage()(dict(img_path=str(path)))
    mmcv = LoadImageFromFile()(dict(img_path=str(path)))
    np.testing.assert_array_equal(ours['img'], mmcv['img'])
    assert ours['ori_shape'] == mmcv['ori_shape']


def _rsi_tree(root: Path, write_raster, images: dict) -> Path:
    """The RSISegDataset layout around the given images (name -> array), with random 3-class masks."""
    rng = np.random.default_rng(1)
    (root / 'masks').mkdir(parents=True)
    (root / 'splits').mkdir()
    for name, image in images.items():
        write_raster(root / 'images' / f'{name}.tif', image, nodata=0, photometric='MINISBLACK')
        cv2.imwrite(str(root / 'masks' / f'{name}.png'), rng.integers(0, 3, image.shape[:2], np.uint8))
    (root / 'splits' / 'train.txt').write_text('\n'.join(images) + '\n')
    (root / 'meta.json').write_text(json.dumps(dict(classes=['a', 'b', 'c'])))
    return root


def _dataset(root: Path, **loader) -> object:
    pipeline = [dict(type='LoadRSIImage', bands=(0, 1, 2, 3), value_range=(0, 2047), **loader),
                dict(type='LoadRSIAnnotations'), dict(type='PackSegInputs')]
    with DefaultScope.overwrite_default_scope('mmseg'):
        return DATASETS.build(dict(type='RSISegDataset', data_root=str(root), split='train', pipeline=pipeline))


def test_rsi_seg_dataset_yields_four_band_samples(tmp_path, write_raster):
    (tmp_path / 'images').mkdir()
    root = _rsi_tree(tmp_path, write_raster, {'a': _rgbn16(seed=0), 'b': _rgbn16(seed=1)})
    sample = _dataset(root)[1]
    assert tuple(sample['inputs'].shape) == (4, 120, 100)
    assert tuple(sample['data_samples'].gt_sem_seg.data.shape) == (1, 120, 100)
    expected = LoadRSIImage(bands=(0, 1, 2, 3), value_range=(0, 2047))(dict(img_path=str(root / 'images' / 'b.tif')))
    np.testing.assert_array_equal(sample['inputs'].permute(1, 2, 0).numpy(), expected['img'])


def test_unusable_images_follow_the_policy(tmp_path, write_raster):
    (tmp_path / 'images').mkdir()
    root = _rsi_tree(tmp_path, write_raster, {'good': _rgbn16(), 'empty': np.zeros((120, 100, 4), np.uint16),
                                              'broken': _rgbn16()})
    broken = root / 'images' / 'broken.tif'
    broken.write_bytes(broken.read_bytes()[:500])
    dataset = _dataset(root)
    np.random.seed(0)
    for index in (1, 2):  # empty (no valid pixel) and broken: another index is drawn
        assert dataset[index]['data_samples'].img_path.endswith('good.tif')
    loader = LoadRSIImage(bands=(0, 1, 2, 3), value_range=(0, 2047))
    assert loader(dict(img_path=str(broken))) is None and loader.policy.num_skipped == 1
    with pytest.raises(OSError, match=str(broken)):
        LoadRSIImage(on_corrupt='raise', bands=(0, 1, 2, 3), value_range=(0, 2047))(dict(img_path=str(broken)))
    with pytest.raises(OSError, match='empty.tif.*no valid pixel'):
        _dataset(root, on_corrupt='raise')[1]
    with pytest.raises(ValueError, match='good.tif.*band index 4'):  # configuration errors always raise
        LoadRSIImage(bands=(0, 1, 4), value_range=(0, 2047))(dict(img_path=str(root / 'images' / 'good.tif')))
