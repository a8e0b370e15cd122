"""tools/compute_band_stats.py: the mean/std of what the loaders give, raw ranges, a suggested value range."""
import json

import numpy as np
import pytest

from grass_mm.segmentation.datasets import LoadRSIImage
from tools import compute_band_stats

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')
REPO_RGBIR = 'configs/grass/grass_resnet50_1xb256-coslr-350e_potsdam-rgbir.py'


def _folder(tmp_path, write_raster, dtype=np.uint16, high=2047, bands=4, count=3):
    rng = np.random.default_rng(0)
    arrays = []
    for index in range(count):
        data = rng.integers(1, high + 1, (150 + 10 * index, 120, bands)).astype(dtype)
        data[..., :] += np.arange(bands, dtype=dtype) * (high // 8)  # bands of different levels
        data[:12] = 0  # a nodata border
        write_raster(tmp_path / 'tiles' / f'sub{index % 2}' / f'{index}.tif', data, nodata=0,
                     photometric='MINISBLACK', tiled=True, blockxsize=32, blockysize=32)
        arrays.append(data)
    return tmp_path / 'tiles', arrays


def _loader_moments(folder, rule: dict):
    """Mean and std over valid pixels of what LoadRSIImage gives (unreadable files skipped), `bands` order."""
    values = []
    for path in sorted(folder.rglob('*.tif')):
        out = LoadRSIImage(**rule)(dict(img_path=str(path)))
        if out is None:
            continue
        img = out['img'][..., ::-1] if out['img'].shape[2] == 3 else out['img']
        values.append(img[12:].reshape(-1, img.shape[2]).astype(np.float64))
    values = np.concatenate(values)
    return values.mean(0), values.std(0)


def test_mean_std_are_those_of_the_loader_and_raw_ranges_are_exact(tmp_path, write_raster):
    folder, arrays = _folder(tmp_path, write_raster)
    rule = dict(bands=(3, 0, 1), value_range=(0, 2047))
    stats = compute_band_stats.compute(folder, rule, window=64)
    mean, std = _loader_moments(folder, rule)
    np.testing.assert_allclose(stats['band_mean'], mean, atol=1e-3)
    np.testing.assert_allclose(stats['band_std'], std, atol=1e-3)
    assert stats['band_mean'][0] > stats['band_mean'][2]  # listed order: band 3 (highest level) first
    raw = np.concatenate([a[12:].reshape(-1, 4)[:, [3, 0, 1]] for a in arrays])
    assert stats['raw']['min'] == raw.min(0).tolist() and stats['raw']['max'] == raw.max(0).tolist()
    expected = np.percentile(raw, 99.5, axis=0, method='inverted_cdf')
    assert stats['raw']['p99.5'] == expected.tolist() and not stats['raw']['approximate']
    assert stats['valid_pixels'] == len(raw) and stats['suggested_value_range'] is None


def test_sixteen_bit_without_value_rule_gets_a_suggested_range(tmp_path, write_raster):
    folder, _ = _folder(tmp_path, write_raster)
    (folder / 'broken.tif').write_bytes(b'not a tiff')
    stats = compute_band_stats.compute(folder, dict(bands=(0, 1, 2, 3)))
    low, high = stats['suggested_value_range']
    assert low == min(stats['raw']['p0.5']) and high == max(stats['raw']['p99.5'])
    assert stats['rule']['value_range'] == ((low, high), ) and stats['skipped'] == 1
    mean, _ = _loader_moments(folder, dict(bands=(0, 1, 2, 3), value_range=(low, high)))
    np.testing.assert_allclose(stats['band_mean'], mean, atol=1e-3)


def test_cli_takes_the_rule_from_a_config_and_writes_json(tmp_path, write_raster, repo_root, capsys):
    folder, _ = _folder(tmp_path, write_raster, dtype=np.uint8, high=200, count=2)
    out = tmp_path / 'stats.json'
    assert compute_band_stats.main([str(folder), '--config', str(repo_root / REPO_RGBIR), '--out', str(out)]) == 0
    stats = json.loads(out.read_text())
    assert stats['rule']['bands'] == [0, 1, 2, 3] and len(stats['band_mean']) == 4
    printed = capsys.readouterr().out
    assert f"band_mean = {stats['band_mean']}" in printed and 'raw    max' in printed
    with pytest.raises(ValueError, match='band index 5'):
        compute_band_stats.main([str(folder), '--bands', '0', '5'])
    with pytest.raises(SystemExit, match='no top-level `raster`'):
        compute_band_stats.main([str(folder), '--config', str(repo_root / 'configs/_base_/pretrain_runtime.py')])
