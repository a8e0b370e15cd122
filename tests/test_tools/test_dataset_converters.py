"""Converters on fixture archives in the official layouts: tree, names, label values, resume, bad input."""
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
import rasterio
from rasterio.io import MemoryFile

from tools.dataset_converters import potsdam, vaihingen

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')

# The ISPRS legend (RGB), written out independently of the converter's table.
LEGEND = {(255, 255, 255): 1, (0, 0, 255): 2, (0, 255, 255): 3, (0, 255, 0): 4, (255, 255, 0): 5,
          (255, 0, 0): 6, (0, 0, 0): 0, (12, 34, 56): 0}
H, W = 40, 64  # clip 32, stride 16: rows start 0, 8; columns 0, 16, 32 (mmseg's bug gives 0, 32)


def _tif_bytes(array: np.ndarray, **options) -> bytes:
    """A TIFF of ``(height, width, bands)``, written by GDAL as the ISPRS archives' tiles."""
    with MemoryFile() as memory:
        with memory.open(driver='GTiff', height=array.shape[0], width=array.shape[1], count=array.shape[2],
                         dtype=array.dtype.name, **options) as dataset:
            dataset.write(np.moveaxis(array, 2, 0))
        return memory.read()


def _read(path: Path) -> np.ndarray:
    with rasterio.open(path) as dataset:
        return np.moveaxis(dataset.read(), 0, 2)


def _tile(seed: int):
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    colours = np.array(list(LEGEND))
    label_rgb = colours[rng.integers(0, len(colours), (H, W))].astype(np.uint8)
    return image, label_rgb


def _zip(path: Path, members: dict) -> None:
    with zipfile.ZipFile(path, 'w') as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _expected_labels(label_rgb: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda r, g, b: LEGEND[(r, g, b)])(*np.moveaxis(label_rgb, 2, 0)).astype(np.uint8)


@pytest.fixture
def potsdam_zips(tmp_path) -> tuple:
    tiles = {key: _tile(i) for i, key in enumerate(potsdam.SPLITS['train'] + potsdam.SPLITS['val'])}
    _zip(tmp_path / '2_Ortho_RGB.zip', {f'2_Ortho_RGB/top_potsdam_{k}_RGB.tif': _tif_bytes(t[0])
                                        for k, t in tiles.items()})
    _zip(tmp_path / '5_Labels_all_noBoundary.zip',
         {f'top_potsdam_{k}_label_noBoundary.tif': _tif_bytes(t[1]) for k, t in tiles.items()})
    return tmp_path, tiles


