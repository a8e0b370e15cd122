"""Renders grass_mm's small synthetic RSI demo data set (the quickstart's default data).

Usage: python -m tools.make_demo_data OUT_DIR [--num-train 36] [--num-val 12] [--size 256] [--seed 0]

The output has the layout of the real Dubai aerial set (images/, masks/, splits/, meta.json), so the
same configs read either. Running it again on a complete render of the same parameters does nothing.
"""
import argparse
import time

from tools.harness.demo_data import render_demo_dataset


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).

    Returns:
        argparse.Namespace: the options.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', help='folder to render into (created)')
    parser.add_argument('--num-train', type=int, default=36, help='training scenes (default 36)')
    parser.add_argument('--num-val', type=int, default=12, help='validation scenes (default 12)')
    parser.add_argument('--size', type=int, default=256, help='scene side in pixels (default 256)')
    parser.add_argument('--seed', type=int, default=0, help='random seed (default 0)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Renders the demo data set and prints where it is.

    Args:
        argv (list[str], optional): arguments. Defaults to None (``sys.argv``).
    """
    args = parse_args(argv)
    start = time.perf_counter()
    root = render_demo_dataset(args.out_dir, num_train=args.num_train, num_val=args.num_val,
                               size=args.size, seed=args.seed)
    print(f'demo data set ready in {root} ({args.num_train} train + {args.num_val} val scenes of '
          f'{args.size}x{args.size} px, {time.perf_counter() - start:.1f} s)')


if __name__ == '__main__':
    main()
