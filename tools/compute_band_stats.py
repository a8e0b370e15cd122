"""Per-band statistics of a folder of rasters: the data preprocessor's mean/std and a value range for the rule.

Usage:
    python tools/compute_band_stats.py FOLDER [--config CONFIG] [--bands 0 1 2 3] [--value-range LOW HIGH]
        [--percentiles P_LOW P_HIGH] [--nodata V] [--range-percentiles 0.5 99.5] [--window 1024]
        [--max-files N] [--out stats.json]

Reads every image under FOLDER (the listing of ``RSIImageFolder``) window by window through the raster rule
(``grass_mm.rsi.raster_rule.RasterRule``): the rule of ``--config`` (its top-level ``raster``) with the
flags given on the command line replacing its keys. Only valid pixels count (the files' nodata, masks and
alpha, and the rule's ``nodata``). Prints, per band in the order of ``bands``:

- the raw values: min, max and the ``--range-percentiles`` (exact for 8- and 16-bit integers, from a
  sample of pixels otherwise);
- ``band_mean`` / ``band_std`` of the 0-255 values the loaders give, ready for the config's data
  preprocessor. For data that is not 8-bit and a rule without ``value_range`` or ``percentiles``, the tool
  suggests ``value_range`` = (lowest low percentile, highest high percentile) over the bands (one range
  keeps the ratios between bands), reads the folder a second time with it and says so.

Unreadable images are skipped and counted (the corrupt-file policy); configuration errors (a band the files
do not have) stop the tool. ``--out`` writes the numbers as JSON.
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import numpy as np
from mmengine.config import Config
from mmengine.utils import ProgressBar

from grass_mm.rsi import CorruptFilePolicy, RasterFile, RasterRule, UnreadableRasterError, list_images
from grass_mm.utils.atomic_write import write_text_atomically

HIST_OFFSET, HIST_BINS = 32768, 32768 + 65536  # int16 .. uint16 values, exact histograms
SAMPLE_PER_WINDOW = 20000  # pixels kept per window for the percentiles of other dtypes


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder', help='folder of rasters (searched recursively)')
    parser.add_argument('--config', help="take the raster rule from this config's top-level `raster`")
    parser.add_argument('--bands', type=int, nargs='+', help='stored-band indices (0-based)')
    parser.add_argument('--value-range', type=float, nargs=2, metavar=('LOW', 'HIGH'))
    parser.add_argument('--percentiles', type=float, nargs=2, metavar=('P_LOW', 'P_HIGH'))
    parser.add_argument('--nodata', type=float, help='an extra no-data value')
    parser.add_argument('--range-percentiles', type=float, nargs=2, default=(0.5, 99.5),
                        help='raw percentiles reported and used for a suggested value_range (default 0.5 99.5)')
    parser.add_argument('--window', type=int, default=1024, help='read windows of this size (default 1024)')
    parser.add_argument('--max-files', type=int, help='use this many files, evenly spread over the listing')
    parser.add_argument('--out', help='write the statistics to this JSON file')
    return parser.parse_args(argv)


def rule_arguments(args: argparse.Namespace) -> dict:
    """The raster rule: the config's ``raster`` with the command-line flags replacing its keys."""
    rule = {}
    if args.config:
        cfg = Config.fromfile(args.config)
        if 'raster' not in cfg:
            raise SystemExit(f'{args.config} has no top-level `raster` (the raster rule of its loader entries)')
        rule = dict(cfg.raster)
    flags = dict(bands=args.bands, value_range=args.value_range, percentiles=args.percentiles, nodata=args.nodata)
    rule.update({key: (tuple(value) if isinstance(value, list) else value)
                 for key, value in flags.items() if value is not None})
    return rule


def windows(shape, size: int) -> Iterator[tuple]:
    """Tiles an image of ``shape`` (height, width) with windows of at most ``size`` x ``size``."""
    for top in range(0, shape[0], size):
        for left in range(0, shape[1], size):
            yield top, left, min(size, shape[0] - top), min(size, shape[1] - left)


