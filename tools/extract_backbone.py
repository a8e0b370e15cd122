"""Extracts the backbone of a pretraining checkpoint (GraSS, SimCLR or a baseline) for mmseg fine-tuning.

Example::

    python tools/extract_backbone.py work_dirs/grass/iter_1000.pth work_dirs/grass/backbone.pth
    python tools/train.py configs/benchmarks/deeplabv3plus/<config>.py \\
        --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/grass/backbone.pth

The output holds only the backbone's tensors under un-prefixed keys (``conv1.weight``, ...), written
atomically; it loads with ``torch.load(..., weights_only=True)``. Necks, heads, queues and momentum or target
encoders (MoCo's ``encoder_k``, BYOL's ``target_net``, ...) are left out: the online backbone is the one kept.
"""
import argparse
import sys
from collections import Counter
from typing import List

from grass_mm.checkpoint import extract_backbone


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: ``src``, ``dst``, ``prefix`` and ``verbose``.
    """
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('src', help='pretraining Runner checkpoint (.pth)')
    parser.add_argument('dst', help='output file for the backbone state dict (.pth)')
    parser.add_argument('--prefix', default='backbone.', help='key prefix of the backbone in src')
    parser.add_argument('--verbose', action='store_true', help='list every kept key, not only groups')
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> int:
    """Runs the extraction and prints the kept and dropped keys.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    try:
        kept, dropped = extract_backbone(args.src, args.dst, args.prefix)
    except (FileNotFoundError, ValueError) as error:
        print(f'extract_backbone: error: {error}', file=sys.stderr)
        return 1
    groups = Counter(key.split('.')[0] for key in kept)
    print(f'kept {len(kept)} backbone tensors (prefix {args.prefix!r} removed): ' +
          ', '.join(f'{name} ({count})' for name, count in groups.items()))
    if args.verbose:
        print('\n'.join(f'  {key}' for key in kept))
    print(f'dropped {len(dropped)} keys' + (':' if dropped else ''))
    print('\n'.join(f'  {key}' for key in dropped))
    print(f'wrote {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
