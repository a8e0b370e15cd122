"""RasterFile on rasters written with rasterio: every compression, tiled and striped, BigTIFF, COG, JPEG2000,
VRT, masks and alpha, 16-bit and float: windows equal the full-array read; damaged files are named."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import rasterio

from grass_mm.rsi.reader import RasterFile, UnreadableRasterError

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')
HEIGHT, WIDTH = 300, 260
# GeoTIFF compressions as producers publish them; JPEG in YCbCr as aerial orthophotos usually are.
COMPRESSIONS = {'none': {}, 'deflate': {}, 'lzw': {}, 'jpeg': dict(photometric='YCBCR'), 'zstd': {},
                'webp': {}}
LOSSY = ('jpeg', 'webp')
LAYOUTS = {'tiled': dict(tiled=True, blockxsize=64, blockysize=48), 'striped': dict(tiled=False, blockysize=16)}
# Windows at the corner, inside, across tile/strip borders, at the far edges, one pixel, the whole image.
BOXES = [(0, 0, 50, 40), (37, 51, 100, 90), (47, 63, 2, 2), (HEIGHT - 61, WIDTH - 77, 61, 77), (150, 259, 1, 1),
         (0, 0, HEIGHT, WIDTH)]


def scene(height: int = HEIGHT, width: int = WIDTH, bands: int = 3, dtype=np.uint8, high: int = 255,
          seed: int = 0) -> np.ndarray:
    """Smooth gradients plus noise, like imagery (so that lossy codecs stay close), ``(h, w, bands)``."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    base = np.stack([(np.sin(6 * x + b) + np.cos(5 * y - b) + 2) / 4 for b in range(bands)], axis=2)
    noisy = np.clip(base + rng.normal(0, 0.03, base.shape), 0, 1)
    return np.round(noisy * high).astype(dtype)


def assert_windows_equal_full_read(path: Path, bands=(0, 1, 2), boxes=BOXES) -> np.ndarray:
    """Reads the whole image and each box; every window equals the same box of the full read."""
    with RasterFile(path) as raster:
        assert raster.shape == (HEIGHT, WIDTH)
        full = raster.read(bands, (0, 0, HEIGHT, WIDTH))
        assert full.shape == (HEIGHT, WIDTH, len(bands)) and full.flags.c_contiguous
        for top, left, height, width in boxes:
            window = raster.read(bands, (top, left, height, width))
            np.testing.assert_array_equal(window, full[top:top + height, left:left + width])
    return full


@pytest.mark.parametrize('layout', LAYOUTS)
@pytest.mark.parametrize('compress', COMPRESSIONS)
def test_geotiff_compressions_tiled_and_striped(tmp_path, write_raster, compress, layout):
    data = scene()
    path = write_raster(tmp_path / 'img.tif', data, compress=compress, **COMPRESSIONS[compress], **LAYOUTS[layout])
    with rasterio.open(path) as dataset:  # the file really is what the test claims
        assert (dataset.compression.name if dataset.compression else 'none') == compress
        assert dataset.profile['tiled'] == (layout == 'tiled')
    with RasterFile(path) as raster:
        assert raster.block_shape == ((48, 64) if layout == 'tiled' else (1, 1))
        assert raster.count == 3 and raster.dtype == np.uint8
    full = assert_windows_equal_full_read(path)
    if compress in LOSSY:
        assert np.abs(full.astype(int) - data).mean() < 12  # the scene's noise is sigma 7.6
    else:
        np.testing.assert_array_equal(full, data)


@pytest.mark.parametrize('kind', ['bigtiff', 'cog', 'jpeg2000', 'png', 'png16'])
def test_other_containers(tmp_path, write_raster, kind):
    data = scene(bands=4, dtype=np.uint16, high=4095) if kind in ('bigtiff', 'png16') else scene()
    data = data[..., :3] if kind == 'png16' else data
    path, driver, options = {
        'bigtiff': ('img.tif', 'GTiff', dict(BIGTIFF='YES', tiled=True, blockxsize=64, blockysize=64,
                                              compress='deflate')),
        'cog': ('img.tif', 'COG', dict(BLOCKSIZE=128, COMPRESS='DEFLATE')),
        'jpeg2000': ('img.jp2', 'JP2OpenJPEG', dict(REVERSIBLE='YES', QUALITY=100, BLOCKXSIZE=128, BLOCKYSIZE=128)),
        'png': ('img.png', 'PNG', {}),
        'png16': ('img.png', 'PNG', {}),
    }[kind]
    write_raster(tmp_path / path, data, driver=driver, **options)
    if kind == 'bigtiff':
        assert (tmp_path / path).read_bytes()[:4] == b'II+\x00'  # BigTIFF magic
    bands = tuple(range(data.shape[2]))
    full = assert_windows_equal_full_read(tmp_path / path, bands=bands)
    np.testing.assert_array_equal(full, data)
    assert full.dtype == data.dtype


