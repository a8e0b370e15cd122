"""Cost benchmarks of GraSS: the batched sampler against the release's per-sample loop, and a training step.

    python -m tools.benchmark sampler --maps 512 --size 224 --repeats 5
    python -m tools.benchmark step --arch resnet18 --images 32 --size 224 --repeats 5
    python -m tools.benchmark step --base mocov2   # or byol: GS on another base method
    python -m tools.benchmark methods --repeats 10        # every method's step / SimCLR's, CPU-size configs
    python -m tools.benchmark methods --methods grass simclr --study-views 112 16   # also at the study's views
    python -m tools.benchmark guide-fidelity CONFIG --checkpoint CKPT --images DIR   # boxes of the cheap guides

Runs alternate in one process (reference loop, batched sampler, ...; base step (SimCLR, MoCo v2 or BYOL),
GS step, GS step with ``localize_scale=0.5``, GS step with the guide pass in bfloat16 (CPU) / float16
(CUDA), for MoCo v2 / BYOL GS with ``guide_target='momentum'``, ...)
after one warm-up round; medians are reported. The sampler is measured where it runs: in a process that holds
a GraSS model (``--arch``) and its optimiser after a few training steps of ``--images`` images (the same rounds
in the fresh process come with a ``fresh_`` prefix). Peak memory of a step: the rise of the peak RSS over the
RSS before the step (CPU; peak reset through ``/proc/self/clear_refs``) or of
``torch.cuda.max_memory_allocated`` over the memory allocated before it. A table, then one JSON line.
The measurements live in ``tools/harness/{sampler,step}_benchmark.py``; ``methods`` (step time only, one
markdown table row per method of ``tools/harness/methods.py``) in ``tools/harness/method_benchmark.py``;
``guide-fidelity`` (the boxes of the guide pass in bfloat16, float16 and at half size against float32 at full
size, same model and views, and the guide pass's time ratio) in ``tools/harness/guide_fidelity.py``.
"""
import argparse
import json

import torch

from grass_mm.pretrain.models import GradientGuidedSampler
from tools.harness.guide_fidelity import guide_fidelity
from tools.harness.method_benchmark import bench_methods, methods_table
from tools.harness.methods import pretrain_configs
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
    for name in ('sampler', 'step', 'step-memory'):  # the sampler is measured in a training process
        sub.choices[name].add_argument('--arch', choices=sorted(ARCHS), default='resnet18')
        sub.choices[name].add_argument('--images', type=int, default=32, help='images per step (two views each)')
    for name in ('step', 'step-memory'):
        sub.choices[name].add_argument('--base', choices=BASES, default='simclr',
                                       help='base method the GS step is compared with')
    sub.choices['sampler'].add_argument('--backends', nargs='*', choices=GradientGuidedSampler.BACKENDS[1:],
                                        help='also time locate with these labelling backends (all without a '
                                        'value), both region rules')
    methods = sub.add_parser('methods', help='training step of every method relative to SimCLR (CPU-size configs)')
    methods.add_argument('--methods', nargs='+', choices=list(pretrain_configs()), default=list(pretrain_configs()),
                         metavar='METHOD', help=f'methods to time, any of: {", ".join(pretrain_configs())}')
    methods.add_argument('--images', type=int, default=None, help='images per step (default: each config\'s batch)')
    methods.add_argument('--repeats', type=int, default=5, help='timed alternating rounds (after one warm-up)')
    methods.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    methods.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch default)')
    methods.add_argument('--study-views', nargs=2, type=int, default=None, metavar=('SIZE', 'STRIDE'),
                         help='also time every method with views of SIZE px and a ResNet output stride STRIDE '
                         '(16 or 32), as tools/study.py --view-size SIZE --output-stride STRIDE')
    fidelity = sub.add_parser('guide-fidelity', help='boxes of the low-precision / half-size guide pass vs float32')
    fidelity.add_argument('config', help='pretraining config with gradient guided sampling (GraSS or a plug-in)')
    fidelity.add_argument('--checkpoint', help='its checkpoint (default: random initialisation)')
    fidelity.add_argument('--images', required=True, help='folder of images for the config\'s training pipeline')
    fidelity.add_argument('--batch-size', type=int, default=32, help='images per batch (two views each)')
    fidelity.add_argument('--batches', type=int, default=2, help='batches compared')
    fidelity.add_argument('--repeats', type=int, default=3, help='timed rounds per batch (after one warm-up)')
    fidelity.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    fidelity.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch default)')
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(args.threads or torch.get_num_threads())
    if args.repeats < 1:
        parser.error(f'--repeats must be >= 1, got {args.repeats}')
    if args.command == 'step-memory':  # internal: the child process of bench_step on the CPU
        med = run_steps(args.base, args.arch, args.images, args.size, args.repeats, device)
        print(json.dumps({kind: values['memory'] for kind, values in med.items()}))
        return
    if args.command == 'guide-fidelity':
        result = guide_fidelity(args.config, args.checkpoint, args.images, args.batch_size, args.batches,
                                args.repeats, device)
        result.update(device=str(device), torch_threads=torch.get_num_threads(), repeats=args.repeats)
        print_result(result)
        return
    if args.command == 'methods':
        if args.study_views and args.study_views[1] not in (16, 32):
            parser.error(f'--study-views: the output stride must be 16 or 32, got {args.study_views[1]}')
        results = bench_methods(args.methods, args.images, args.repeats, device,
                                views=tuple(args.study_views) if args.study_views else None)
        print(methods_table(results))
        print(json.dumps(dict(results=results, device=str(device), torch_threads=torch.get_num_threads(),
                              repeats=args.repeats)))
        return
    result = {}
    if args.command == 'step':
        result.update(base=args.base, arch=args.arch, images=args.images)
        result.update(bench_step(args.base, args.arch, args.images, args.size, args.repeats, device))
    result.update(bench_sampler(args.maps, args.size, args.repeats, device, arch=args.arch, images=args.images,
                                backends=getattr(args, 'backends', None)))
    result.update(device=str(device), torch_threads=torch.get_num_threads(), repeats=args.repeats)
    print_result(result)


def print_result(result: dict) -> None:
    """Prints a two-column table of ``result``, then ``result`` as one JSON line."""
    for key, value in dict(measure='value', **result).items():
        print(f'{key:<32}{value:>14.4g}' if isinstance(value, float) else f'{key:<32}{value!s:>14}')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
