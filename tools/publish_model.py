"""Prepares a checkpoint for release: drops the training state and adds the sha256 prefix to its name.

Example::

    python tools/publish_model.py work_dirs/grass/iter_1000.pth grass_resnet50_potsdam.pth
    # -> grass_resnet50_potsdam-1a2b3c4d.pth (1a2b3c4d = first 8 hex digits of the file's sha256)
"""
import argparse
import sys
from typing import List

from grass_mm.checkpoint import publish_checkpoint


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: ``in_file`` and ``out_file``.
    """
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('in_file', help='input checkpoint (.pth)')
    parser.add_argument('out_file', help='output name; the final file is <stem>-<sha256[:8]>.pth')
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> int:
    """Publishes the checkpoint and prints the final file name.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    try:
        final, dropped = publish_checkpoint(args.in_file, args.out_file)
    except (FileNotFoundError, ValueError) as error:
        print(f'publish_model: error: {error}', file=sys.stderr)
        return 1
    print(f"dropped: {', '.join(dropped) or 'nothing'}")
    print(f'published {final}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
