"""Train a grass_mm config (GraSS/SimCLR pretraining or mmseg fine-tuning) with mmengine's Runner.

Same flags as mmpretrain's and mmseg's ``tools/train.py``; the config's ``custom_imports`` load the plugin.

    python tools/train.py configs/grass/grass_resnet18_cpu_rsi-folder.py --work-dir work_dirs/demo
    python tools/train.py CONFIG --resume                 # resume from the work dir's latest checkpoint
    bash tools/dist_train.sh CONFIG 8                     # torchrun, one process per GPU

On a machine without CUDA, ``--launcher pytorch`` starts a gloo process group itself (mmengine's own
launcher calls ``torch.cuda.set_device``) and wraps the model in DDP without device ids.
"""
import argparse
import os
import os.path as osp

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

import grass_mm  # noqa: F401  (version check, checkpoint allow-list, atomic checkpoint backend)
from grass_mm.checkpoint import find_resumable_checkpoint
from grass_mm.utils.config_check import check_cfg_options, check_config_types


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line (the OpenMMLab train flags)."""
    parser = argparse.ArgumentParser(description='Train a grass_mm config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='folder for logs and checkpoints')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from this checkpoint, or from the latest in the work dir if no path')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def build_config(args: argparse.Namespace) -> Config:
    """Loads the config and applies the command-line flags.

    Args:
        args (argparse.Namespace): Parsed flags.

    Returns:
        Config: The config to build the runner from.
    """
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None and args.resume != 'auto':
        if not osp.isfile(args.resume):
            raise FileNotFoundError(f'--resume checkpoint not found: {args.resume}')
        cfg.resume, cfg.load_from = True, args.resume
    if args.cfg_options:
        check_cfg_options(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    check_config_types(cfg)
    if args.resume == 'auto':
        # the newest complete checkpoint, also when a kill left `last_checkpoint` empty or dangling
        cfg.load_from = find_resumable_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        init_cpu_process_group(cfg)
    return cfg


def init_cpu_process_group(cfg: Config) -> None:
    """Starts a gloo process group from torchrun's variables and sets DDP up without device ids.

    Args:
        cfg (Config): The config; its ``model_wrapper_cfg`` gets ``device_ids=None``.
    """
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel', broadcast_buffers=False)
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def main(argv=None) -> None:
    """Builds the runner from the config and trains."""
    cfg = build_config(parse_args(argv))
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    runner.train()
    if dist.is_available() and dist.is_initialized():
        # left to interpreter exit, gloo's threads are sometimes torn down mid-use and a finished rank
        # aborts ("terminate called without an active exception", SIGABRT), failing the whole torchrun job
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
