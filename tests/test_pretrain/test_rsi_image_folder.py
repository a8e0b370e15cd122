"""RSIImageFolder: listing, ann_file, bad input, real Dubai images and the pretraining dataset base."""
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.registry import DATASETS

from grass_mm.pretrain.datasets import RSIImageFolder

REPO = Path(__file__).resolve().parents[2]


def _png(path: Path, size=(40, 50), value=0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((*size, 3), value, np.uint8))
    return path


@pytest.fixture
def folder(tmp_path: Path, write_raster) -> Path:
    root = tmp_path / 'tiles'
    _png(root / 'b.png')
    _png(root / 'a' / 'z.PNG')
    cv2.imwrite(str(root / 'a' / 'c.jpg'), np.zeros((30, 30, 3), np.uint8))
    write_raster(root / 'a' / 'd.tif', np.zeros((64, 64, 3), np.uint8), tiled=True, blockxsize=32, blockysize=32)
    for sidecar in ('d.tif.msk', 'd.tif.aux.xml', 'd.tif.ovr'):  # GDAL's side files are not images
        (root / 'a' / sidecar).write_bytes(b'side file')
    (root / 'notes.txt').write_text('not an image')
    (root / 'b.tfw').write_text('0.05\n0\n0\n-0.05\n0\n0\n')
    _png(root / '.hidden' / 'x.png')
    _png(root / '.y.png')
    return root


def _rel(dataset: RSIImageFolder, root: Path) -> list:
    return [Path(dataset.get_data_info(i)['img_path']).relative_to(root).as_posix()
            for i in range(len(dataset))]


def test_lists_images_recursively_sorted(folder):
    dataset = RSIImageFolder(data_root=str(folder))
    assert _rel(dataset, folder) == ['a/c.jpg', 'a/d.tif', 'a/z.PNG', 'b.png']
    again = RSIImageFolder(data_root=str(folder.parent), data_prefix='tiles')
    assert _rel(again, folder) == _rel(dataset, folder)


def test_jpeg2000_and_vrt_are_listed(folder):
    (folder / 'e.jp2').write_bytes(b'listed by extension')
    (folder / 'mosaic.VRT').write_text('<VRTDataset/>')
    dataset = RSIImageFolder(data_root=str(folder))
    assert _rel(dataset, folder) == ['a/c.jpg', 'a/d.tif', 'a/z.PNG', 'b.png', 'e.jp2', 'mosaic.VRT']


def test_samples_per_image_repeats_each_image(folder):
    dataset = RSIImageFolder(data_root=str(folder), samples_per_image=3)
    assert len(dataset) == 12
    assert _rel(dataset, folder)[4:8] == ['a/c.jpg', 'a/d.tif', 'a/z.PNG', 'b.png']


def test_ann_file_keeps_its_order(folder):
    (folder.parent / 'list.txt').write_text('b.png\n\na/d.tif\na/c\n')
    dataset = RSIImageFolder(data_root=str(folder.parent), data_prefix='tiles', ann_file='list.txt')
    assert _rel(dataset, folder) == ['b.png', 'a/d.tif', 'a/c.jpg']


@pytest.mark.parametrize('content, error, words', [
    ('b.png\nmissing.png\n', FileNotFoundError, ['line 2', 'missing.png', 'does not exist']),
    ('b\nnostem\n', FileNotFoundError, ['line 2', 'nostem.png', 'does not exist']),
    ('notes.txt\n', ValueError, ['line 1', 'notes.txt', 'not an image', '.tif']),
    ('\n\n', ValueError, ['lists no images']),
])
def test_bad_ann_file_entries(folder, content, error, words):
    (folder / 'list.txt').write_text(content)
    with pytest.raises(error) as info:
        RSIImageFolder(data_root=str(folder), ann_file='list.txt')
    for word in words:
        assert word in str(info.value)


def test_missing_ann_file(folder):
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        RSIImageFolder(data_root=str(folder), ann_file='nope.txt')


def test_missing_empty_and_imageless_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / 'absent')):
        RSIImageFolder(data_root=str(tmp_path / 'absent'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match=r'empty.*\.png'):
        RSIImageFolder(data_root=str(tmp_path / 'empty'))
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'readme.md').write_text('x')
    with pytest.raises(ValueError) as info:
        RSIImageFolder(data_root=str(tmp_path / 'docs'))
    for word in (str(tmp_path / 'docs'), '.png', '.tiff', 'readme.md'):
        assert word in str(info.value)
    with pytest.raises(ValueError, match='data_root'):
        RSIImageFolder()
    with pytest.raises(ValueError, match='samples_per_image'):
        RSIImageFolder(data_root=str(tmp_path), samples_per_image=0)


def _base_dataset_cfg(data_root: Path, window: int) -> dict:
    cfg = Config.fromfile(REPO / 'configs' / '_base_' / 'datasets' / 'rsi_folder_pretrain.py')
    dataset = cfg.train_dataloader.dataset.to_dict()
    dataset['data_root'] = str(data_root)
    dataset['pipeline'][0]['window_size'] = window
    return dataset


def test_base_config_pipeline_gives_two_views(folder):
    np.random.seed(0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(_base_dataset_cfg(folder, 32))
    sample = dataset[1]
    assert len(sample['inputs']) == 2
    assert all(tuple(view.shape) == (3, 224, 224) for view in sample['inputs'])


def test_dubai_images_with_base_pipeline(dubai_root):
    dataset = RSIImageFolder(data_root=str(dubai_root), data_prefix='images')
    stems = sorted(Path(p).stem for p in (dubai_root / 'splits').glob('*.txt')
                   for p in p.read_text().split())
    assert sorted(Path(dataset.get_data_info(i)['img_path']).stem for i in range(len(dataset))) == stems
    cfg = _base_dataset_cfg(dubai_root, 256)
    cfg['data_prefix'] = 'images'
    np.random.seed(1)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        views = DATASETS.build(cfg)[5]['inputs']
    assert [tuple(v.shape) for v in views] == [(3, 224, 224)] * 2
    assert not np.array_equal(views[0].numpy(), views[1].numpy())