def test_potsdam_tree_names_labels_and_pretraining_tiles(potsdam_zips, tmp_path, capsys):
    zip_dir, tiles = potsdam_zips
    out = tmp_path / 'out'
    before = {p.name: p.read_bytes() for p in zip_dir.glob('*.zip')}
    potsdam.main([str(zip_dir), '-o', str(out), '--clip-size', '32', '--stride', '16'])
    assert len(list((out / 'img_dir' / 'train').iterdir())) == 24 * 6
    assert len(list((out / 'ann_dir' / 'val').iterdir())) == 14 * 6
    names = sorted(p.name for p in (out / 'img_dir' / 'train').glob('2_10_*'))
    assert names == sorted(f'2_10_{x}_{y}_{x + 32}_{y + 32}.png' for x in (0, 16, 32) for y in (0, 8))
    image, label_rgb = tiles['5_13']
    patch = cv2.imread(str(out / 'img_dir' / 'val' / '5_13_16_8_48_40.png'))
    np.testing.assert_array_equal(patch[..., ::-1], image[8:40, 16:48])
    labels = cv2.imread(str(out / 'ann_dir' / 'val' / '5_13_16_8_48_40.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(labels, _expected_labels(label_rgb)[8:40, 16:48])
    assert set(np.unique(labels)) <= set(range(7))
    assert 'outside the ISPRS legend' in capsys.readouterr().out  # the (12, 34, 56) pixels
    assert sorted(p.stem for p in (out / 'tiles' / 'train').glob('*.tif')) == sorted(potsdam.SPLITS['train'])
    assert not (out / 'tiles' / 'val').exists()
    with rasterio.open(out / 'tiles' / 'train' / '2_10.tif') as tile:
        assert tile.profile['tiled'] and tile.block_shapes[0] == (256, 256)
    np.testing.assert_array_equal(_read(out / 'tiles' / 'train' / '2_10.tif'), tiles['2_10'][0])
    assert {p.name: p.read_bytes() for p in zip_dir.glob('*.zip')} == before  # inputs untouched


def test_potsdam_rerun_skips_finished_tiles(potsdam_zips, tmp_path, capsys):
    zip_dir, _ = potsdam_zips
    out = tmp_path / 'out'
    args = [str(zip_dir), '-o', str(out), '--clip-size', '32', '--stride', '32']
    potsdam.main(args)
    patch = out / 'img_dir' / 'train' / '2_10_0_0_32_32.png'
    patch.write_bytes(b'kept')
    (out / '.done' / '7_13').unlink()
    capsys.readouterr()
    potsdam.main(args)
    assert '37 of 38 tiles already converted' in capsys.readouterr().out
    assert patch.read_bytes() == b'kept' and (out / '.done' / '7_13').is_file()


def test_potsdam_missing_members_are_named(potsdam_zips, tmp_path):
    zip_dir, tiles = potsdam_zips
    _zip(zip_dir / '5_Labels_all_noBoundary.zip',
         {f'top_potsdam_{k}_label_noBoundary.tif': _tif_bytes(t[1]) for k, t in tiles.items()
          if k not in ('2_11', '6_15')})
    with pytest.raises(SystemExit) as info:
        potsdam.main([str(zip_dir), '-o', str(tmp_path / 'out')])
    for word in ('top_potsdam_2_11_label_noBoundary.tif', 'top_potsdam_6_15_label_noBoundary.tif',
                 '5_Labels_all_noBoundary.zip'):
        assert word in str(info.value)
    with pytest.raises(FileNotFoundError, match='3_Ortho_IRRG.zip'):
        potsdam.main([str(zip_dir), '-o', str(tmp_path / 'out'), '--image-zip', '3_Ortho_IRRG.zip'])


def test_vaihingen_tree_ignores_other_folders_and_checks_sizes(tmp_path):
    areas = vaihingen.SPLITS['train'] + vaihingen.SPLITS['val']
    tiles = {area: _tile(i) for i, area in enumerate(areas)}
    members = {f'top/top_mosaic_09cm_{a}.tif': _tif_bytes(t[0]) for a, t in tiles.items()}
    members['gts_for_participants/top_mosaic_09cm_area1.tif'] = _tif_bytes(tiles['area1'][1])
    _zip(tmp_path / vaihingen.IMAGE_ZIP, members)
    label_zip = tmp_path / 'ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip'
    _zip(label_zip, {f'top_mosaic_09cm_{a}_noBoundary.tif': _tif_bytes(t[1]) for a, t in tiles.items()})
    out = tmp_path / 'out'
    vaihingen.main([str(tmp_path), '-o', str(out), '--clip-size', '32', '--stride', '16'])
    patch = out / 'img_dir' / 'train' / 'area1_32_0_64_32.png'
    np.testing.assert_array_equal(cv2.imread(str(patch))[..., ::-1], tiles['area1'][0][0:32, 32:64])
    labels = cv2.imread(str(out / 'ann_dir' / 'train' / patch.name), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(labels, _expected_labels(tiles['area1'][1])[0:32, 32:64])
    assert len(list((out / 'ann_dir' / 'val').iterdir())) == 17 * 6
    tiles['area6'] = (tiles['area6'][0], tiles['area6'][1][:, :60])
    _zip(label_zip, {f'top_mosaic_09cm_{a}_noBoundary.tif': _tif_bytes(t[1]) for a, t in tiles.items()})
    (out / '.done' / 'area6').unlink()
    with pytest.raises(ValueError, match=r'top_mosaic_09cm_area6\.tif is \(40, 64\) but its label'):
        vaihingen.main([str(tmp_path), '-o', str(out), '--clip-size', '32', '--stride', '16'])


def test_potsdam_rgbir_keeps_all_bands_in_tiles_and_optionally_in_patches(tmp_path):
    from grass_mm.pretrain.datasets import LoadRSIWindow
    from grass_mm.segmentation.datasets import LoadRSIImage
    keys = potsdam.SPLITS['train'] + potsdam.SPLITS['val']
    rgbir = {k: np.random.default_rng(i).integers(0, 256, (H, W, 4), dtype=np.uint8)
             for i, k in enumerate(keys)}
    # written as GDAL writes 4-band 8-bit TIFFs by default (RGBA): the converter must keep IR as data
    _zip(tmp_path / '4_Ortho_RGBIR.zip', {f'4_Ortho_RGBIR/top_potsdam_{k}_RGBIR.tif': _tif_bytes(a)
                                          for k, a in rgbir.items()})
    _zip(tmp_path / '5_Labels_all.zip', {f'top_potsdam_{k}_label.tif': _tif_bytes(_tile(0)[1]) for k in keys})
    args = [str(tmp_path), '--image-zip', '4_Ortho_RGBIR.zip', '--label-zip', '5_Labels_all.zip', '--clip-size',
            '32', '--stride', '32']
    out = tmp_path / 'out'
    potsdam.main(args + ['-o', str(out)])
    patch = cv2.imread(str(out / 'img_dir' / 'train' / '6_7_0_0_32_32.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(patch[..., ::-1], rgbir['6_7'][:32, :32, :3])  # default patches: R, G, B
    tile = out / 'tiles' / 'train' / '6_7.tif'
    with rasterio.open(tile) as dataset:
        assert [c.name for c in dataset.colorinterp] == ['gray', 'undefined', 'undefined', 'undefined']
    np.testing.assert_array_equal(_read(tile), rgbir['6_7'])
    loaded = LoadRSIWindow(bands=(3, 0, 1))(dict(img_path=str(tile)))
    np.testing.assert_array_equal(loaded['img'][..., ::-1], rgbir['6_7'][..., [3, 0, 1]])

    four = tmp_path / 'four'
    potsdam.main(args + ['-o', str(four), '--all-bands'])
    names = sorted(p.name for p in (four / 'img_dir' / 'val').iterdir())
    assert len(names) == 14 * 4 and all(name.endswith('.tif') for name in names)
    assert sorted(p.stem for p in (four / 'ann_dir' / 'val').iterdir()) == [n[:-4] for n in names]
    patch = four / 'img_dir' / 'val' / '5_13_32_0_64_32.tif'
    np.testing.assert_array_equal(_read(patch), rgbir['5_13'][:32, 32:64])
    loaded = LoadRSIImage(bands=(0, 1, 2, 3))(dict(img_path=str(patch)))
    np.testing.assert_array_equal(loaded['img'], rgbir['5_13'][:32, 32:64])
