"""Multi-seed study: random init, SimCLR, GraSS and the baselines under one budget, with confidence intervals.

    python -m tools.study --data ../shared/data/dubai_aerial --work-dir work_dirs/study \\
        --methods random simclr grass --seeds 0 1 2 3 4 5 6 7 \\
        --extra-methods mocov2 byol --extra-seeds 0 1 2

Every seed runs tools/pipeline.py's stages (pretraining on the train split's images, backbone extraction,
fine-tuning on the train split, evaluation on the val split) for every method that has this seed, and
scores each pretrained backbone with every evaluation (``--evaluations``: the frozen-backbone DeepLabV3+,
full fine-tuning, the linear probe trained by SGD or solved by L-BFGS). ``--methods`` run with ``--seeds``,
``--extra-methods`` with ``--extra-seeds``, a method named in ``--method-seeds`` with its own seeds. Paired
differences: every method against random init, GraSS against SimCLR and every ``grass-<base>`` against its base.
Writes results.md / results.json / results.png (mean ± std and 95 % t-intervals over seeds, per-seed values,
per-class IoU, paired differences with paired t-tests) after every run; a re-run skips every finished stage.
``--earlier-results`` continues a study on a new machine: the (method, seed) runs recorded in a committed
results.json of the same protocol are reported from it and not run again. Protocol and measured results: docs/study.md.
"""
import argparse
import sys
from pathlib import Path
from typing import Dict, List

from tools.harness.evaluation import Evaluation
from tools.harness.methods import METHODS, default_pairs, pretrain_configs
from tools.harness.probe_fit import FITTED_PROBES
from tools.harness.seeded_study import SeededStudy
from tools.pipeline import FINETUNE_CONFIGS, shared_parser

# the option that sets an evaluation's iterations (the others: --finetune-iters)
ITERS_OPTION = {'probe': 'probe_iters', **{name: 'probe_fit_iters' for name in FITTED_PROBES}}


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: The options.
    """
    parser = shared_parser(__doc__, pretrain_iters=300, work_dir_help='output folder (per-seed runs and the results)')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2], help='seeds of the --methods')
    parser.add_argument('--extra-methods', nargs='*', default=[], choices=list(METHODS), metavar='METHOD',
                        help='more methods (same names as --methods), run with --extra-seeds')
    parser.add_argument('--extra-seeds', nargs='+', type=int, default=[0, 1, 2], help='seeds of the --extra-methods')
    parser.add_argument('--method-seeds', nargs='*', default=[], metavar='METHOD=SEED[,SEED...]',
                        help='seeds of one method, instead of its --seeds / --extra-seeds (e.g. byol=0,1)')
    parser.add_argument('--evaluations', nargs='+', choices=sorted(FINETUNE_CONFIGS), default=None,
                        help='how every backbone is scored (default: the --finetune one)')
    parser.add_argument('--probe-iters', type=int, default=300, help='iterations of the linear probe evaluation')
    parser.add_argument('--probe-fit-iters', type=int, default=1000,
                        help='most L-BFGS iterations of the fitted probes (probe-fit, probe-fit-full); they stop '
                        'earlier once converged')
    parser.add_argument('--ablation-ratios', nargs='*', type=float, default=[],
                        help='GraSS threshold ratios r besides the config\'s own (none: no ablation)')
    parser.set_defaults(view_size=112)
    parser.add_argument('--output-stride', type=int, choices=[16, 32], default=16,
                        help='pretraining backbone output stride (16: last stage dilated, 7 x 7 maps at 112 px)')
    parser.add_argument('--earlier-results', nargs='*', default=[], metavar='RESULTS_JSON',
                        help='results.json files of earlier runs of this study (same protocol): their (method, '
                        'seed) runs are reported and not run again')
    parser.add_argument('--crop', type=int, default=256, help='fine-tuning crop side (px)')
    parser.add_argument('--resize', type=int, default=512,
                        help='images are resized to fit RESIZE x RESIZE for evaluation (and around it, ratio '
                        '0.5-2, for fine-tuning)')
    parser.add_argument('--finetune-batch', type=int, default=None,
                        help='fine-tuning batch size (default: each evaluation config\'s own)')
    return parser.parse_args(argv)


def method_seeds(args: argparse.Namespace) -> Dict[str, List[int]]:
    """The seeds of every method: ``--seeds``, ``--extra-seeds``, then ``--method-seeds`` entries.

    Args:
        args (argparse.Namespace): The options.

    Returns:
        dict: Method -> seeds, in the order the methods were named.

    Raises:
        ValueError: An entry of ``--method-seeds`` is not ``METHOD=SEED[,SEED...]`` of a method of the study.
    """
    seeds = {method: list(args.seeds) for method in args.methods}
    seeds.update({method: list(args.extra_seeds) for method in args.extra_methods if method not in seeds})
    for entry in args.method_seeds:
        method, _, values = entry.partition('=')
        if method not in seeds:
            raise ValueError(f'--method-seeds {entry}: {method!r} is not one of the --methods / --extra-methods '
                             f'{list(seeds)}')
        try:
            seeds[method] = [int(value) for value in values.split(',')]
        except ValueError:
            raise ValueError(f'--method-seeds {entry}: expected METHOD=SEED[,SEED...] with integer seeds') from None
    return seeds


def finetune_options(args: argparse.Namespace) -> dict:
    """The fine-tuning overrides that implement the scale options (the user's overrides win).

    Args:
        args (argparse.Namespace): The options.

    Returns:
        dict: ``--cfg-options`` style keys.
    """
    options = {
        'train_dataloader.dataset.dataset.pipeline.2.scale': (args.resize, args.resize),
        'train_dataloader.dataset.dataset.pipeline.3.crop_size': (args.crop, args.crop),
        'model.data_preprocessor.size': (args.crop, args.crop),
        'val_dataloader.dataset.pipeline.1.scale': (args.resize, args.resize)}
    if args.finetune_batch is not None:
        options['train_dataloader.batch_size'] = args.finetune_batch
    return {**options, **args.finetune_cfg_options}


def main(argv: List[str] = None) -> int:
    """Runs the study.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    options = finetune_options(args)
    evaluations = {name: Evaluation(FINETUNE_CONFIGS[name], getattr(args, ITERS_OPTION.get(name, 'finetune_iters')),
                                    options) for name in args.evaluations or [args.finetune]}
    try:
        seeds = method_seeds(args)
        study = SeededStudy(
            args.work_dir, pretrain_configs(), evaluations, seeds, args.data, pairs=default_pairs(list(seeds)),
            ablation_ratios=args.ablation_ratios, earlier_results=args.earlier_results,
            pretrain_iters=args.pretrain_iters, pretrain_options=args.pretrain_cfg_options, view_size=args.view_size,
            output_stride=args.output_stride)
        study.run()
    except (FileNotFoundError, ValueError) as error:
        print(f'study: error: {error}', file=sys.stderr)
        return 1
    print(f'study: wrote {Path(args.work_dir) / "results.md"}, results.json, results.png')
    return 0


if __name__ == '__main__':
    sys.exit(main())
