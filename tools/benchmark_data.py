"""Pretraining input rate: windows read with rasterio vs the previous reader vs pre-sliced patches, in one run.

Usage: python -m tools.benchmark_data [--tiles 4] [--tile-size 4096] [--window 512] [--samples 50]
           [--rounds 4] [--work-dir DIR]

Builds RSI-like tiles from the demo renderer's scenes (a mosaic, so the content compresses like imagery,
not like noise), writes each layout with rasterio, and times the pretraining dataset (``RSIImageFolder`` +
the two-view SimCLR pipeline of ``configs/_base_/datasets/rsi_folder_pretrain.py``) in one process, rounds
alternating between rows. Readers: ``rasterio`` (``LoadRSIWindow``), ``previous`` (grass_mm's former
tifffile segment reader, ``tools/harness/tifffile_window_reader.py``), ``mmcv`` (``LoadImageFromFile`` on
the patches). Both window readers draw the same windows from the same seed (checked: identical pixels).
In every round the readers of one layout run back to back (in alternating order), so that the ratio
rasterio / previous of a round compares runs under the same machine load. Prints samples/s (median over
rounds) with the two views and for the read alone, the median and range of the per-round ratios rasterio /
previous, and each row's ratio to the pre-sliced patches. Layouts:

- ``patches``: pre-sliced 512 px PNG patches (mmseg's layout);
- ``tiled``: tiled GeoTIFF, 256 x 256 tiles, Deflate (what the converters write); ``aligned``: the same
  files with ``align_windows=True``; ``tiled512``: 512 x 512 tiles (the COG default);
- ``strips``: strip-organised (GDAL's default rows per strip), Deflate; ``one_strip``: one strip per tile;
- ``tiled_lzw``, ``tiled_jpeg``: tiled with LZW, with JPEG in YCbCr (the previous reader cannot read them).

A second table times the whole-image decode of a 512 px patch as PNG and as JPEG, rasterio (GDAL) against
OpenCV: grass_mm decodes JPEG with OpenCV and PNG with rasterio, the faster of each.
"""
import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning

from tools.harness.demo_data import render_demo_dataset
from tools.harness.tifffile_window_reader import TifffileWindowLoader

BASE = Path(__file__).resolve().parents[1] / 'configs' / '_base_' / 'datasets' / 'rsi_folder_pretrain.py'
TIFF_LAYOUTS = {
    'tiled': dict(tiled=True, blockxsize=256, blockysize=256, compress='deflate'),
    'tiled512': dict(tiled=True, blockxsize=512, blockysize=512, compress='deflate'),
    'strips': dict(compress='deflate'),
    'one_strip': dict(compress='deflate', blockysize=None),  # blockysize = the tile's height, set below
    'tiled_lzw': dict(tiled=True, blockxsize=256, blockysize=256, compress='lzw'),
    'tiled_jpeg': dict(tiled=True, blockxsize=256, blockysize=256, compress='jpeg', photometric='YCBCR'),
}


def write_tif(path: Path, rgb: np.ndarray, **options) -> None:
    """Writes an RGB ``(h, w, 3)`` array as a GeoTIFF with rasterio."""
    profile = dict(driver='GTiff', height=rgb.shape[0], width=rgb.shape[1], count=3, dtype='uint8', **options)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', NotGeoreferencedWarning)
        with rasterio.open(path, 'w', **profile) as dataset:
            dataset.write(np.moveaxis(rgb, 2, 0))


def make_layouts(work: Path, tiles: int, size: int, window: int) -> Dict[str, Path]:
    """Writes the layouts; returns {name: folder}."""
    scenes = render_demo_dataset(work / 'scenes', num_train=36, num_val=12, size=256)
    images = [cv2.imread(str(p))[..., ::-1] for p in sorted((scenes / 'images').glob('*.png'))]
    rng = np.random.default_rng(0)
    cells = size // 256
    folders = {name: work / name for name in ('patches', *TIFF_LAYOUTS)}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    for t in range(tiles):
        picks = rng.integers(0, len(images), (cells, cells))
        mosaic = np.vstack([np.hstack([images[i] for i in row]) for row in picks])
        for name, options in TIFF_LAYOUTS.items():
            options = dict(options, blockysize=size) if name == 'one_strip' else options
            write_tif(folders[name] / f'{t}.tif', mosaic, **options)
        for y in range(0, size - window + 1, window):
            for x in range(0, size - window + 1, window):
                cv2.imwrite(str(folders['patches'] / f'{t}_{x}_{y}.png'), mosaic[y:y + window, x:x + window, ::-1])
    return folders


