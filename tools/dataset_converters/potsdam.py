"""ISPRS Potsdam: official zips -> mmseg's layout (for PotsdamDataset) plus tiles for pretraining.

Usage:
    python -m tools.dataset_converters.potsdam ZIP_DIR [-o data/potsdam] [--clip-size 512] [--stride 512]
        [--image-zip 2_Ortho_RGB.zip] [--label-zip 5_Labels_all_noBoundary.zip] [--no-pretrain-tiles]
        [--all-bands]

Reads ``ZIP_DIR/2_Ortho_RGB.zip`` (members ``top_potsdam_<i>_<j>_RGB.tif``; ``3_Ortho_IRRG.zip`` and
``4_Ortho_RGBIR.zip`` work too) and ``ZIP_DIR/5_Labels_all_noBoundary.zip`` (``top_potsdam_<i>_<j>_label
_noBoundary.tif``; ``5_Labels_all.zip`` works too, its black boundary becomes 0 = ignored). Writes::

    OUT/img_dir/{train,val}/<i>_<j>_<x0>_<y0>_<x1>_<y1>.png   image patches (first three bands)
    OUT/ann_dir/{train,val}/<same name>.png                   raw labels 0..6 (0 = ignore)
    OUT/tiles/train/<i>_<j>.tif                               whole training tiles, tiled + Deflate,
                                                              all bands (unlabeled pretraining data)

With ``--all-bands`` the image patches are ``.tif`` GeoTIFFs of every band: 4-band R, G, B, IR patches from
``4_Ortho_RGBIR.zip`` for ``configs/_base_/datasets/potsdam_rgbir_seg.py`` (write them to their own folder,
e.g. ``-o data/potsdam_rgbir``). Tiles are read with rasterio.

The split is mmseg's (24 training tiles, 14 validation tiles). Nothing in ZIP_DIR is modified; a rerun
skips tiles already finished.
"""
import argparse
from pathlib import Path

from tools.dataset_converters.isprs_tiles import convert_tiles, plan_jobs

SPLITS = {
    'train': ['2_10', '2_11', '2_12', '3_10', '3_11', '3_12', '4_10', '4_11', '4_12', '5_10', '5_11',
              '5_12', '6_10', '6_11', '6_12', '6_7', '6_8', '6_9', '7_10', '7_11', '7_12', '7_7', '7_8',
              '7_9'],
    'val': ['5_15', '6_15', '6_13', '3_13', '4_14', '6_14', '5_14', '2_13', '4_15', '2_14', '5_13', '4_13',
            '3_14', '7_13'],
}
IMAGE_SUFFIX = {'2_Ortho_RGB.zip': 'RGB', '3_Ortho_IRRG.zip': 'IRRG', '4_Ortho_RGBIR.zip': 'RGBIR'}


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).

    Returns:
        argparse.Namespace: the options.
    """
    parser = argparse.ArgumentParser(description='Convert ISPRS Potsdam zips to the mmseg layout')
    parser.add_argument('zip_dir', help='folder holding the official zips')
    parser.add_argument('-o', '--out-dir', default='data/potsdam', help='output folder')
    parser.add_argument('--clip-size', type=int, default=512, help='patch size (default 512)')
    parser.add_argument('--stride', type=int, default=512, help='patch stride (default 512)')
    parser.add_argument('--image-zip', default='2_Ortho_RGB.zip', choices=sorted(IMAGE_SUFFIX))
    parser.add_argument('--label-zip', default='5_Labels_all_noBoundary.zip',
                        choices=['5_Labels_all_noBoundary.zip', '5_Labels_all.zip'])
    parser.add_argument('--no-pretrain-tiles', action='store_true', help='do not write tiles/train')
    parser.add_argument('--all-bands', action='store_true',
                        help='image patches as GeoTIFFs of all bands (e.g. R, G, B, IR) instead of 3-band PNGs')
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
    image_zip, label_zip = zip_dir / args.image_zip, zip_dir / args.label_zip
    suffix = IMAGE_SUFFIX[args.image_zip]
    label_tail = '_noBoundary' if 'noBoundary' in args.label_zip else ''
    jobs = plan_jobs('Potsdam', SPLITS, image_zip, rf'(?:^|/)top_potsdam_(\d+_\d+)_{suffix}\.tif$',
                     lambda k: f'top_potsdam_{k}_{suffix}.tif', label_zip,
                     rf'(?:^|/)top_potsdam_(\d+_\d+)_label{label_tail}\.tif$',
                     lambda k: f'top_potsdam_{k}_label{label_tail}.tif')
    convert_tiles(Path(args.out_dir), jobs, args.clip_size, args.stride, not args.no_pretrain_tiles,
                  args.all_bands)


if __name__ == '__main__':
    main()
