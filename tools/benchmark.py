"""Cost benchmarks of GraSS: the batched sampler against the release's per-sample loop, and a training step.

    python -m tools.benchmark sampler --maps 512 --size 224 --repeats 5
    python -m tools.benchmark step --arch resnet18 --images 32 --size 224 --repeats 5
    python -m tools.benchmark step --base mocov2   # or byol: GS on another base method

Runs alternate in one process (reference loop, batched sampler, ...; base step (SimCLR, MoCo v2 or BYOL),
GS step, GS step with ``localize_scale=0.5``, for MoCo v2 / BYOL GS with ``guide_target='momentum'``, ...)
after one warm-up round; medians are reported. Peak memory of a step: the rise
of the peak RSS over the RSS before the step (CPU; peak reset through ``/proc/self/clear_refs``) or of
``torch.cuda.max_memory_allocated`` over the memory allocated before it. A table, then one JSON line.
The measurements live in ``tools/harness/{sampler,step}_benchmark.py``.
"""
import argparse
import json

import torch

from tools.harness.sampler_benchmark import bench_sampler
from tools.harness.step_benchmark import ARCHS, BASES, bench_step, run_steps


def main() -> None:
    """Parses the command line, runs the benchmark and prints the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('sampler', 'step', 'step-memory'):
        cmd = sub.add_parser(name)
        cmd.add_argument('--size', type=int, default=224, help='view side in pixels')
        cmd.add_argument('--repeats', type=int, default=5, help='timed alternating rounds (after one warm-up)')
        cmd.add_argument('--maps', type=int, default=512, help='maps for the sampler comparison')
        cmd.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
        cmd.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch default)')
    for name in ('step', 'step-memory'):
        sub.choices[name].add_argument('--arch', choices=sorted(ARCHS), default='resnet18')
        sub.choices[name].add_argument('--base', choices=BASES, default='simclr',
                                       help='base method the GS step is compared with')
        sub.choices[name].add_argument('--images', type=int, default=32, help='images per step (two views each)')
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(args.threads or torch.get_num_threads())
    if args.repeats < 1:
        parser.error(f'--repeats must be >= 1, got {args.repeats}')
    if args.command == 'step-memory':  # internal: the child process of bench_step on the CPU
        med = run_steps(args.base, args.arch, args.images, args.size, args.repeats, device)
        print(json.dumps({kind: values['memory'] for kind, values in med.items()}))
        return
    result = {}
    if args.command == 'step':
        result.update(base=args.base, arch=args.arch, images=args.images)
        result.update(bench_step(args.base, args.arch, args.images, args.size, args.repeats, device))
    result.update(bench_sampler(args.maps, args.size, args.repeats, device))
    result.update(device=str(device), torch_threads=torch.get_num_threads(), repeats=args.repeats)
    for key, value in dict(measure='value', **result).items():
        print(f'{key:<28}{value:>14.4g}' if isinstance(value, float) else f'{key:<28}{value!s:>14}')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