def build_dataset(folder: Path, loader, two_views: bool):
    """``RSIImageFolder`` on ``folder`` with ``loader`` (a config dict or a callable) first in the pipeline."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(BASE).train_dataloader.dataset.to_dict()
    pipeline = [loader] + (cfg['pipeline'][1:] if two_views else [])
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(dict(cfg, data_root=str(folder), pipeline=pipeline))


def rate(folder: Path, loader, samples: int, two_views: bool) -> float:
    """Returns samples/s of the dataset on ``folder`` (seeded random indices and windows, one process)."""
    dataset = build_dataset(folder, loader, two_views)
    indices = np.random.default_rng(1).integers(0, len(dataset), samples)
    np.random.seed(0)
    for index in indices[:3]:  # warm-up: first decodes, page cache
        dataset[int(index)]
    start = time.perf_counter()
    for index in indices:
        dataset[int(index)]
    return samples / (time.perf_counter() - start)


def same_windows(folder: Path, window: int, count: int = 5) -> bool:
    """Whether the rasterio and the previous reader give identical windows from the same seed."""
    loaders = dict(type='LoadRSIWindow', window_size=window), TifffileWindowLoader(window)
    outputs = []
    for loader in loaders:
        dataset = build_dataset(folder, loader, two_views=False)
        np.random.seed(0)
        outputs.append([dataset[i % len(dataset)]['img'] for i in range(count)])
    return all(np.array_equal(a, b) for a, b in zip(*outputs))


def rows(folders: Dict[str, Path], window: int) -> Dict[tuple, tuple]:
    """{(layout, reader): (folder, loader)} for every row of the table."""
    table = {('patches', 'mmcv'): (folders['patches'], dict(type='LoadImageFromFile')),
             ('patches', 'rasterio'): (folders['patches'], dict(type='LoadRSIWindow'))}
    for layout in TIFF_LAYOUTS:
        table[(layout, 'rasterio')] = (folders[layout], dict(type='LoadRSIWindow', window_size=window))
        table[(layout, 'previous')] = (folders[layout], TifffileWindowLoader(window))
        if layout == 'tiled':
            table[('aligned', 'rasterio')] = (folders[layout], dict(type='LoadRSIWindow', window_size=window,
                                                                    align_windows=True))
            table[('aligned', 'previous')] = (folders[layout], TifffileWindowLoader(window, align_windows=True))
    return table


def decode_times(folder: Path, repeats: int) -> Dict[str, float]:
    """Median ms to decode one 512 px patch whole, PNG and JPEG, with rasterio and with OpenCV."""
    png = sorted(folder.glob('*.png'))[0]
    jpg = folder.parent / 'patch.jpg'
    cv2.imwrite(str(jpg), cv2.imread(str(png)))

    def with_rasterio(path: Path) -> Callable[[], np.ndarray]:
        def read() -> np.ndarray:
            with rasterio.open(path) as dataset:
                return dataset.read()
        return read

    def with_opencv(path: Path) -> Callable[[], np.ndarray]:
        return lambda: cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR)

    readers = {'png rasterio': with_rasterio(png), 'png opencv': with_opencv(png),
               'jpeg rasterio': with_rasterio(jpg), 'jpeg opencv': with_opencv(jpg)}
    times = {name: [] for name in readers}
    for _ in range(repeats):
        for name, read in readers.items():
            start = time.perf_counter()
            for _ in range(20):
                read()
            times[name].append((time.perf_counter() - start) / 20 * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def ratio(value: Optional[float], reference: Optional[float]) -> str:
    return f'{value / reference:.2f}' if value and reference else '-'


def measure(table: Dict[tuple, tuple], samples: int, rounds: int) -> Tuple[Dict, Dict[tuple, str]]:
    """Times every row ``rounds`` times; the readers of one layout run back to back, in alternating order.

    Returns:
        tuple: {(row, two_views): [samples/s per round]}, {row: why the reader cannot read the layout}.
    """
    layouts: Dict[str, List[tuple]] = {}
    for key in table:
        layouts.setdefault(key[0], []).append(key)
    runs = {(key, views): [] for key in table for views in (True, False)}
    failures = {}
    for round_index in range(rounds):
        for keys in layouts.values():
            for key in (keys if round_index % 2 == 0 else keys[::-1]):
                folder, loader = table[key]
                count = samples if key[0] != 'one_strip' else max(samples // 10, 5)
                for views in (True, False):
                    if key in failures:
                        break
                    try:
                        runs[(key, views)].append(rate(folder, loader, count, views))
                    except RuntimeError as error:  # the previous reader on LZW/JPEG without imagecodecs
                        failures[key] = str(error).split(': ', 1)[-1]
    return runs, failures


def paired(runs: Dict, layout: str, views: bool) -> Optional[Tuple[float, float, float]]:
    """rasterio / previous on one layout: median, min and max of the per-round ratios (None if not both)."""
    new, old = runs.get(((layout, 'rasterio'), views)), runs.get(((layout, 'previous'), views))
    if not new or not old:
        return None
    ratios = [a / b for a, b in zip(new, old)]
    return statistics.median(ratios), min(ratios), max(ratios)


def report(runs: Dict, failures: Dict, table: Dict, identical: bool, decode: Dict, args) -> None:
    """Prints the tables."""
    median = {key: statistics.median(values) if values else None for key, values in runs.items()}
    print(f'{args.tiles} tiles of {args.tile_size}^2 px (RGB, 8 bit), {args.window} px windows/patches, one '
          f'process, {args.rounds} rounds of {args.samples} samples ({max(args.samples // 10, 5)} for one_strip), '
          f'the readers of a layout back to back; rates: median over rounds; rasterio / previous: median '
          f'[min, max] of the per-round ratios. Identical windows from both readers: {"yes" if identical else "NO"}')
    print(f'{"layout":<11} {"reader":<9} {"two-view/s":>10} {"load-only/s":>11}   {"rasterio/previous two-view":<27}'
          f'{"load-only":<19} {"vs patches":>10}')
    patches = (median[(('patches', 'mmcv'), True)], median[(('patches', 'mmcv'), False)])
    for key in table:
        if key in failures:
            print(f'{key[0]:<11} {key[1]:<9} cannot read: {failures[key]}')
            continue
        two, load = median[(key, True)], median[(key, False)]
        versus = ['-'] * 2
        if key[1] == 'rasterio':
            versus = [('{:.2f} [{:.2f}, {:.2f}]'.format(*r) if r else '-') for r in
                      (paired(runs, key[0], True), paired(runs, key[0], False))]
        print(f'{key[0]:<11} {key[1]:<9} {two:>10.1f} {load:>11.1f}   {versus[0]:<27}{versus[1]:<19} '
              f'{ratio(two, patches[0])}/{ratio(load, patches[1])}')
    tiled = [paired(runs, 'tiled', views) for views in (True, False)]
    print('rasterio / previous on tiled GeoTIFFs (256 px tiles, Deflate): two-view {:.2f} [{:.2f}, {:.2f}], '
          'load-only {:.2f} [{:.2f}, {:.2f}]'.format(*tiled[0], *tiled[1]) +
          f'; target >= 0.9 (medians): {"met" if min(t[0] for t in tiled) >= 0.9 else "NOT met"}')
    print('whole-image decode of a 512 px patch, ms (median): ' +
          ', '.join(f'{name} {value:.2f}' for name, value in decode.items()))


def main(argv=None) -> None:
    """Runs the benchmark and prints the tables.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tiles', type=int, default=4)
    parser.add_argument('--tile-size', type=int, default=4096)
    parser.add_argument('--window', type=int, default=512)
    parser.add_argument('--samples', type=int, default=50, help='samples per row and round')
    parser.add_argument('--rounds', type=int, default=4)
    parser.add_argument('--work-dir', help='where to write the layouts (default: a temporary folder)')
    args = parser.parse_args(argv)
    import grass_mm.pretrain.datasets  # noqa: F401  (registers RSIImageFolder, LoadRSIWindow)
    warnings.simplefilter('ignore', NotGeoreferencedWarning)
    warnings.filterwarnings('ignore', message="Only use 'alpha' for pillow backend")  # mmcv, every ColorJitter
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
        folders = make_layouts(Path(tmp), args.tiles, args.tile_size, args.window)
        identical = same_windows(folders['tiled'], args.window)
        table = rows(folders, args.window)
        runs, failures = measure(table, args.samples, args.rounds)
        decode = decode_times(folders['patches'], args.rounds)
    report(runs, failures, table, identical, decode, args)


if __name__ == '__main__':
    main()
