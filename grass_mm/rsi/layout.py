"""The folder layout of a labelled RSI dataset, and the image extensions grass_mm reads.

One home for this knowledge: the datasets (pretraining and segmentation), the study tools and the demo
data all use it::

    data_root/
      images/<stem><ext>        image, ext one of IMAGE_EXTENSIONS (tried in that order for a stem)
      masks/<stem>.png          uint8 class index per pixel (ignore_index for no-data)
      splits/<split>.txt        one stem per line
      meta.json                 {"classes": [...], "palette": [[r, g, b], ...], "ignore_index": 255}
                                (palette optional; ignore_index defaults to 255)
"""
import json
import os
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

PathLike = Union[str, Path]

# Rasters grass_mm reads (grass_mm.rsi.reader): PNG, JPEG, GeoTIFF (COG, BigTIFF), JPEG2000, GDAL VRT.
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.tif', '.tiff', '.jp2', '.vrt')
IMAGE_DIR, MASK_DIR, SPLIT_DIR, META_FILE = 'images', 'masks', 'splits', 'meta.json'
MASK_SUFFIX = '.png'
DEFAULT_IGNORE_INDEX = 255
LAYOUT_HINT = 'the RSI layout: images/, masks/, splits/<split>.txt, meta.json'


def is_image_file(path: PathLike) -> bool:
    """Returns whether ``path`` has one of :data:`IMAGE_EXTENSIONS` (case-insensitive).

    Args:
        path (str | Path): A file name or path.

    Returns:
        bool: Whether it names an image grass_mm reads.
    """
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def list_images(root: PathLike) -> Tuple[List[str], List[str]]:
    """Walks a folder tree (following symlinks) for images, skipping hidden files and folders.

    Args:
        root (str | Path): The folder.

    Returns:
        tuple[list[str], list[str]]: The image paths and the other files' paths, relative to ``root`` with
        '/' separators, each sorted (the same list on every machine).
    """
    images, others = [], []
    for folder, subfolders, files in os.walk(root, followlinks=True):
        subfolders[:] = [name for name in subfolders if not name.startswith('.')]
        for name in files:
            if not name.startswith('.'):
                rel = (Path(folder) / name).relative_to(root).as_posix()
                (images if is_image_file(name) else others).append(rel)
    return sorted(images), sorted(others)


def image_candidates(folder: PathLike, stem: str, extensions: Sequence[str] = IMAGE_EXTENSIONS) -> List[Path]:
    """Returns the paths a stem may have in ``folder``, in the order they are tried.

    Args:
        folder (str | Path): The image folder.
        stem (str): File name without extension (may contain sub-folders).
        extensions (Sequence[str]): Extensions to try. Defaults to :data:`IMAGE_EXTENSIONS`.

    Returns:
        list[Path]: ``folder/<stem><ext>`` per extension.
    """
    return [Path(folder) / f'{stem}{ext}' for ext in extensions]


def find_image(folder: PathLike, stem: str, extensions: Sequence[str] = IMAGE_EXTENSIONS) -> Optional[Path]:
    """Returns the first existing :func:`image_candidates` path of a stem, or None.

    Args:
        folder (str | Path): The image folder.
        stem (str): File name without extension.
        extensions (Sequence[str]): Extensions to try. Defaults to :data:`IMAGE_EXTENSIONS`.

    Returns:
        Path | None: The image, or None when no candidate exists.
    """
    return next((path for path in image_candidates(folder, stem, extensions) if path.is_file()), None)


def read_split(split_file: PathLike) -> List[str]:
    """Returns the stems a split file lists (one per non-empty line).

    Args:
        split_file (str | Path): E.g. ``data_root/splits/train.txt``.

    Returns:
        list[str]: The stems, in file order.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it lists no stem.
    """
    split_file = Path(split_file)
    if not split_file.is_file():
        raise FileNotFoundError(f'split file {split_file} does not exist; expected one image stem per line '
                                f'({LAYOUT_HINT})')
    stems = [line.strip() for line in split_file.read_text().splitlines() if line.strip()]
    if not stems:
        raise ValueError(f'split file {split_file} is empty; expected one image stem per line')
    return stems


def read_meta(meta_file: PathLike) -> dict:
    """Reads and checks a dataset's ``meta.json``.

    Args:
        meta_file (str | Path): The metadata file.

    Returns:
        dict: The metadata; ``ignore_index`` defaults to 255, ``palette`` is optional.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it has no ``classes``, or a ``palette`` whose length is not the number of classes.
    """
    meta_file = Path(meta_file)
    if not meta_file.is_file():
        raise FileNotFoundError(f'metadata file {meta_file} does not exist; expected JSON with "classes", '
                                f'"palette" and optionally "ignore_index" ({LAYOUT_HINT})')
    meta = json.loads(meta_file.read_text())
    if not meta.get('classes'):
        raise ValueError(f'{meta_file} has no "classes" list')
    if 'palette' in meta and len(meta['palette']) != len(meta['classes']):
        raise ValueError(f'{meta_file} has {len(meta["palette"])} palette colours for '
                         f'{len(meta["classes"])} classes; expected one [r, g, b] per class')
    meta.setdefault('ignore_index', DEFAULT_IGNORE_INDEX)
    return meta
