"""Draw what GraSS's gradient guided sampler picks on a folder of RSI images.

    python tools/visualize_sampling.py CONFIG --checkpoint CKPT --images DIR --out-dir DIR \
        [--batches 2 --batch-size 4 --seed 0]

One PNG per batch, a row per view: the augmented view | its Grad-CAM map over it with the chosen box |
the crop resized back (what the GS phase trains on). Views are made by the config's training pipeline.
"""
import argparse
import os.path as osp
from typing import Optional, Tuple

import mmengine
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint
from mmengine.utils import import_modules_from_strings
from torch.utils.data import DataLoader

import grass_mm  # noqa: F401
from grass_mm.visualization import preview_batch, save_grid


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line."""
    parser = argparse.ArgumentParser(description='Visualise GraSS gradient guided sampling')
    parser.add_argument('config', help='a GraSS pretraining config')
    parser.add_argument('--checkpoint', help='GraSS/SimCLR checkpoint (default: random initialisation)')
    parser.add_argument('--images', required=True, help='folder of RSI images')
    parser.add_argument('--out-dir', required=True, help='where the PNG grids are written')
    parser.add_argument('--batches', type=int, default=2, help='number of pictures')
    parser.add_argument('--batch-size', type=int, default=4, help='images per picture (2 views each)')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def build_model_and_loader(config: str, checkpoint: Optional[str], images: str, batch_size: int,
                           seed: int = 0) -> Tuple[torch.nn.Module, DataLoader]:
    """The config's GraSS (or plug-in) model in train mode and its training pipeline on a folder of images.

    Args:
        config (str): A pretraining config whose model has ``sampling_preview`` (GraSS or a plug-in model).
        checkpoint (str, optional): Checkpoint to load (strictly); None keeps the random initialisation.
        images (str): Folder of RSI images, read by the config's training dataset and pipeline.
        batch_size (int): Images per batch (two views each).
        seed (int): Seed of the initialisation and of the loader. Defaults to 0.

    Returns:
        tuple: The model and the data loader.
    """
    for path, what in ((config, 'config file'), (checkpoint, 'checkpoint')):
        if path is not None and not osp.isfile(path):
            raise FileNotFoundError(f'{what} not found: {path}')
    cfg = Config.fromfile(config)
    import_modules_from_strings(**cfg.get('custom_imports', dict(imports=['grass_mm.pretrain'])))
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    from mmpretrain.registry import MODELS

    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    if not hasattr(model, 'sampling_preview'):
        raise TypeError(f'{config}: model type {cfg.model.type} has no gradient guided sampling')
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    model.train()
    loader_cfg = cfg.train_dataloader
    loader_cfg.update(batch_size=batch_size, num_workers=0, persistent_workers=False)
    loader_cfg.dataset.data_root = images
    loader_cfg.dataset.pop('data_prefix', None)
    loader_cfg.dataset.pop('ann_file', None)
    return model, Runner.build_dataloader(loader_cfg, seed=seed)


def main(argv=None) -> list:
    """Writes the grids and returns their paths."""
    args = parse_args(argv)
    model, loader = build_model_and_loader(args.config, args.checkpoint, args.images, args.batch_size, args.seed)
    mmengine.mkdir_or_exist(args.out_dir)
    written = []
    for index, batch in zip(range(args.batches), loader):
        picked = preview_batch(model, batch, max_views=2 * args.batch_size)
        path = save_grid(picked['grid'], osp.join(args.out_dir, f'sampling_batch{index}.png'))
        written.append(path)
        print(f'{path}: {picked["views"]} views, mean box area {picked["box_area_frac"]:.1%} of the view, '
              f'{picked["degenerate"]} degenerate maps')
    return written


if __name__ == '__main__':
    main()
