"""LoadRSIWindow: windows of real codecs equal the whole-image read, N bands, the value rule, windows drawn
inside valid data, and the corrupt-file policy."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from grass_mm.pretrain.datasets import LoadRSIWindow, RSIImageFolder
from grass_mm.pretrain.datasets.transforms import load_rsi_window

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')
FORMATS = {  # name -> (file name, rasterio creation options); 'jpg' and 'png' are written by OpenCV
    'tiled_lzw': ('img.tif', dict(tiled=True, blockxsize=64, blockysize=48, compress='lzw')),
    'striped_jpeg_ycbcr': ('img.tif', dict(tiled=False, blockysize=16, compress='jpeg', photometric='YCBCR')),
    'tiled_webp': ('img.tif', dict(tiled=True, blockxsize=64, blockysize=64, compress='webp')),
    'png': ('img.png', None),
    'jpg': ('img.jpg', None),
}


def _rgb(height=300, width=260, bands=3, dtype=np.uint8, seed=0) -> np.ndarray:
    high = 255 if dtype == np.uint8 else 4000
    return np.random.default_rng(seed).integers(0, high, (height, width, bands)).astype(dtype)


def _load(path: Path, **kwargs) -> dict:
    return LoadRSIWindow(**kwargs)(dict(img_path=str(path)))


@pytest.mark.parametrize('name', FORMATS)
def test_windows_equal_the_whole_image_read(tmp_path, write_raster, name):
    rgb = _rgb()
    file_name, options = FORMATS[name]
    path = tmp_path / file_name
    if options is None:
        cv2.imwrite(str(path), rgb[..., ::-1])
    else:
        write_raster(path, rgb, **options)
    whole = _load(path)
    assert whole['window'] == (0, 0, 300, 260) and whole['img'].shape == (300, 260, 3)
    if name in ('tiled_lzw', 'png'):  # lossless: the file's pixels, in BGR order like LoadImageFromFile
        np.testing.assert_array_equal(whole['img'], rgb[..., ::-1])
    np.random.seed(3)
    for _ in range(5):
        out = _load(path, window_size=(100, 90))
        top, left, height, width = out['window']
        assert (height, width) == (100, 90) == out['img_shape'] == out['ori_shape']
        assert out['tile_shape'] == (300, 260) and out['valid_fraction'] == 1.0
        assert out['img'].dtype == np.uint8 and out['img'].flags.c_contiguous
        np.testing.assert_array_equal(out['img'], whole['img'][top:top + 100, left:left + 90])


def test_small_image_is_returned_whole_and_seed_reproduces(tmp_path, write_raster):
    path = write_raster(tmp_path / 'img.tif', _rgb(), tiled=True, blockxsize=32, blockysize=32)
    assert _load(path, window_size=400)['window'] == (0, 0, 300, 260)
    assert _load(path, window_size=(500, 100))['img_shape'] == (300, 100)
    np.random.seed(7)
    first = [_load(path, window_size=64)['window'] for _ in range(4)]
    np.random.seed(7)
    assert [_load(path, window_size=64)['window'] for _ in range(4)] == first
    assert len(set(first)) > 1


def test_n_bands_sixteen_bit_and_configuration_errors_always_raise(tmp_path, write_raster):
    data = _rgb(bands=4, dtype=np.uint16)
    path = write_raster(tmp_path / 'rgbn16.tif', data, tiled=True, blockxsize=64, blockysize=64, compress='zstd')
    out = _load(path, bands=(0, 1, 2, 3), value_range=(0, 4000))
    assert out['img'].shape == (300, 260, 4)
    np.testing.assert_allclose(out['img'], data / 4000 * 255, atol=0.5 + 1e-3)
    for kwargs, words in ((dict(bands=(0, 1, 2, 3)), ('uint16', 'value_range')),
                          (dict(bands=(0, 1, 4), value_range=(0, 4000)), ('band index 4', 'has 4 band'))):
        with pytest.raises(ValueError) as info:
            _load(path, on_corrupt='skip', **kwargs)  # a configuration error is never skipped
        assert all(word in str(info.value) for word in (str(path), *words))


def _nodata_raster(write_raster, path: Path, valid: np.ndarray) -> np.ndarray:
    data = _rgb(*valid.shape)
    data[data == 0] = 1
    data[~valid] = 0
    write_raster(path, data, nodata=0, tiled=True, blockxsize=64, blockysize=64, compress='deflate')
    return data


def test_windows_are_drawn_inside_valid_data(tmp_path, write_raster):
    valid = np.zeros((400, 400), bool)
    valid[:, 150:] = True  # a nodata border over the left 37 % of the tile
    path = tmp_path / 'border.tif'
    _nodata_raster(write_raster, path, valid)
    transform = LoadRSIWindow(window_size=100, min_valid_fraction=1.0, max_tries=50)
    np.random.seed(0)
    for _ in range(20):
        out = transform(dict(img_path=str(path)))
        top, left, height, width = out['window']
        assert out['valid_fraction'] == 1.0 and valid[top:top + height, left:left + width].all()
    assert transform.num_below_min == 0


def test_best_window_is_used_and_counted_when_no_draw_is_valid_enough(tmp_path, write_raster, monkeypatch):
    valid = np.ones((300, 300), bool)
    valid[:, ::4] = False  # every window is 75 % valid
    path = tmp_path / 'stripes.tif'
    _nodata_raster(write_raster, path, valid)
    transform = LoadRSIWindow(window_size=64, min_valid_fraction=0.9, max_tries=3)
    messages = []
    monkeypatch.setattr(load_rsi_window, 'print_log', lambda message, **kwargs: messages.append(message))
    for number in range(1, 6):
        out = transform(dict(img_path=str(path)))
        assert 0.74 < out['valid_fraction'] <= 0.77 and transform.num_below_min == number
        assert (out['img'][:, (4 - out['window'][1] % 4) % 4::4] == 0).all()  # no-data pixels are 0
    assert len(messages) == 3  # logged at the 1st, 2nd and 4th such window
    assert str(path) in messages[-1] and '4 such window(s)' in messages[-1]


def test_a_window_is_placed_on_sparse_valid_data_and_empty_images_follow_the_policy(tmp_path, write_raster):
    valid = np.zeros((1500, 1500), bool)
    valid[1200:1240, 300:340] = True  # 0.07 % of the image: random 64 px windows nearly always miss it
    path = tmp_path / 'sparse.tif'
    _nodata_raster(write_raster, path, valid)
    np.random.seed(0)
    for _ in range(3):
        out = _load(path, window_size=64, max_tries=2)
        top, left, height, width = out['window']
        assert out['valid_fraction'] > 0.2 and valid[top:top + height, left:left + width].any()
    empty = tmp_path / 'empty.tif'
    _nodata_raster(write_raster, empty, np.zeros((200, 200), bool))
    transform = LoadRSIWindow(window_size=64)
    assert transform(dict(img_path=str(empty))) is None and transform.policy.num_skipped == 1
    with pytest.raises(OSError, match=f'{empty}.*no valid pixel'):
        _load(empty, window_size=64, on_corrupt='raise')


def _corrupt_files(tmp_path: Path, write_raster) -> list:
    truncated = write_raster(tmp_path / 'truncated.tif', _rgb(), tiled=True, blockxsize=64, blockysize=64,
                             compress='lzw')
    truncated.write_bytes(truncated.read_bytes()[:3000])
    garbage = tmp_path / 'garbage.png'
    garbage.write_bytes(b'not a png at all')
    return [truncated, garbage]


def test_corrupt_files_skip_or_raise(tmp_path, write_raster):
    transform = LoadRSIWindow(window_size=64)
    for number, path in enumerate(_corrupt_files(tmp_path, write_raster), start=1):
        assert transform(dict(img_path=str(path))) is None
        assert transform.policy.num_skipped == number
        with pytest.raises(OSError, match=str(path)):
            _load(path, window_size=64, on_corrupt='raise')


def test_dataset_refetches_after_a_skipped_corrupt_file(tmp_path, write_raster):
    _corrupt_files(tmp_path, write_raster)
    cv2.imwrite(str(tmp_path / 'good.png'), _rgb(64, 64))
    dataset = RSIImageFolder(data_root=str(tmp_path), pipeline=[dict(type='LoadRSIWindow', window_size=32)])
    names = [Path(dataset.get_data_info(i)['img_path']).name for i in range(len(dataset))]
    np.random.seed(0)
    sample = dataset[names.index('garbage.png')]
    assert sample['img_path'].endswith('good.png') and sample['img'].shape == (32, 32, 3)


def test_bad_arguments():
    for kwargs in (dict(window_size=0), dict(window_size=(1, 2, 3)), dict(bands=()), dict(value_range=(5, 5)),
                   dict(on_corrupt='ignore'), dict(min_valid_fraction=1.5), dict(max_tries=0)):
        with pytest.raises(ValueError):
            LoadRSIWindow(**kwargs)


def test_aligned_windows_start_on_storage_tiles(tmp_path, write_raster):
    rgb = _rgb()
    path = write_raster(tmp_path / 'tiled.tif', rgb, tiled=True, blockxsize=48, blockysize=64)
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


def test_repr_names_the_rule():
    text = repr(LoadRSIWindow(window_size=64, bands=(3, 0, 1, 2), value_range=(0, 2047), nodata=0))
    assert all(word in text for word in ('bands=(3, 0, 1, 2)', 'value_range=((0.0, 2047.0),)', 'nodata=0.0'))


def test_a_folder_with_mixed_band_counts_stops_at_the_file_that_lacks_a_band(tmp_path, write_raster):
    write_raster(tmp_path / 'a_rgbn.tif', _rgb(64, 64, bands=4), photometric='MINISBLACK')
    write_raster(tmp_path / 'b_rgb.tif', _rgb(64, 64))
    dataset = RSIImageFolder(data_root=str(tmp_path), pipeline=[
        dict(type='LoadRSIWindow', window_size=32, bands=(0, 1, 2, 3), on_corrupt='skip')])
    assert dataset[0]['img'].shape == (32, 32, 4)
    with pytest.raises(ValueError) as info:  # a configuration error: never skipped
        dataset[1]
    assert all(word in str(info.value) for word in ('b_rgb.tif', 'has 3 band', 'at least 4 bands'))
