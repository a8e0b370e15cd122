"""Shared code of the ISPRS Potsdam and Vaihingen converters (official zips -> mmseg layout).

Label colours, RGB order, from the ISPRS 2D semantic labelling benchmark's legend; the raw label written
is the class's position + 1, with 0 = ignore (boundary black and colours outside the legend), which is
what mmseg's ``PotsdamDataset``/``ISPRSDataset`` read with ``reduce_zero_label=True``:

    1 impervious surfaces (255, 255, 255)   2 building (0, 0, 255)   3 low vegetation (0, 255, 255)
    4 tree (0, 255, 0)                      5 car (255, 255, 0)      6 clutter/background (255, 0, 0)

(mmseg's converters list the same colours in BGR order because ``mmcv.imread`` returns BGR; that is why
their table looks swapped against the dataset palette. Here tiles are read with rasterio, in RGB.)

Image patches are PNGs of the first three bands (what mmseg's converters write), or with ``all_bands``
GeoTIFFs of every band (e.g. R, G, B, IR of Potsdam's ``4_Ortho_RGBIR``), read by ``LoadRSIImage``.

Patch offsets honour the stride (mmseg's ``clip_big_image`` multiplies the grid by the clip size, so
its stride is ignored): along an axis of length L the starts are 0, s, 2s, ... while start + clip <= L,
plus a last start L - clip when the grid does not reach the edge. With stride == clip (the default)
the patches are the ones mmseg's converter actually writes.
"""
import argparse
import re
import warnings
import zipfile
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import cv2
import numpy as np
from mmengine.utils import ProgressBar
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.io import MemoryFile

from grass_mm.utils.atomic_write import atomic_write

ISPRS_COLOURS = ((255, 255, 255), (0, 0, 255), (0, 255, 255), (0, 255, 0), (255, 255, 0), (255, 0, 0))


def patch_starts(length: int, clip: int, stride: int) -> List[int]:
    """Returns the patch starts along one axis (a single start 0 when the axis is shorter than clip)."""
    if length <= clip:
        return [0]
    starts = list(range(0, length - clip + 1, stride))
    if starts[-1] + clip < length:
        starts.append(length - clip)
    return starts


