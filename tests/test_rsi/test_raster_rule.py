"""RasterRule: band choice and order, the value rule for 16-bit and float data, no-data, clear errors."""
import numpy as np
import pytest

from grass_mm.rsi.raster_rule import RasterRule
from grass_mm.rsi.reader import RasterFile

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')


def _data(height=60, width=50, bands=4, dtype=np.uint16, high=2047, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == 'f':
        return (rng.random((height, width, bands)) * high).astype(dtype)
    return rng.integers(1, high + 1, (height, width, bands)).astype(dtype)


def _read(path, box=None, **rule):
    with RasterFile(path) as raster:
        return RasterRule(**rule).read(raster, box or (0, 0, *raster.shape))


def test_band_choice_order_and_bgr_for_three(tmp_path, write_raster):
    data = _data(dtype=np.uint8, high=255)
    path = write_raster(tmp_path / 'rgbir.tif', data)
    np.testing.assert_array_equal(_read(path).img, data[..., [2, 1, 0]])  # default: first three, BGR
    np.testing.assert_array_equal(_read(path, bands=(3, 0, 1)).img, data[..., [1, 0, 3]])  # three: reversed
    np.testing.assert_array_equal(_read(path, bands=(0, 1, 2, 3)).img, data)  # N != 3: listed order
    np.testing.assert_array_equal(_read(path, bands=(3, )).img, data[..., [3]])
    np.testing.assert_array_equal(_read(path, bands=(-1, 0)).img, data[..., [3, 0]])
    gray = write_raster(tmp_path / 'gray.tif', data[..., :1])
    np.testing.assert_array_equal(_read(gray).img, np.repeat(data[..., :1], 3, axis=2))
    two = write_raster(tmp_path / 'two.tif', data[..., :2])
    with pytest.raises(ValueError, match=f'{two} has 2 bands'):
        _read(two)


def test_band_out_of_range_names_file_value_and_expectation(tmp_path, write_raster):
    path = write_raster(tmp_path / 'rgb.tif', _data(bands=3, dtype=np.uint8, high=255))
    with pytest.raises(ValueError) as info:
        _read(path, bands=(0, 1, 2, 3))
    for words in (str(path), 'band index 3', 'has 3 band', 'bands=(0, 1, 2, 3)', 'at least 4 bands'):
        assert words in str(info.value)


def test_sixteen_bit_needs_a_value_rule(tmp_path, write_raster):
    path = write_raster(tmp_path / 'img16.tif', _data())
    with pytest.raises(ValueError) as info:
        _read(path, bands=(0, 1, 2, 3))
    assert all(words in str(info.value) for words in (str(path), 'uint16', 'value_range', 'percentiles'))


def test_value_range_single_and_per_band(tmp_path, write_raster):
    data = _data()
    path = write_raster(tmp_path / 'img16.tif', data, tiled=True, blockxsize=16, blockysize=16)
    img = _read(path, bands=(0, 1, 2, 3), value_range=(0, 2047)).img
    np.testing.assert_allclose(img, data / 2047 * 255, atol=0.5 + 1e-3)  # float32 vs float64 rounding of .5
    ranges = [(0, 2047), (100, 1100), (0, 4095), (1000, 1001)]
    img = _read(path, bands=(0, 1, 2, 3), value_range=ranges).img
    for band, (low, high) in enumerate(ranges):
        np.testing.assert_allclose(img[..., band], np.clip((data[..., band] / 1.0 - low) / (high - low) * 255, 0, 255),
                                   atol=0.5 + 1e-3)
    three = _read(path, bands=(3, 1, 0), value_range=[(1000, 1001), (100, 1100), (0, 2047)]).img  # BGR order
    np.testing.assert_array_equal(three, img[..., [0, 1, 3]])
    uint8 = write_raster(tmp_path / 'img8.tif', data[..., :3].astype(np.uint8))
    np.testing.assert_array_equal(_read(uint8, value_range=(0, 2047)).img, data[..., [2, 1, 0]].astype(np.uint8))


def test_percentiles_stretch_each_read_over_valid_pixels(tmp_path, write_raster):
    data = _data(dtype=np.float32, high=1)
    data[:10] = -9999.0
    path = write_raster(tmp_path / 'float.tif', data, nodata=-9999.0)
    pixels = _read(path, bands=(0, 1), percentiles=(2, 98))
    valid = data[10:, :, :2].reshape(-1, 2).astype(np.float64)
    low, high = np.percentile(valid, (2, 98), axis=0)
    expected = np.clip((data[10:, :, :2] - low) * (255 / (high - low)), 0, 255)
    np.testing.assert_allclose(pixels.img[10:], expected, atol=0.5 + 1e-3)
    assert (pixels.img[:10] == 0).all() and pixels.valid_fraction == pytest.approx(50 / 60)
    assert (pixels.img[10:] == 0).mean() > 0.015 and (pixels.img[10:] == 255).mean() > 0.015


def test_nodata_of_the_file_and_of_the_rule(tmp_path, write_raster):
    data = _data(dtype=np.uint8, high=200)
    data[:, :5] = 255  # a white border the file does not declare
    data[-7:] = 0  # a black border it does declare
    path = write_raster(tmp_path / 'img.tif', data, nodata=0, photometric='MINISBLACK')
    pixels = _read(path, bands=(0, 1, 2, 3))
    assert pixels.valid_fraction == pytest.approx(53 / 60)
    pixels = _read(path, bands=(0, 1, 2, 3), nodata=255)
    assert pixels.valid_fraction == pytest.approx(53 * 45 / (60 * 50))
    assert (pixels.img[:, :5] == 0).all() and (pixels.img[-7:] == 0).all()
    np.testing.assert_array_equal(pixels.img[:53, 5:], data[:53, 5:])
    data[3, 20, 1] = 255  # one band at the value is not no-data: every chosen band must be
    path = write_raster(tmp_path / 'img2.tif', data, photometric='MINISBLACK')
    assert _read(path, bands=(0, 1, 2, 3), nodata=255).valid_fraction == pytest.approx(1 - 53 * 5 / 3000)
    floats = data.astype(np.float32)
    floats[:30] = np.nan
    path = write_raster(tmp_path / 'nan.tif', floats)
    pixels = _read(path, bands=(0, 1), value_range=(0, 255), nodata=float('nan'))
    assert pixels.valid_fraction == pytest.approx(0.5) and (pixels.img[:30] == 0).all()


def test_a_window_equals_the_crop_of_the_whole_image(tmp_path, write_raster):
    data = _data(300, 260)
    data[:, :30] = 0
    path = write_raster(tmp_path / 'img.tif', data, nodata=0, compress='deflate', tiled=True, blockxsize=64,
                        blockysize=64)
    rule = dict(bands=(2, 3, 0, 1), value_range=(0, 2047))
    whole = _read(path, **rule)
    for top, left, height, width in ((0, 0, 64, 64), (33, 17, 100, 120), (250, 200, 50, 60)):
        window = _read(path, (top, left, height, width), **rule)
        np.testing.assert_array_equal(window.img, whole.img[top:top + height, left:left + width])
        np.testing.assert_array_equal(window.valid, whole.valid[top:top + height, left:left + width])


@pytest.mark.parametrize('kwargs', [dict(bands=()), dict(bands=(0.5, )), dict(value_range=(5, 5)),
                                    dict(value_range=(0, 1), percentiles=(2, 98)), dict(percentiles=(98, 2)),
                                    dict(bands=(0, 1), value_range=[(0, 1), (0, 2), (0, 3)]),
                                    dict(value_range=[(0, 1), (0, 2)])])
def test_bad_rules(kwargs):
    with pytest.raises(ValueError):
        RasterRule(**kwargs)
