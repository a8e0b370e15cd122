"""Train a grass_mm config (GraSS/SimCLR pretraining or mmseg fine-tuning) with mmengine's Runner.

Same flags as mmpretrain's and mmseg's ``tools/train.py`` (``--auto-scale-lr`` as mmpretrain's), plus
``--data-root`` and ``--tensorboard``; the config's ``custom_imports`` load the plugin.

    python tools/train.py configs/grass/grass_resnet18_cpu_rsi-folder.py --data-root DIR --work-dir work_dirs/demo
    python tools/train.py CONFIG --resume                 # resume from the work dir's latest checkpoint
    bash tools/dist_train.sh CONFIG 8 --auto-scale-lr     # torchrun, 8 GPUs, lr scaled to the global batch

The schedule follows the training length: scheduler bounds written as fractions (``begin_ratio``/
``end_ratio``) are resolved against ``train_cfg.max_iters``/``max_epochs`` after ``--cfg-options``
(:func:`grass_mm.utils.schedule.fit_schedule`), and a schedule that ends before training does is refused.
On a machine without CUDA, ``--launcher pytorch`` starts a gloo process group itself (mmengine's own
launcher calls ``torch.cuda.set_device``) and wraps the model in DDP without device ids.
"""
import argparse
import importlib.util
import os

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

import grass_mm  # noqa: F401  (version check, checkpoint allow-list, atomic checkpoint backend)
from grass_mm.checkpoint import find_resumable_checkpoint
from grass_mm.utils.schedule import fit_schedule
from grass_mm.utils.tool_config import init_cpu_process_group, load_config, set_work_dir


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line (the OpenMMLab train flags)."""
    parser = argparse.ArgumentParser(description='Train a grass_mm config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='folder for logs and checkpoints')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from this checkpoint, or from the latest in the work dir if no path')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the global batch (number of processes x '
                        'train_dataloader.batch_size) over the config\'s auto_scale_lr.base_batch_size')
    parser.add_argument('--data-root', help='data root of every dataset of the config (train, val, test), '
                        'through wrappers such as LabelFractionDataset')
    parser.add_argument('--tensorboard', action='store_true',
                        help='also log to TensorBoard (needs the tensorboard package; event files in the work dir)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def enable_auto_scale_lr(cfg: Config) -> None:
    """Turns on mmengine's linear learning-rate scaling (``--auto-scale-lr``).

    The Runner multiplies the lr by (world size x ``train_dataloader.batch_size``) /
    ``auto_scale_lr.base_batch_size`` before building the schedulers.

    Args:
        cfg (Config): The config, changed in place.

    Raises:
        KeyError: If the config does not say which batch its lr is for.
    """
    if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
        raise KeyError(f'--auto-scale-lr needs auto_scale_lr.base_batch_size in {cfg.filename}: the global batch '
                       'size the config\'s learning rate is meant for')
    cfg.auto_scale_lr.enable = True


def add_tensorboard(cfg: Config) -> None:
    """Adds mmengine's ``TensorboardVisBackend`` to the visualizer (``--tensorboard``).

    Args:
        cfg (Config): The config, changed in place.

    Raises:
        ImportError: If the optional ``tensorboard`` package is not installed.
    """
    if importlib.util.find_spec('tensorboard') is None:
        raise ImportError('--tensorboard needs the optional tensorboard package: pip install tensorboard '
                          '(or pip install -e ".[tensorboard]")')
    backends = cfg.visualizer.setdefault('vis_backends', [])
    if not any(backend.get('type') == 'TensorboardVisBackend' for backend in backends):
        backends.append(dict(type='TensorboardVisBackend'))


def build_config(args: argparse.Namespace) -> Config:
    """Loads the config and applies the command-line flags.

    Args:
        args (argparse.Namespace): Parsed flags.

    Returns:
        Config: The config to build the runner from.
    """
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    cfg.launcher = args.launcher
    set_work_dir(cfg, args.config, args.work_dir)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.auto_scale_lr:
        enable_auto_scale_lr(cfg)
    if args.tensorboard:
        add_tensorboard(cfg)
    fit_schedule(cfg)
    if args.resume is not None and args.resume != 'auto':
        if not os.path.isfile(args.resume):
            raise FileNotFoundError(f'--resume checkpoint not found: {args.resume}')
        cfg.resume, cfg.load_from = True, args.resume
    if args.resume == 'auto':
        # the newest complete checkpoint, also when a kill left `last_checkpoint` empty or dangling
        cfg.load_from = find_resumable_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        init_cpu_process_group(cfg)
    return cfg


def main(argv=None) -> None:
    """Builds the runner from the config and trains."""
    cfg = build_config(parse_args(argv))
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    runner.train()
    if dist.is_available() and dist.is_initialized():
        # left to interpreter exit, gloo's threads are sometimes torn down mid-use and a finished rank
        # aborts ("terminate called without an active exception", SIGABRT), failing the whole torchrun job;
        # that still happened to a rank that tore down while rank 0 was writing the last checkpoint, so the
        # ranks first wait for each other
        dist.barrier()
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
