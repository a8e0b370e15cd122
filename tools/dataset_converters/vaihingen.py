"""ISPRS Vaihingen: official zips -> mmseg's layout (for ISPRSDataset) plus tiles for pretraining.

Usage:
    python -m tools.dataset_converters.vaihingen ZIP_DIR [-o data/vaihingen] [--clip-size 512]
        [--stride 512] [--label-zip ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip]
        [--no-pretrain-tiles]

Reads ``ZIP_DIR/ISPRS_semantic_labeling_Vaihingen.zip`` (members ``top/top_mosaic_09cm_area<N>.tif``,
IRRG orthophotos; the other folders of that zip are not used) and the eroded ground truth
``ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip`` (``top_mosaic_09cm_area<N>
_noBoundary.tif``; the full ground truth ``..._ground_truth_COMPLETE.zip`` with ``top_mosaic_09cm_area<N>
.tif`` works too). Writes::

    OUT/img_dir/{train,val}/area<N>_<x0>_<y0>_<x1>_<y1>.png   IRRG patches
    OUT/ann_dir/{train,val}/<same name>.png                   raw labels 0..6 (0 = ignore)
    OUT/tiles/train/area<N>.tif                               whole training tiles (tiled + Deflate)

The split is mmseg's (16 training areas, 17 validation areas); tiles of other areas are not used.
Colours and patch offsets: see ``isprs_tiles.py``. Nothing in ZIP_DIR is modified; a rerun skips tiles
already finished.
"""
import argparse
from pathlib import Path

from tools.dataset_converters.isprs_tiles import convert_tiles, plan_jobs

SPLITS = {
    'train': ['area1', 'area11', 'area13', 'area15', 'area17', 'area21', 'area23', 'area26', 'area28',
              'area3', 'area30', 'area32', 'area34', 'area37', 'area5', 'area7'],
    'val': ['area6', 'area24', 'area35', 'area16', 'area14', 'area22', 'area10', 'area4', 'area2',
            'area20', 'area8', 'area31', 'area33', 'area27', 'area38', 'area12', 'area29'],
}
IMAGE_ZIP = 'ISPRS_semantic_labeling_Vaihingen.zip'
LABEL_ZIPS = {
    'ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip': '_noBoundary',
    'ISPRS_semantic_labeling_Vaihingen_ground_truth_COMPLETE.zip': '',
}


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).

    Returns:
        argparse.Namespace: the options.
    """
    parser = argparse.ArgumentParser(description='Convert ISPRS Vaihingen zips to the mmseg layout')
    parser.add_argument('zip_dir', help='folder holding the official zips')
    parser.add_argument('-o', '--out-dir', default='data/vaihingen', help='output folder')
    parser.add_argument('--clip-size', type=int, default=512, help='patch size (default 512)')
    parser.add_argument('--stride', type=int, default=512, help='patch stride (default 512)')
    parser.add_argument('--label-zip', default=next(iter(LABEL_ZIPS)), choices=list(LABEL_ZIPS))
    parser.add_argument('--no-pretrain-tiles', action='store_true', help='do not write tiles/train')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Checks the archives, then converts every tile not converted yet.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).
    """
    args = parse_args(argv)
    if not 0 < args.stride <= args.clip_size:
        raise SystemExit(f'--stride must be in 1..--clip-size, got {args.stride}')
    zip_dir = Path(args.zip_dir)
    image_zip, label_zip = zip_dir / IMAGE_ZIP, zip_dir / args.label_zip
    tail = LABEL_ZIPS[args.label_zip]
    jobs = plan_jobs('Vaihingen', SPLITS, image_zip, r'(?:^|/)top/top_mosaic_09cm_(area\d+)\.tif$',
                     lambda k: f'top/top_mosaic_09cm_{k}.tif', label_zip,
                     rf'(?:^|/)top_mosaic_09cm_(area\d+){tail}\.tif$', lambda k: f'top_mosaic_09cm_{k}{tail}.tif')
    convert_tiles(Path(args.out_dir), jobs, args.clip_size, args.stride, not args.no_pretrain_tiles)


if __name__ == '__main__':
    main()
