"""The paper's comparison on GPUs: ResNet-50 pretraining (350 epochs) of every method on Potsdam, LoveDA Urban
and LoveDA Rural, the authors' frozen DeepLabV3+ protocol, one report.

    python -m tools.paper_study --work-dir work_dirs/paper --gpus 8 --dry-run          # the plan and its cost
    python -m tools.paper_study --work-dir work_dirs/paper --gpus 8 \\
        --data potsdam=data/potsdam loveda-urban=data/loveda loveda-rural=data/loveda    # torchrun, this node
    python -m tools.paper_study --work-dir work_dirs/paper --gpus 16 --launcher slurm --partition gpu ...

Every stage (pretrain, extract, fine-tune, evaluate) of every dataset, method and seed runs in turn with
tools/train.py / tools/test.py (torchrun through tools/dist_*.sh, or srun); a stage whose output exists is
skipped and an interrupted one resumes from its last checkpoint, so the same command continues a stopped run.
results.md / results.json / results.png (the table in the paper's shape, then per dataset mean ± 95 % t-interval,
paired differences and per-class IoU, as tools/study.py reports) are rewritten after every evaluation.
The dry run prints every stage with its command and the GPU-hours estimated from step times measured on this
machine (scaled to the plan's batch and view size) or read from --step-times (measure them on the target GPU
with --step-times-out).
"""
import argparse
import json
import sys
from pathlib import Path
from typing import List

import torch

from tools.harness.methods import METHODS, pretrain_configs
from tools.harness.paper_cost import load_step_seconds, measure_step_seconds
from tools.harness.paper_plan import PaperPlan
from tools.harness.paper_stages import PAPER_DATASETS
from tools.harness.paper_study import PaperStudy


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: The options.
    """
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--work-dir', required=True, help='output folder (every stage, the report)')
    parser.add_argument('--methods', nargs='+', choices=list(METHODS), default=list(METHODS), metavar='METHOD',
                        help=f'methods, any of: {", ".join(METHODS)}')
    parser.add_argument('--datasets', nargs='+', choices=list(PAPER_DATASETS), default=list(PAPER_DATASETS))
    parser.add_argument('--seeds', nargs='+', type=int, default=[0], help='seeds of every method')
    parser.add_argument('--data', nargs='+', default=[], metavar='DATASET=ROOT',
                        help='data roots, e.g. potsdam=data/potsdam (default: the configs\' data/...)')
    parser.add_argument('--gpus', type=int, default=8, help='GPUs of a pretraining stage (global batch 256)')
    parser.add_argument('--finetune-gpus', type=int, default=1, help='GPUs of a fine-tuning stage (16 crops)')
    parser.add_argument('--launcher', choices=['pytorch', 'slurm', 'none'], default='pytorch')
    parser.add_argument('--partition', help='slurm partition')
    parser.add_argument('--gpus-per-node', type=int, default=8, help='GPUs of a node (slurm)')
    parser.add_argument('--dry-run', action='store_true', help='print the plan and its estimated cost, run nothing')
    parser.add_argument('--step-times', help='JSON of step times (from --step-times-out) for the estimate')
    parser.add_argument('--step-times-out', help='write the step times measured here to this JSON')
    parser.add_argument('--measure-images', type=int, default=None,
                        help='images per measured step (default: the per-GPU batch of the plan)')
    parser.add_argument('--measure-size', type=int, default=None,
                        help='largest view / crop side of the measured steps (default: the configs\')')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> int:
    """Plans, then runs or prints the paper's comparison.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    try:
        data_roots = dict(item.split('=', 1) for item in args.data)
        if any('=' not in item for item in args.data):
            raise ValueError(f'--data takes DATASET=ROOT items, got {args.data}')
        times = None
        if args.dry_run or args.step_times_out:
            if args.step_times:
                times = load_step_seconds(Path(args.step_times))
            else:
                pretraining = [m for m in args.methods if m in pretrain_configs()]
                times = measure_step_seconds(pretraining, args.datasets[0], args.gpus, args.finetune_gpus,
                                             torch.device(args.device), args.measure_images, args.measure_size)
            if args.step_times_out:
                Path(args.step_times_out).write_text(json.dumps(dict(device=args.device, step_seconds=times), indent=1))
        plan = PaperPlan(args.work_dir, args.methods, args.datasets, args.seeds, args.gpus, args.finetune_gpus,
                         args.launcher, args.partition, args.gpus_per_node, data_roots,
                         {name: row['seconds'] for name, row in (times or {}).items()})
        stages = plan.stages()
    except (FileNotFoundError, ValueError) as error:
        print(f'paper_study: error: {error}', file=sys.stderr)
        return 1
    if args.dry_run:
        print(plan.describe(stages, times_source=args.step_times or f'measured on {args.device}'))
        return 0
    PaperStudy(plan).run()
    print(f'paper_study: wrote {Path(args.work_dir) / "results.md"}, results.json, results.png')
    return 0


if __name__ == '__main__':
    sys.exit(main())
