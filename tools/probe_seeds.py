"""The evaluation's own noise: one backbone scored by a fitted probe with several evaluation seeds.

    python -m tools.probe_seeds --data ../shared/data/dubai_aerial --work-dir work_dirs/probe_seeds \\
        --backbone work_dirs/study/main/seed0/grass/pretrain_300it_seed0/backbone.pth \\
        --evaluation probe-fit-full --seeds 0 1

The backbone stays fixed; each seed draws other crops (``probe-fit``) or other pixels (``probe-fit-full``) to
fit the probe on, then the val split is scored as in tools/study.py. The spread of the scores is what the
evaluation alone adds to a study's seed-to-seed variance. Writes ``<work-dir>/seed<S>/metrics.json`` and prints
one line per seed; finished seeds are skipped on a re-run.
"""
import argparse
import json
import sys
from pathlib import Path
from typing import List

from mmengine.config import DictAction

from tools.harness.pipeline import evaluate_checkpoint
from tools.harness.probe_fit import FITTED_PROBES, fit_probe
from tools.harness.stage_configs import evaluation_config, finetune_config
from tools.pipeline import FINETUNE_CONFIGS


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: The options.
    """
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True, help='dataset folder (images/, masks/, splits/, meta.json)')
    parser.add_argument('--work-dir', required=True, help='output folder (one sub-folder per seed)')
    parser.add_argument('--backbone', required=True, help='extracted backbone (backbone.pth of a study stage)')
    parser.add_argument('--evaluation', choices=sorted(FITTED_PROBES), default='probe-fit-full',
                        help='fitted probe: on random training crops or on the whole training images')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1], help='evaluation seeds')
    parser.add_argument('--iters', type=int, default=1000, help='most L-BFGS iterations')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides of the probe config, e.g. train_dataloader.num_workers=0')
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> int:
    """Fits and scores the probe once per seed.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    if not Path(args.backbone).is_file():
        print(f'probe_seeds: error: --backbone not found: {args.backbone}', file=sys.stderr)
        return 1
    for seed in args.seeds:
        work = Path(args.work_dir) / f'seed{seed}'
        metrics_file, checkpoint = work / 'metrics.json', work / f'iter_{args.iters}.pth'
        if not metrics_file.exists():
            work.mkdir(parents=True, exist_ok=True)
            cfg = finetune_config(FINETUNE_CONFIGS[args.evaluation], args.data, args.backbone, work, args.iters,
                                  seed, f'probe_seeds_{seed}')
            fit_probe(cfg, args.cfg_options, checkpoint, args.iters, seed, full_images=FITTED_PROBES[args.evaluation])
            evaluate_checkpoint(evaluation_config(cfg, checkpoint, work / 'eval', f'probe_seeds_eval_{seed}'),
                                args.cfg_options, metrics_file)
        metrics = json.loads(metrics_file.read_text())
        print(f'probe_seeds: seed {seed}: mIoU {metrics["mIoU"]} ' +
              ' '.join(f'{key[4:]} {value}' for key, value in metrics.items() if key.startswith('IoU.')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
