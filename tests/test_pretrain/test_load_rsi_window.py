"""LoadRSIWindow: windows from PNG/JPEG and tiled/strip/planar TIFFs, bands, 16-bit rule, corrupt files."""
import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile

from grass_mm.pretrain.datasets import LoadRSIWindow, RSIImageFolder


def _rgb(height=300, width=260, bands=3, dtype=np.uint8, seed=0) -> np.ndarray:
    high = 255 if dtype == np.uint8 else 4000
    return np.random.default_rng(seed).integers(0, high, (height, width, bands)).astype(dtype)


def _load(path: Path, **kwargs) -> dict:
    return LoadRSIWindow(**kwargs)(dict(img_path=str(path)))


@pytest.mark.parametrize('layout', ['tiled', 'strips', 'one_strip', 'planar', 'png'])
def test_window_matches_crop_of_the_full_image(tmp_path, layout):
    rgb = _rgb()
    path = tmp_path / ('img.png' if layout == 'png' else 'img.tif')
    if layout == 'png':
        cv2.imwrite(str(path), rgb[..., ::-1])
    elif layout == 'planar':
        tifffile.imwrite(path, np.moveaxis(rgb, 2, 0), tile=(64, 64), planarconfig='separate',
                         compression='zlib')
    else:
        kwargs = dict(tiled=dict(tile=(64, 48)), strips=dict(rowsperstrip=7),
                      one_strip=dict(rowsperstrip=300))[layout]
        tifffile.imwrite(path, rgb, photometric='rgb', **kwargs)
    np.random.seed(3)
    for _ in range(5):
        out = _load(path, window_size=(100, 90))
        top, left, height, width = out['window']
        assert (height, width) == (100, 90) == out['img_shape'] == out['ori_shape']
        assert out['tile_shape'] == (300, 260)
        assert out['img'].dtype == np.uint8 and out['img'].flags.c_contiguous
        # BGR order like mmcv's LoadImageFromFile
        np.testing.assert_array_equal(out['img'], rgb[top:top + 100, left:left + 90, ::-1])


def test_small_image_is_returned_whole_and_seed_reproduces(tmp_path):
    path = tmp_path / 'img.tif'
    tifffile.imwrite(path, _rgb(), tile=(32, 32))
    out = _load(path, window_size=400)
    assert out['window'] == (0, 0, 300, 260)
    assert _load(path, window_size=(500, 100))['img_shape'] == (300, 100)
    np.random.seed(7)
    first = [_load(path, window_size=64)['window'] for _ in range(4)]
    np.random.seed(7)
    assert [_load(path, window_size=64)['window'] for _ in range(4)] == first
    assert len(set(first)) > 1
    assert _load(path)['window'] == (0, 0, 300, 260)


def test_band_selection_and_grayscale(tmp_path):
    rgbir = _rgb(bands=4)
    path = tmp_path / 'rgbir.tif'
    tifffile.imwrite(path, rgbir, tile=(64, 64), photometric='minisblack', planarconfig='contig')
    out = _load(path, bands=(3, 0, 1))
    np.testing.assert_array_equal(out['img'], rgbir[..., [1, 0, 3]])
    np.testing.assert_array_equal(_load(path)['img'], rgbir[..., [2, 1, 0]])
    with pytest.raises(ValueError) as info:
        _load(path, bands=(0, 1, 4))
    assert all(word in str(info.value) for word in (str(path), 'band index 4', '4 band'))
    gray = tmp_path / 'gray.png'
    cv2.imwrite(str(gray), rgbir[..., 0])
    out = _load(gray)
    assert out['img'].shape == (300, 260, 3)
    np.testing.assert_array_equal(out['img'], np.repeat(rgbir[..., :1], 3, axis=2))