def listed_order(array: np.ndarray) -> np.ndarray:
    """The loaders give three bands in BGR order: back to the order of ``bands``, as the preprocessor's mean."""
    return array[..., ::-1] if array.shape[-1] == 3 else array


def scan(files: List[Path], rule: RasterRule, window: int, raw: bool, policy: CorruptFilePolicy) -> Dict:
    """Reads every window of every file once: raw histograms/samples (with ``raw``) and the 0-255 moments
    of the files whose dtype the rule covers (uint8, or any with a value rule)."""
    stats: Dict = dict(hist=None, samples=[], dtypes=set(), sum=None, sumsq=None, count=0)
    rng = np.random.default_rng(0)
    progress = ProgressBar(len(files))
    for path in files:
        try:
            with RasterFile(path) as raster:
                bands = rule.band_indices(raster)
                stats['dtypes'].add(raster.dtype.name)
                covered = raster.dtype == np.uint8 or rule.value_range is not None or rule.percentiles is not None
                for box in windows(raster.shape, window):
                    data = raster.read(bands, box)
                    valid = rule.validity(raster, bands, box, data)
                    if raw:
                        accumulate_raw(stats, listed_order(data), valid, rng)
                    if covered:
                        accumulate_moments(stats, listed_order(rule.to_uint8(data, valid, path)), valid)
        except UnreadableRasterError as exc:
            policy(path, str(exc))
        progress.update()
    sys.stdout.write('\n')
    return stats


def accumulate_raw(stats: Dict, data: np.ndarray, valid: Optional[np.ndarray], rng) -> None:
    """Adds the valid raw values of a window to exact histograms (integers up to 16 bits) or a sample."""
    values = data.reshape(-1, data.shape[2]) if valid is None else data[valid]
    if data.dtype.kind in 'ui' and data.dtype.itemsize <= 2:
        hist = np.stack([np.bincount(values[:, b].astype(np.int64) + HIST_OFFSET, minlength=HIST_BINS)
                         for b in range(values.shape[1])])
        stats['hist'] = hist if stats['hist'] is None else stats['hist'] + hist
    elif len(values):
        stats['samples'].append(values[rng.choice(len(values), min(len(values), SAMPLE_PER_WINDOW), replace=False)])


def accumulate_moments(stats: Dict, img: np.ndarray, valid: Optional[np.ndarray]) -> None:
    """Adds the valid 0-255 values of a window to per-band sums."""
    values = (img.reshape(-1, img.shape[2]) if valid is None else img[valid]).astype(np.float64)
    stats['sum'] = values.sum(0) + (0 if stats['sum'] is None else stats['sum'])
    stats['sumsq'] = (values ** 2).sum(0) + (0 if stats['sumsq'] is None else stats['sumsq'])
    stats['count'] += len(values)


def raw_summary(stats: Dict, percentiles) -> Dict:
    """Per-band min, max and percentiles of the raw values (exact from histograms, else from samples)."""
    hist, samples = stats['hist'], stats['samples']
    if hist is not None and samples:  # integer and float files in one folder: the histograms join the sample
        rng = np.random.default_rng(0)
        samples = samples + [np.stack([rng.choice(HIST_BINS, SAMPLE_PER_WINDOW, p=h / h.sum()) for h in hist], 1)
                             - HIST_OFFSET]
    if samples:
        sample = np.concatenate(samples).astype(np.float64)
        columns = np.vstack([np.nanmin(sample, 0), np.nanmax(sample, 0), *np.nanpercentile(sample, percentiles, 0)])
    else:
        columns = []
        for band in hist:
            cumulative, nonzero = np.cumsum(band) / band.sum(), np.flatnonzero(band)
            points = [int(np.searchsorted(cumulative, p / 100)) for p in percentiles]
            columns.append([nonzero[0], nonzero[-1], *points])
        columns = (np.array(columns, np.float64) - HIST_OFFSET).T
    names = ['min', 'max', f'p{percentiles[0]:g}', f'p{percentiles[1]:g}']
    return dict({name: [float(v) for v in row] for name, row in zip(names, columns)},
                approximate=bool(stats['samples']))