def colours_to_labels(rgb: np.ndarray, source: str) -> np.ndarray:
    """Maps an ISPRS colour label image (h, w, 3; RGB) to raw labels 0..6, warning about unknown colours."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f'{source}: expected an 8-bit RGB colour label image, got {rgb.shape} {rgb.dtype}')
    code = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
    labels = np.zeros(code.shape, np.uint8)
    known = np.zeros(code.shape, bool)
    for index, (r, g, b) in enumerate(ISPRS_COLOURS, start=1):
        hit = code == (r << 16 | g << 8 | b)
        labels[hit] = index
        known |= hit
    unknown = ~known & (code != 0)
    if unknown.any():
        colours, counts = np.unique(code[unknown], return_counts=True)
        top = [f'{((c >> 16) & 255, (c >> 8) & 255, c & 255)} x{n}'
               for c, n in sorted(zip(colours, counts), key=lambda t: -t[1])[:3]]
        print(f'\nwarning: {source}: {int(unknown.sum())} pixels have colours outside the ISPRS legend '
              f'({", ".join(top)}); they are written as 0 (ignored)')
    return labels


def index_zip(zip_path: Path, pattern: str) -> Dict[str, str]:
    """Maps the tile key (group 1 of ``pattern``, searched in each full member name) to the member."""
    if not zip_path.is_file():
        raise FileNotFoundError(f'archive {zip_path} does not exist')
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    return {m.group(1): name for name in names if (m := re.search(pattern, name))}


def check_members(zip_path: Path, found: Dict[str, str], keys: Sequence[str],
                  expected_name: Callable[[str], str]) -> List[str]:
    """Returns one message per tile key whose member is missing from ``zip_path``."""
    return [f'{zip_path} has no member {expected_name(key)}' for key in keys if key not in found]


def plan_jobs(dataset: str, splits: Dict[str, List[str]], image_zip: Path, image_pattern: str,
              image_name: Callable[[str], str], label_zip: Path, label_pattern: str,
              label_name: Callable[[str], str]) -> List[dict]:
    """Indexes both archives, names every missing member, and returns one conversion job per tile.

    Args:
        dataset (str): Name used in the error message, e.g. 'Potsdam'.
        splits (dict): Split name -> tile keys.
        image_zip (Path): Archive of the images.
        image_pattern (str): Regex whose group 1 is the tile key, searched in the image members.
        image_name (Callable[[str], str]): Expected image member name of a key (for the error message).
        label_zip (Path): Archive of the colour labels.
        label_pattern (str): Regex whose group 1 is the tile key, searched in the label members.
        label_name (Callable[[str], str]): Expected label member name of a key.

    Returns:
        list[dict]: Jobs for :func:`convert_tiles`; training tiles also become pretraining tiles.
    """
    images, labels = index_zip(image_zip, image_pattern), index_zip(label_zip, label_pattern)
    keys = [key for split_keys in splits.values() for key in split_keys]
    missing = check_members(image_zip, images, keys, image_name) + check_members(label_zip, labels, keys, label_name)
    if missing:
        raise SystemExit(f'the {dataset} archives are incomplete:\n  ' + '\n  '.join(missing))
    return [dict(key=key, split=split, image_zip=image_zip, image_member=images[key], label_zip=label_zip,
                 label_member=labels[key], pretrain=split == 'train')
            for split, split_keys in splits.items() for key in split_keys]


def read_tif(archive: zipfile.ZipFile, member: str) -> np.ndarray:
    """Reads a TIFF member of an open zip with rasterio; returns ``(height, width, bands)``, stored order."""
    try:
        with warnings.catch_warnings(), MemoryFile(archive.read(member)) as memory, memory.open() as dataset:
            warnings.simplefilter('ignore', NotGeoreferencedWarning)
            return np.moveaxis(dataset.read(), 0, 2)
    except RasterioError as error:
        raise ValueError(f'{archive.filename}:{member}: cannot read the TIFF ({error})') from error


def write_geotiff(path: Path, image: np.ndarray, **options) -> None:
    """Writes ``(height, width, bands)`` as a Deflate GeoTIFF, atomically; bands beyond three stay data.

    Args:
        path (Path): the output file.
        image (np.ndarray): the pixels.
        **options: more creation options (e.g. ``tiled=True, blockxsize=256, blockysize=256``).
    """
    profile = dict(driver='GTiff', height=image.shape[0], width=image.shape[1], count=image.shape[2],
                   dtype=image.dtype.name, compress='deflate', interleave='pixel',
                   # 4 bands of 8 bits would default to RGBA: the IR band of RGBIR would become alpha
                   photometric='RGB' if image.shape[2] == 3 else 'MINISBLACK', **options)
    with warnings.catch_warnings(), MemoryFile() as memory:
        warnings.simplefilter('ignore', NotGeoreferencedWarning)
        with memory.open(**profile) as dataset:
            dataset.write(np.moveaxis(image, 2, 0))
        with atomic_write(path) as file:
            file.write(memory.read())


def write_tile(out_dir: Path, split: str, key: str, image: np.ndarray, labels: np.ndarray, clip: int,
               stride: int, pretrain_tile: bool, all_bands: bool = False) -> int:
    """Writes the patches of one tile (and optionally the whole tile as a tiled GeoTIFF); returns a count.

    Image patches are PNGs of the first three bands, or GeoTIFFs of all bands with ``all_bands``.
    """
    img_dir, ann_dir = out_dir / 'img_dir' / split, out_dir / 'ann_dir' / split
    height, width = labels.shape
    bgr = np.ascontiguousarray(image[..., 2::-1])  # the first three bands, for OpenCV
    count = 0
    for y0 in patch_starts(height, clip, stride):
        for x0 in patch_starts(width, clip, stride):
            y1, x1 = min(y0 + clip, height), min(x0 + clip, width)
            name = f'{key}_{x0}_{y0}_{x1}_{y1}'
            if all_bands:
                write_geotiff(img_dir / f'{name}.tif', np.ascontiguousarray(image[y0:y1, x0:x1]))
            else:
                cv2.imwrite(str(img_dir / f'{name}.png'), bgr[y0:y1, x0:x1])
            cv2.imwrite(str(ann_dir / f'{name}.png'), labels[y0:y1, x0:x1])
            count += 1
    if pretrain_tile:
        tile_dir = out_dir / 'tiles' / split
        tile_dir.mkdir(parents=True, exist_ok=True)
        write_geotiff(tile_dir / f'{key}.tif', image, tiled=True, blockxsize=256, blockysize=256)
    return count


def convert_tiles(out_dir: Path, jobs: List[dict], clip: int, stride: int, pretrain_tiles: bool,
                  all_bands: bool = False) -> None:
    """Converts tiles, skipping those already finished (a marker in ``out_dir/.done`` per tile).

    Args:
        out_dir (Path): output root.
        jobs (list[dict]): per tile: key, split, image_zip, image_member, label_zip, label_member and
            pretrain (whether the tile also goes to the pretraining tiles).
        clip (int): patch size.
        stride (int): patch stride.
        pretrain_tiles (bool): write ``tiles/<split>/<key>.tif`` of the jobs marked ``pretrain``.
        all_bands (bool): image patches as GeoTIFFs of all bands instead of PNGs of three. Defaults to False.
    """
    done_dir = out_dir / '.done'
    for sub in ('img_dir/train', 'img_dir/val', 'ann_dir/train', 'ann_dir/val', '.done'):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    todo = [job for job in jobs if not (done_dir / job['key']).is_file()]
    print(f'{len(jobs) - len(todo)} of {len(jobs)} tiles already converted (skipped); converting '
          f'{len(todo)} into {out_dir}')
    progress = ProgressBar(len(todo)) if todo else None
    for job in todo:
        with zipfile.ZipFile(job['image_zip']) as images, zipfile.ZipFile(job['label_zip']) as labels:
            image = read_tif(images, job['image_member'])
            label_source = f"{job['label_zip']}:{job['label_member']}"
            label = colours_to_labels(read_tif(labels, job['label_member']), label_source)
        if image.ndim != 3 or image.shape[2] < 3:
            raise ValueError(f"{job['image_zip']}:{job['image_member']}: expected >= 3 bands, got "
                             f'{image.shape}')
        if image.shape[:2] != label.shape:
            raise ValueError(f"{job['image_zip']}:{job['image_member']} is {image.shape[:2]} but its label "
                             f'{label_source} is {label.shape}')
        count = write_tile(out_dir, job['split'], job['key'], image, label, clip, stride,
                           pretrain_tiles and job['pretrain'], all_bands)
        (done_dir / job['key']).write_text(f'{count} patches\n')
        progress.update()
    print(f'\ndone: {out_dir}')


if __name__ == '__main__':
    # a library module: its --help points at the converters that use it
    argparse.ArgumentParser(
        prog='python -m tools.dataset_converters.isprs_tiles',
        description='Shared code of the ISPRS converters; nothing to run here. Convert with '
        'python -m tools.dataset_converters.potsdam ZIP_DIR or python -m tools.dataset_converters.vaihingen '
        'ZIP_DIR (see their --help).').parse_args()
    raise SystemExit('isprs_tiles is shared code of the ISPRS converters: run python -m '
                     'tools.dataset_converters.potsdam or tools.dataset_converters.vaihingen')