def test_sixteen_bit_scaling_rules(tmp_path):
    data = _rgb(dtype=np.uint16)
    path = tmp_path / 'img16.tif'
    tifffile.imwrite(path, data, tile=(64, 64))
    fixed = _load(path, value_range=(0, 4000))['img'][..., ::-1]
    # up to 1 grey level apart where float32 and float64 round an exact .5 differently
    np.testing.assert_allclose(fixed, data / 4000 * 255, atol=0.5 + 1e-3)
    stretched = _load(path)['img'][..., ::-1]
    low, high = np.percentile(data.reshape(-1, 3), (2, 98), axis=0)
    expected = np.clip((data - low) * (255 / (high - low)), 0, 255)
    np.testing.assert_allclose(stretched, expected, atol=0.5 + 1e-3)
    assert (stretched == 0).mean() > 0.015 and (stretched == 255).mean() > 0.015
    png16 = tmp_path / 'img16.png'
    cv2.imwrite(str(png16), data[..., ::-1])
    np.testing.assert_array_equal(_load(png16, value_range=(0, 4000))['img'][..., ::-1], fixed)


def _corrupt_files(tmp_path: Path) -> list:
    truncated = tmp_path / 'truncated.tif'
    tifffile.imwrite(truncated, _rgb(), tile=(64, 64), compression='zlib')
    truncated.write_bytes(truncated.read_bytes()[:3000])
    garbage = tmp_path / 'garbage.png'
    garbage.write_bytes(b'not a png at all')
    return [truncated, garbage]


def test_corrupt_files_skip_or_raise(tmp_path):
    transform = LoadRSIWindow(window_size=64)
    for number, path in enumerate(_corrupt_files(tmp_path), start=1):
        assert transform(dict(img_path=str(path))) is None
        assert transform.num_corrupt == number
        with pytest.raises(OSError, match=str(path)):
            _load(path, window_size=64, on_corrupt='raise')


def test_dataset_refetches_after_a_skipped_corrupt_file(tmp_path):
    _corrupt_files(tmp_path)
    cv2.imwrite(str(tmp_path / 'good.png'), _rgb(64, 64))
    dataset = RSIImageFolder(data_root=str(tmp_path), pipeline=[dict(type='LoadRSIWindow', window_size=32)])
    names = [Path(dataset.get_data_info(i)['img_path']).name for i in range(len(dataset))]
    np.random.seed(0)
    sample = dataset[names.index('garbage.png')]
    assert sample['img_path'].endswith('good.png') and sample['img'].shape == (32, 32, 3)


def test_bad_arguments():
    for kwargs in (dict(window_size=0), dict(window_size=(1, 2, 3)), dict(bands=(0, 1)),
                   dict(value_range=(5, 5)), dict(on_corrupt='ignore')):
        with pytest.raises(ValueError):
            LoadRSIWindow(**kwargs)


def test_aligned_windows_start_on_storage_tiles(tmp_path):
    rgb = _rgb()
    path = tmp_path / 'tiled.tif'
    tifffile.imwrite(path, rgb, tile=(64, 48))
    png = tmp_path / 'img.png'
    cv2.imwrite(str(png), rgb[..., ::-1])
    np.random.seed(5)
    tops, lefts = set(), set()
    for _ in range(60):
        out = _load(path, window_size=(128, 96), align_windows=True)
        top, left, _, _ = out['window']
        tops.add(top)
        lefts.add(left)
        np.testing.assert_array_equal(out['img'], rgb[top:top + 128, left:left + 96, ::-1])
    assert tops == {0, 64, 128, 172} and lefts == {0, 48, 96, 144, 164}
    offsets = {_load(png, window_size=(128, 96), align_windows=True)['window'][0] for _ in range(40)}
    assert not offsets <= {0, 64, 128, 172}  # files without storage tiles draw any offset


def test_tiff_needing_imagecodecs_raises_even_when_skipping(tmp_path):
    if importlib.util.find_spec('imagecodecs') is not None:
        pytest.skip('imagecodecs is installed: LZW decodes')
    path = tmp_path / 'lzw.tif'
    tifffile.imwrite(path, _rgb(64, 64), tile=(32, 32))
    with tifffile.TiffFile(path, mode='r+b') as tif:  # mark it LZW without writing LZW data
        tif.pages.first.tags['Compression'].overwrite(5)
    with pytest.raises(RuntimeError) as info:
        _load(path, on_corrupt='skip')
    assert str(path) in str(info.value) and 'imagecodecs' in str(info.value)
