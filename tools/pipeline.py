"""The whole GraSS study in one command: pretrain -> extract backbone -> fine-tune -> evaluate -> report.

    python -m tools.pipeline --work-dir work_dirs/study                    # demo dataset, rendered once
    python -m tools.pipeline --data ../shared/data/dubai_aerial --work-dir work_dirs/dubai \\
        --methods grass simclr mocov2 byol simsiam barlowtwins swav densecl random

For every method: pretraining on the train split's images (the method's CPU-size ResNet-18 config from the
method table, tools/harness/methods.py; ``random`` skips it), backbone extraction, DeepLabV3+ fine-tuning on
the train split, evaluation on the val split (mIoU and per-class IoU). Writes ``results.md``, ``results.json``
and ``results.png`` into the work dir, next to every stage's checkpoints and logs. Re-running skips every stage
whose output exists, and an interrupted stage resumes from its latest checkpoint.
"""
import argparse
import sys
from pathlib import Path
from typing import List

from mmengine.config import DictAction

from tools.harness.methods import METHODS, methods_help, pretrain_configs
from tools.harness.pipeline import StudyPipeline
from tools.harness.probe_fit import FITTED_PROBES

REPO = Path(__file__).resolve().parents[1]
FINETUNE_CONFIGS = {
    'frozen': REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' /
    'deeplabv3plus_r18b-d8_frozen_cpu-1xb4-200it_rsi-256x256.py',
    'full': REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' / 'deeplabv3plus_r18b-d8_cpu-1xb4-200it_rsi-256x256.py',
    'probe': REPO / 'configs' / 'benchmarks' / 'linear_probe' /
    'linear-probe_r18b-d8_frozen_cpu-1xb8-300it_rsi-256x256.py',
}
# the same model, its head solved by L-BFGS on features of random training crops or of the whole images
FINETUNE_CONFIGS.update({name: FINETUNE_CONFIGS['probe'] for name in FITTED_PROBES})


def shared_parser(doc: str, pretrain_iters: int, work_dir_help: str) -> argparse.ArgumentParser:
    """A parser with the options that this tool and ``tools/study.py`` share.

    Args:
        doc (str): The tool's module docstring; its first paragraph is the description.
        pretrain_iters (int): Default of ``--pretrain-iters``.
        work_dir_help (str): Help text of ``--work-dir``.

    Returns:
        argparse.ArgumentParser: The parser, for the tool to add its own options.
    """
    parser = argparse.ArgumentParser(description=doc.split('\n\n')[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--data', help='dataset folder (images/, masks/, splits/{train,val}.txt, meta.json); '
                        'default: the demo dataset, rendered into WORK_DIR/data/demo')
    parser.add_argument('--work-dir', required=True, help=work_dir_help)
    parser.add_argument('--methods', nargs='+', default=['grass', 'simclr', 'random'], choices=list(METHODS),
                        metavar='METHOD', help=f'methods to compare, any of: {methods_help()}')
    parser.add_argument('--pretrain-iters', type=int, default=pretrain_iters, help='pretraining iterations')
    parser.add_argument('--view-size', type=int, default=None,
                        help='side of the pretraining views in px (the other views of a method keep their ratio '
                        'to it, e.g. SwAV\'s small crops); default: each config\'s own (96 for the CPU configs)')
    parser.add_argument('--finetune-iters', type=int, default=200, help='fine-tuning iterations')
    parser.add_argument('--finetune', choices=sorted(FINETUNE_CONFIGS), default='frozen',
                        help='DeepLabV3+ with a frozen backbone (the GraSS protocol), full fine-tuning, a '
                        'linear probe on the frozen features trained by SGD (probe), or the same probe solved to '
                        'convergence by L-BFGS on features of random training crops (probe-fit) or of the whole '
                        'training images (probe-fit-full); --finetune-iters is then its most L-BFGS iterations')
    parser.add_argument('--pretrain-cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides of the pretraining configs, e.g. train_dataloader.batch_size=4')
    parser.add_argument('--finetune-cfg-options', nargs='+', action=DictAction, default={},
                        help='overrides of the fine-tuning config, e.g. train_dataloader.num_workers=0')
    return parser


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        argparse.Namespace: The options.
    """
    parser = shared_parser(__doc__, pretrain_iters=60, work_dir_help='output folder (checkpoints, logs, results)')
    parser.add_argument('--label-fraction', type=float, default=1.0,
                        help='share of the training images used for fine-tuning (e.g. 0.1)')
    parser.add_argument('--seed', type=int, default=0, help='random seed of every stage')
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> int:
    """Runs the study.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None. Defaults to None.

    Returns:
        int: The exit status (0 on success, 1 on bad input).
    """
    args = parse_args(argv)
    try:
        pipeline = StudyPipeline(
            args.work_dir, pretrain_configs(), FINETUNE_CONFIGS[args.finetune], args.data, args.methods,
            finetune_mode=args.finetune, pretrain_iters=args.pretrain_iters, finetune_iters=args.finetune_iters,
            seed=args.seed, label_fraction=args.label_fraction, view_size=args.view_size,
            pretrain_options=args.pretrain_cfg_options,
            finetune_options=args.finetune_cfg_options)
        pipeline.run()
    except (FileNotFoundError, ValueError) as error:
        print(f'pipeline: error: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
