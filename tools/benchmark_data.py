"""Pretraining input rate: random windows of large TIFF tiles vs pre-sliced patch files, in one run.

Usage: python -m tools.benchmark_data [--tiles 4] [--tile-size 4096] [--window 512] [--samples 150]
           [--rounds 3] [--work-dir DIR]

Builds RSI-like tiles from the demo renderer's scenes (a mosaic, so the content compresses like imagery,
not like noise), writes each layout the converters and users produce, and times the pretraining dataset
(``RSIImageFolder`` + the two-view SimCLR pipeline of ``configs/_base_/datasets/rsi_folder_pretrain.py``)
in one process, rounds alternating between layouts; it prints samples/s (median over rounds) per layout,
load-only rates (the read step alone) and the ratio windows / patches:

- ``tiled``: tiled GeoTIFF, 256 x 256 tiles, Deflate (what the converters write), ``LoadRSIWindow``;
- ``aligned``: the same files, ``LoadRSIWindow(align_windows=True)`` (offsets on the tile grid);
- ``tiled512``: 512 x 512 tiles (the Cloud-Optimized GeoTIFF default), random offsets;
- ``patches``: pre-sliced 512 px PNG patches (mmseg's layout), mmcv's ``LoadImageFromFile``;
- ``strips``: the same tiles strip-organised (tifffile's default rows per strip, Deflate);
- ``one_strip``: a single strip per tile, the worst case (every window decodes the whole tile).
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import tifffile

from tools.harness.demo_data import render_demo_dataset

BASE = Path(__file__).resolve().parents[1] / 'configs' / '_base_' / 'datasets' / 'rsi_folder_pretrain.py'


def make_layouts(work: Path, tiles: int, size: int, window: int) -> dict:
    """Writes the layouts; returns {name: (folder, loader transform config)}."""
    scenes = render_demo_dataset(work / 'scenes', num_train=36, num_val=12, size=256)
    images = [cv2.imread(str(p))[..., ::-1] for p in sorted((scenes / 'images').glob('*.png'))]
    rng = np.random.default_rng(0)
    cells = size // 256
    for layout in ('tiled', 'tiled512', 'strips', 'one_strip', 'patches'):
        (work / layout).mkdir(exist_ok=True)
    for t in range(tiles):
        picks = rng.integers(0, len(images), (cells, cells))
        mosaic = np.vstack([np.hstack([images[i] for i in row]) for row in picks])
        tifffile.imwrite(work / 'tiled' / f'{t}.tif', mosaic, tile=(256, 256), compression='zlib')
        tifffile.imwrite(work / 'tiled512' / f'{t}.tif', mosaic, tile=(512, 512), compression='zlib')
        tifffile.imwrite(work / 'strips' / f'{t}.tif', mosaic, compression='zlib')
        tifffile.imwrite(work / 'one_strip' / f'{t}.tif', mosaic, compression='zlib', rowsperstrip=size)
        for y in range(0, size - window + 1, window):
            for x in range(0, size - window + 1, window):
                patch = mosaic[y:y + window, x:x + window, ::-1]
                cv2.imwrite(str(work / 'patches' / f'{t}_{x}_{y}.png'), patch)
    window_loader = dict(type='LoadRSIWindow', window_size=window)
    return dict(patches=(work / 'patches', dict(type='LoadImageFromFile')),
                tiled=(work / 'tiled', window_loader),
                aligned=(work / 'tiled', dict(window_loader, align_windows=True)),
                tiled512=(work / 'tiled512', window_loader),
                strips=(work / 'strips', window_loader),
                one_strip=(work / 'one_strip', window_loader))


def rate(folder: Path, loader: dict, samples: int, two_views: bool) -> float:
    """Returns samples/s of the dataset on ``folder`` (random indices, one process)."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(BASE).train_dataloader.dataset.to_dict()
    pipeline = [loader] + (cfg['pipeline'][1:] if two_views else [])
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(dict(cfg, data_root=str(folder), pipeline=pipeline))
    indices = np.random.default_rng(1).integers(0, len(dataset), samples)
    for index in indices[:3]:  # warm-up: first decodes, page cache
        dataset[int(index)]
    start = time.perf_counter()
    for index in indices:
        dataset[int(index)]
    return samples / (time.perf_counter() - start)


def main(argv=None) -> None:
    """Runs the benchmark and prints the table.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tiles', type=int, default=4)
    parser.add_argument('--tile-size', type=int, default=4096)
    parser.add_argument('--window', type=int, default=512)
    parser.add_argument('--samples', type=int, default=150, help='samples per layout and round')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--work-dir', help='where to write the layouts (default: a temporary folder)')
    args = parser.parse_args(argv)
    import grass_mm.pretrain.datasets  # noqa: F401  (registers RSIImageFolder, LoadRSIWindow)
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
        layouts = make_layouts(Path(tmp), args.tiles, args.tile_size, args.window)
        results = {}
        for two_views in (True, False):
            runs = {name: [] for name in layouts}
            for _ in range(args.rounds):
                for name, (folder, loader) in layouts.items():
                    np.random.seed(0)
                    count = args.samples if name != 'one_strip' else max(args.samples // 10, 5)
                    runs[name].append(rate(folder, loader, count, two_views))
            results[two_views] = {name: statistics.median(r) for name, r in runs.items()}
    print(f'{args.tiles} tiles of {args.tile_size}^2 px, {args.window} px windows/patches, one process, '
          f'median of {args.rounds} alternating rounds')
    print(f'{"layout":<10} {"two-view samples/s":>19} {"load-only samples/s":>20}')
    for name in layouts:
        print(f'{name:<10} {results[True][name]:>19.1f} {results[False][name]:>20.1f}')
    for name in list(layouts)[1:]:
        print(f'ratio {name} / patches: two-view {results[True][name] / results[True]["patches"]:.2f}, '
              f'load-only {results[False][name] / results[False]["patches"]:.2f}')


if __name__ == '__main__':
    main()