def test_vrt_mosaic_of_two_files(tmp_path, write_raster):
    data = scene(dtype=np.uint16, high=60000)
    write_raster(tmp_path / 'left.tif', data[:, :130], compress='lzw')
    write_raster(tmp_path / 'right.tif', data[:, 130:], tiled=True, blockxsize=32, blockysize=32)
    bands = ''.join(
        f'<VRTRasterBand dataType="UInt16" band="{b + 1}">' + ''.join(
            f'<SimpleSource><SourceFilename relativeToVRT="1">{name}</SourceFilename><SourceBand>{b + 1}'
            f'</SourceBand><SrcRect xOff="0" yOff="0" xSize="130" ySize="{HEIGHT}"/><DstRect xOff="{x0}" '
            f'yOff="0" xSize="130" ySize="{HEIGHT}"/></SimpleSource>' for name, x0 in (('left.tif', 0),
                                                                                     ('right.tif', 130)))
        + '</VRTRasterBand>' for b in range(3))
    vrt = tmp_path / 'mosaic.vrt'
    vrt.write_text(f'<VRTDataset rasterXSize="{WIDTH}" rasterYSize="{HEIGHT}">{bands}</VRTDataset>')
    full = assert_windows_equal_full_read(vrt, bands=(2, 0))
    np.testing.assert_array_equal(full, data[..., [2, 0]])
    assert full.dtype == np.uint16


def test_band_selection_keeps_order_repeats_and_dtype(tmp_path, write_raster):
    for dtype, high in ((np.int16, 3000), (np.float32, 1)):
        data = scene(bands=5, dtype=dtype, high=high)
        path = write_raster(tmp_path / f'{np.dtype(dtype).name}.tif', data, tiled=True, blockxsize=32,
                            blockysize=32, interleave='band', compress='zstd')
        full = assert_windows_equal_full_read(path, bands=(4, 0, 0, 2))
        np.testing.assert_array_equal(full, data[..., [4, 0, 0, 2]])
        assert full.dtype == dtype


def test_validity_from_nodata_alpha_internal_and_external_masks(tmp_path, write_raster):
    data = scene()
    border = np.zeros((HEIGHT, WIDTH), bool)
    border[:40], border[:, -25:] = True, True
    with_nodata = data.copy()
    with_nodata[border] = 0
    write_raster(tmp_path / 'nodata.tif', with_nodata, nodata=0, tiled=True, blockxsize=64, blockysize=64)
    alpha = np.dstack([data, np.where(border, 0, 255).astype(np.uint8)])
    write_raster(tmp_path / 'alpha.tif', alpha, photometric='RGB', alpha='YES', compress='deflate')
    for name, internal in (('internal.tif', True), ('external.tif', False)):
        with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=internal):
            path = write_raster(tmp_path / name, data, compress='lzw')
            with rasterio.open(path, 'r+') as dataset:
                dataset.write_mask(np.where(border, 0, 255).astype(np.uint8))
    assert (tmp_path / 'external.tif.msk').is_file() and not (tmp_path / 'internal.tif.msk').exists()
    write_raster(tmp_path / 'plain.tif', data)
    for name in ('nodata.tif', 'alpha.tif', 'internal.tif', 'external.tif'):
        with RasterFile(tmp_path / name) as raster:
            np.testing.assert_array_equal(raster.read_validity((0, 1, 2), (0, 0, HEIGHT, WIDTH)), ~border, name)
            np.testing.assert_array_equal(raster.read_validity((1, ), (30, 200, 20, 60)), ~border[30:50, 200:],
                                          name)
    with RasterFile(tmp_path / 'plain.tif') as raster:
        assert raster.read_validity((0, 1, 2), (0, 0, HEIGHT, WIDTH)) is None  # no nodata declared: all valid


def test_jpeg_goes_through_opencv_like_mmcv(tmp_path):
    rgb = scene()
    path = tmp_path / 'img.jpg'
    cv2.imwrite(str(path), rgb[..., ::-1])
    full = assert_windows_equal_full_read(path)
    np.testing.assert_array_equal(full[..., ::-1], cv2.imread(str(path)))  # what LoadImageFromFile reads
    with RasterFile(path) as raster:
        assert raster.read_validity((0, 1, 2), (0, 0, HEIGHT, WIDTH)) is None and raster.block_shape == (1, 1)


@pytest.mark.parametrize('damage', ['truncated_tiff', 'garbage_tif', 'garbage_jpg', 'missing', 'bad_jp2'])
def test_damaged_files_raise_unreadable_naming_the_file(tmp_path, write_raster, damage):
    path = tmp_path / {'garbage_jpg': 'img.jpg', 'bad_jp2': 'img.jp2'}.get(damage, 'img.tif')
    if damage == 'truncated_tiff':
        write_raster(path, scene(), compress='lzw', tiled=True, blockxsize=64, blockysize=64)
        path.write_bytes(path.read_bytes()[:-20000])
    elif damage != 'missing':
        path.write_bytes(b'\x00garbage, not an image' * 10)
    with pytest.raises(UnreadableRasterError, match=str(path)) as info:
        with RasterFile(path) as raster:
            raster.read((0, 1, 2), (0, 0, HEIGHT, WIDTH))
    assert isinstance(info.value, OSError)


def test_alpha_band_listed_in_bands_is_data_not_a_mask(tmp_path, write_raster):
    rgbn = scene(bands=4)
    rgbn[:20, :, 3] = 0  # NIR of 0, in a file GDAL writes as RGBA by default (4 bands of 8 bits)
    path = write_raster(tmp_path / 'rgbn.tif', rgbn)
    with rasterio.open(path) as dataset:
        assert dataset.colorinterp[3].name == 'alpha'
    with RasterFile(path) as raster:
        assert raster.read_validity((0, 1, 2, 3), (0, 0, HEIGHT, WIDTH)) is None
        np.testing.assert_array_equal(raster.read_validity((0, 1, 2), (0, 0, HEIGHT, WIDTH)), rgbn[..., 3] > 0)