def compute(folder: Path, rule_args: dict, range_percentiles=(0.5, 99.5), window: int = 1024,
            max_files: Optional[int] = None) -> Dict:
    """Computes the statistics (see the module doc).

    Args:
        folder (Path): the images.
        rule_args (dict): arguments of the raster rule.
        range_percentiles (tuple[float, float]): raw percentiles to report and to suggest a range from.
        window (int): read window size.
        max_files (int, optional): use at most this many files, evenly spread. Defaults to None (all).

    Returns:
        dict: ``files``, ``skipped``, ``rule`` (the one used for mean/std), ``suggested_value_range``
        (or None), ``raw`` (per-band min, max, percentiles), ``valid_pixels``, ``band_mean``, ``band_std``.
    """
    images, _ = list_images(folder)
    if not images:
        raise SystemExit(f'no images under {folder} (expected files with a raster extension)')
    if max_files and max_files < len(images):
        images = [images[i] for i in np.linspace(0, len(images) - 1, max_files).round().astype(int)]
    files = [Path(folder) / name for name in images]
    rule = RasterRule(**rule_args)
    policy = CorruptFilePolicy('skip', 'compute_band_stats')
    print(f'{len(files)} images, raster rule {rule.to_dict()}')
    moments = scan(files, rule, window, raw=True, policy=policy)
    raw = raw_summary(moments, range_percentiles)
    suggested = None
    if moments['dtypes'] - {'uint8'} and rule.value_range is None and rule.percentiles is None:
        suggested = (min(raw[f'p{range_percentiles[0]:g}']), max(raw[f'p{range_percentiles[1]:g}']))
        rule = RasterRule(**dict(rule_args, value_range=suggested))
        print(f'not 8-bit ({", ".join(sorted(moments["dtypes"]))}) and no value rule: reading again with the '
              f'suggested value_range={suggested}')
        moments = scan(files, rule, window, raw=False, policy=CorruptFilePolicy('skip', 'compute_band_stats'))
    if not moments['count']:
        raise SystemExit(f'no valid pixel in the {len(files)} images under {folder}')
    mean = moments['sum'] / moments['count']
    std = np.sqrt(np.maximum(moments['sumsq'] / moments['count'] - mean ** 2, 0))
    return dict(folder=str(folder), files=len(files), skipped=policy.num_skipped,
                rule=rule.to_dict(), suggested_value_range=suggested, raw=raw,
                valid_pixels=int(moments['count']), band_mean=[round(float(v), 3) for v in mean],
                band_std=[round(float(v), 3) for v in std])


def main(argv=None) -> int:
    """Prints the statistics (and writes them with ``--out``).

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).

    Returns:
        int: 0.
    """
    args = parse_args(argv)
    if not Path(args.folder).is_dir():
        raise SystemExit(f'folder not found: {args.folder}')
    stats = compute(Path(args.folder), rule_arguments(args), tuple(args.range_percentiles), args.window,
                    args.max_files)
    print(f"{stats['files']} images ({stats['skipped']} unreadable, skipped), {stats['valid_pixels']} valid "
          f"pixels; bands in the order of the rule's `bands`")
    for name, values in stats['raw'].items():
        if name != 'approximate':
            print(f'raw {name:>6}: {values}')
    if stats['raw']['approximate']:
        print('(raw percentiles from a sample of pixels)')
    if stats['suggested_value_range'] is not None:
        print(f"suggested: raster = dict(..., value_range={stats['suggested_value_range']})")
    print(f"band_mean = {stats['band_mean']}\nband_std = {stats['band_std']}")
    if args.out:
        write_text_atomically(args.out, json.dumps(stats, indent=2) + '\n')
        print(f'written: {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
