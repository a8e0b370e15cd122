"""LoveDA: official Train.zip / Val.zip (/ Test.zip) -> Urban and Rural kept apart, mmseg file format.

Usage:
    python -m tools.dataset_converters.loveda ZIP_DIR [-o data/loveda]

Reads ``ZIP_DIR/Train.zip`` and ``ZIP_DIR/Val.zip`` (members ``<Split>/<Urban|Rural>/images_png/<n>.png``
and ``.../masks_png/<n>.png``) and, when present, ``Test.zip`` (images only). Writes::

    OUT/img_dir/{train,val,test}/{urban,rural}/<n>.png   images, bytes unchanged
    OUT/ann_dir/{train,val}/{urban,rural}/<n>.png        masks, bytes unchanged (0 no-data, 1..7 classes)

``LoveDADomainDataset(domain='urban'|'rural', split=...)`` reads one domain; mmseg's ``LoveDADataset`` on
``img_dir/train`` reads both. The unlabeled pretraining folder of a domain is ``img_dir/train/<domain>``
(``RSIImageFolder`` lists only the images). Every mask is checked while copying: it must exist for its
image, be single-channel, have the image's size and hold values 0..7. A rerun skips files already copied
(same size); nothing in ZIP_DIR is modified.
"""
import argparse
import re
import struct
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np
from mmengine.utils import ProgressBar

from grass_mm.utils.atomic_write import atomic_write

OFFICIAL_COUNTS = {('Train', 'Urban'): 1156, ('Train', 'Rural'): 1366, ('Val', 'Urban'): 677,
                   ('Val', 'Rural'): 992}
MEMBER = re.compile(r'^(?:.*/)?(Train|Val|Test)/(Urban|Rural)/(images_png|masks_png)/([^/]+\.png)$')


def png_size(data: bytes, source: str) -> tuple:
    """Returns (height, width) from a PNG header."""
    if data[:8] != b'\x89PNG\r\n\x1a\n' or len(data) < 24:
        raise ValueError(f'{source} is not a PNG file')
    width, height = struct.unpack('>II', data[16:24])
    return height, width


def check_mask(image_size: tuple, mask: bytes, source: str) -> None:
    """Checks that a LoveDA mask is single-channel, of its image's (height, width) and within 0..7."""
    labels = cv2.imdecode(np.frombuffer(mask, np.uint8), cv2.IMREAD_UNCHANGED)
    if labels is None or labels.ndim != 2:
        raise ValueError(f'{source}: expected a single-channel PNG mask, got '
                         f'{None if labels is None else labels.shape}')
    if labels.shape != image_size:
        raise ValueError(f'{source} is {labels.shape} (h, w) but its image is {image_size}')
    if labels.max() > 7:
        raise ValueError(f'{source} has label values {sorted(set(np.unique(labels)) - set(range(8)))}; '
                         'expected 0 (no-data) .. 7')


def convert_zip(zip_path: Path, out_dir: Path) -> None:
    """Checks one LoveDA zip and copies its images and masks, skipping files already there."""
    split = zip_path.stem  # Train, Val or Test
    with zipfile.ZipFile(zip_path) as archive:
        members = {}
        for info in archive.infolist():
            if (m := MEMBER.match(info.filename)) and m.group(1) == split:
                members[(m.group(2), m.group(3), m.group(4))] = info
        problems = []
        for domain in ('Urban', 'Rural'):
            images = {k[2] for k in members if k[:2] == (domain, 'images_png')}
            masks = {k[2] for k in members if k[:2] == (domain, 'masks_png')}
            if not images:
                problems.append(f'{zip_path} has no {split}/{domain}/images_png/*.png')
            if split != 'Test':
                problems += [f'{zip_path} has no mask {split}/{domain}/masks_png/{n}'
                             for n in sorted(images - masks)]
                problems += [f'{zip_path} has a mask without image: {split}/{domain}/masks_png/{n}'
                             for n in sorted(masks - images)]
            official = OFFICIAL_COUNTS.get((split, domain))
            if official and images and len(images) != official:
                print(f'note: {zip_path}: {split}/{domain} has {len(images)} images (official: {official})')
        if problems:
            raise SystemExit('the LoveDA archive is incomplete:\n  ' + '\n  '.join(problems[:20]))
        print(f'{zip_path}: {len(members)} files')
        progress = ProgressBar(len(members))
        for (domain, kind, name), info in sorted(members.items()):
            folder = 'img_dir' if kind == 'images_png' else 'ann_dir'
            target = out_dir / folder / split.lower() / domain.lower() / name
            if not (target.is_file() and target.stat().st_size == info.file_size):
                data = archive.read(info)
                if kind == 'masks_png':
                    image = members[(domain, 'images_png', name)]
                    with archive.open(image) as stream:
                        size = png_size(stream.read(24), f'{zip_path}:{image.filename}')
                    check_mask(size, data, f'{zip_path}:{info.filename}')
                target.parent.mkdir(parents=True, exist_ok=True)
                with atomic_write(target) as file:
                    file.write(data)
            progress.update()
        print()


def main(argv=None) -> None:
    """Converts Train.zip, Val.zip and (when present) Test.zip.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).
    """
    parser = argparse.ArgumentParser(description='Convert LoveDA zips, Urban and Rural kept apart')
    parser.add_argument('zip_dir', help='folder holding Train.zip, Val.zip (and optionally Test.zip)')
    parser.add_argument('-o', '--out-dir', default='data/loveda', help='output folder')
    args = parser.parse_args(argv)
    zip_dir = Path(args.zip_dir)
    missing = [name for name in ('Train.zip', 'Val.zip') if not (zip_dir / name).is_file()]
    if missing:
        raise SystemExit(f'{zip_dir} lacks {", ".join(missing)} (the official LoveDA archives)')
    for name in ('Train.zip', 'Val.zip', 'Test.zip'):
        if (zip_dir / name).is_file():
            convert_zip(zip_dir / name, Path(args.out_dir))
    print(f'done: {args.out_dir}')


if __name__ == '__main__':
    sys.exit(main())
