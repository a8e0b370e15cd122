"""Multi-seed study: GraSS against the baselines of the method table, same budget and seeds, plus an ablation.

    python -m tools.study --data ../shared/data/dubai_aerial --work-dir work_dirs/study_full  # ~1 h 35 min
    python -m tools.study --data ../shared/data/dubai_aerial --work-dir work_dirs/study_small \\
        --pretrain-iters 20 --finetune-iters 40 --crop 128 --resize 256 \\
        --finetune-cfg-options optim_wrapper.optimizer.lr=0.05                            # a smaller run

Every seed runs tools/pipeline.py's stages (pretraining on the train split's images, backbone extraction,
DeepLabV3+ R18 fine-tuning on the train split, evaluation on the val split) for every method; the ablation
pretrains GraSS with other threshold ratios r under the same seeds. Writes results.md / results.json /
results.png (mean ± std over seeds, per-class IoU, paired differences) into the work dir after every run;
a re-run skips every finished stage. Protocol and measured results: docs/study.md.
"""
import argparse
import sys
from pathlib import Path
from typing import List

from tools.harness.methods import pretrain_configs
from tools.harness.seeded_study import SeededStudy
from tools.pipeline import FINETUNE_CONFIGS, shared_parser


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: The options.
    """
    parser = shared_parser(__doc__, pretrain_iters=300, work_dir_help='output folder (per-seed runs and the results)')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2], help='seeds of every method')
    parser.add_argument('--ablation-ratios', nargs='*', type=float, default=[0.3, 0.7],
                        help='GraSS threshold ratios r besides the config\'s own (none: no ablation)')
    parser.add_argument('--crop', type=int, default=256, help='fine-tuning crop side (px)')
    parser.add_argument('--resize', type=int, default=512,
                        help='images are resized to fit RESIZE x RESIZE for evaluation (and around it, ratio '
                        '0.5-2, for fine-tuning)')
    parser.add_argument('--finetune-batch', type=int, default=4, help='fine-tuning batch size')
    return parser.parse_args(argv)


def stage_options(args: argparse.Namespace) -> tuple:
    """The config overrides that implement the scale options (the user's overrides win).

    Args:
        args (argparse.Namespace): The options.

    Returns:
        tuple: ``(pretrain_options, finetune_options)``; the view size is not an option but a stage setting
        (``--view-size``), since its keys differ between methods.
    """
    finetune = {
        'train_dataloader.batch_size': args.finetune_batch,
        'train_dataloader.dataset.dataset.pipeline.2.scale': (args.resize, args.resize),
        'train_dataloader.dataset.dataset.pipeline.3.crop_size': (args.crop, args.crop),
        'model.data_preprocessor.size': (args.crop, args.crop),
        'val_dataloader.dataset.pipeline.1.scale': (args.resize, args.resize),
        **args.finetune_cfg_options}
    return dict(args.pretrain_cfg_options), finetune


def main(argv: List[str] = None) -> int:
    """Runs the study.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    pretrain_options, finetune_options = stage_options(args)
    try:
        study = SeededStudy(
            args.work_dir, pretrain_configs(), FINETUNE_CONFIGS[args.finetune], args.data, args.methods,
            seeds=args.seeds, ablation_ratios=args.ablation_ratios, finetune_mode=args.finetune,
            pretrain_iters=args.pretrain_iters, finetune_iters=args.finetune_iters, view_size=args.view_size,
            pretrain_options=pretrain_options, finetune_options=finetune_options)
        study.run()
    except (FileNotFoundError, ValueError) as error:
        print(f'study: error: {error}', file=sys.stderr)
        return 1
    print(f'study: wrote {Path(args.work_dir) / "results.md"}, results.json, results.png')
    return 0


if __name__ == '__main__':
    sys.exit(main())
