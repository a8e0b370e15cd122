"""Evaluate a checkpoint of a grass_mm config (mmseg segmentors) with mmengine's Runner.

Same flags as mmseg's ``tools/test.py`` (``--out``, ``--show``, ``--show-dir``, ``--wait-time``, ``--tta``),
plus ``--data-root``; the config is loaded with the checks of ``tools/train.py`` (a ``--cfg-options`` key the
Runner never reads is refused, naming the key to set instead).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--data-root DIR] [--show-dir DIR] [--out DIR]
    bash tools/dist_test.sh CONFIG CHECKPOINT 8           # torchrun, one process per GPU
"""
import argparse
import os
import os.path as osp

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

import grass_mm  # noqa: F401  (version check, checkpoint allow-list)
from grass_mm.utils.tool_config import init_cpu_process_group, load_config, set_work_dir


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line (mmseg's test flags)."""
    parser = argparse.ArgumentParser(description='Test a checkpoint of a grass_mm config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='folder for logs and metrics')
    parser.add_argument('--out', help='folder for the predicted class-index masks (one PNG per image)')
    parser.add_argument('--show', action='store_true', help='show the predictions in a window')
    parser.add_argument('--show-dir', help='folder for every test image painted with the ground truth and the '
                        'prediction (in SHOW_DIR/vis_data/vis_image)')
    parser.add_argument('--wait-time', type=float, default=2, help='seconds each shown image stays (--show)')
    parser.add_argument('--tta', action='store_true',
                        help="test-time augmentation: the config's tta_pipeline and tta_model (multi-scale, flip)")
    parser.add_argument('--data-root', help='data root of every dataset of the config (train, val, test)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def apply_test_flags(cfg: Config, args: argparse.Namespace) -> Config:
    """Applies ``--show``, ``--show-dir``, ``--tta`` and ``--out`` as mmseg's ``tools/test.py`` does.

    Args:
        cfg (Config): The config, changed in place.
        args (argparse.Namespace): Parsed flags.

    Returns:
        Config: ``cfg``.

    Raises:
        KeyError: Naming the config key a flag needs when the config lacks it.
    """
    if args.show or args.show_dir:
        hook = cfg.default_hooks.get('visualization')
        if hook is None:
            raise KeyError(f'--show/--show-dir need default_hooks.visualization (e.g. '
                           f"dict(type='SegVisualizationHook')) in {cfg.filename}")
        hook['draw'] = True
        hook.setdefault('interval', 1)  # every test image (the hook's own default paints every 50th)
        if args.show:
            hook.update(show=True, wait_time=args.wait_time)
        if args.show_dir:
            cfg.visualizer['save_dir'] = args.show_dir
    if args.tta:
        missing = [key for key in ('tta_pipeline', 'tta_model') if key not in cfg]
        if missing:
            raise KeyError(f'--tta needs {" and ".join(missing)} in {cfg.filename} (see '
                           'configs/_base_/datasets/rsi_seg.py and configs/_base_/seg_runtime.py)')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    return cfg


def main(argv=None) -> dict:
    """Builds the runner, loads the checkpoint and runs the test loop.

    Returns:
        dict: The metrics of the test loop.
    """
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    cfg.launcher = args.launcher
    set_work_dir(cfg, args.config, args.work_dir)
    cfg.load_from = args.checkpoint
    apply_test_flags(cfg, args)
    if args.launcher == 'pytorch' and not torch.cuda.is_available():
        init_cpu_process_group(cfg)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg)
    metrics = runner.test()
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
    return metrics


if __name__ == '__main__':
    main()
