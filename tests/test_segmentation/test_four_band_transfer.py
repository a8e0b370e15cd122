"""4 bands end to end with the repository's configs: GraSS pretraining on 4-band tiles across the ID -> GS
switch, backbone extraction, 4-band DeepLabV3+ fine-tuning from it with every backbone tensor kept."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from tools import extract_backbone

REPO = Path(__file__).resolve().parents[2]
GRASS_RGBIR = REPO / 'configs' / 'grass' / 'grass_resnet50_1xb256-coslr-350e_potsdam-rgbir.py'
SEG_RGBIR = REPO / 'configs' / 'benchmarks' / 'deeplabv3plus' / \
    'deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_potsdam-rgbir-256x256.py'

pytestmark = pytest.mark.filterwarnings('ignore::rasterio.errors.NotGeoreferencedWarning')


def _scene(rng: np.random.Generator, size: int) -> np.ndarray:
    """A 4-band (R, G, B, IR) scene with structure: blocks of random colour plus noise."""
    blocks = rng.integers(0, 255, (size // 16, size // 16, 4)).repeat(16, 0).repeat(16, 1)
    return np.clip(blocks + rng.normal(0, 12, blocks.shape), 0, 255).astype(np.uint8)


def _potsdam_rgbir(root: Path, write_raster) -> Path:
    """The tree of tools/dataset_converters/potsdam.py --all-bands: tiles/train, img_dir, ann_dir."""
    rng = np.random.default_rng(0)
    for index in range(4):
        write_raster(root / 'tiles' / 'train' / f'{index}.tif', _scene(rng, 160), photometric='MINISBLACK',
                     tiled=True, blockxsize=64, blockysize=64, compress='deflate')
    for split, count in (('train', 4), ('val', 2)):
        for index in range(count):
            write_raster(root / 'img_dir' / split / f'{index}.tif', _scene(rng, 96), photometric='MINISBLACK')
            (root / 'ann_dir' / split).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(root / 'ann_dir' / split / f'{index}.png'), rng.integers(0, 7, (96, 96), np.uint8))
    return root


def _child_config(path: Path, base: Path, body: str) -> Path:
    """A config file that inherits ``base`` and shortens its schedule to 2 iterations."""
    path.write_text(f"_base_ = ['{base}']\n{body}\n")
    return path


def test_four_band_pretraining_extraction_and_fine_tuning(tmp_path, write_raster, run_train, read_scalars):
    data = _potsdam_rgbir(tmp_path / 'potsdam_rgbir', write_raster)

    pretrain_cfg = _child_config(tmp_path / 'grass_rgbir_2it.py', GRASS_RGBIR, '\n'.join([
        "train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=2)",
        "param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False, begin=0, end=2)]",
        "custom_hooks = [dict(type='GraSSHook', warmup_iters=1)]",
        "default_hooks = dict(checkpoint=dict(by_epoch=False, interval=2), logger=dict(interval=1))",
        'log_processor = dict(by_epoch=False)']))
    pretrain_dir = tmp_path / 'pretrain'
    run_train(pretrain_cfg, pretrain_dir, [
        f'train_dataloader.dataset.data_root={data}', 'train_dataloader.dataset.samples_per_image=1',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_dataloader.dataset.pipeline.0.window_size=96',
        'train_dataloader.dataset.pipeline.1.transforms.0.0.transforms.0.scale=64', 'optim_wrapper.optimizer.lr=0.01',
        'randomness.deterministic=True'])
    rows = [row for row in read_scalars(pretrain_dir) if 'loss' in row]
    assert [row['gs_phase'] for row in rows] == [0.0, 1.0]  # iteration 1: ID warm-up, iteration 2: GS
    assert all(np.isfinite(row['loss']) for row in rows)
    pretrained = torch.load(pretrain_dir / 'iter_2.pth', weights_only=True)['state_dict']
    assert pretrained['backbone.conv1.weight'].shape == (64, 4, 7, 7)

    backbone_path = tmp_path / 'backbone.pth'
    assert extract_backbone.main([str(pretrain_dir / 'iter_2.pth'), str(backbone_path)]) == 0
    backbone = torch.load(backbone_path, weights_only=True)

    seg_cfg = _child_config(tmp_path / 'seg_rgbir_2it.py', SEG_RGBIR, '\n'.join([
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2)",
        "default_hooks = dict(checkpoint=dict(by_epoch=False, interval=2), logger=dict(interval=1))"]))
    seg_dir = tmp_path / 'finetune'
    run_train(seg_cfg, seg_dir, [
        f'train_dataloader.dataset.dataset.data_root={data}', f'val_dataloader.dataset.data_root={data}',
        f'model.backbone.init_cfg.checkpoint={backbone_path}', 'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
        'train_dataloader.dataset.dataset.pipeline.2.scale=(96,96)',
        'train_dataloader.dataset.dataset.pipeline.3.crop_size=(64,64)', 'model.data_preprocessor.size=(64,64)',
        'val_dataloader.dataset.pipeline.1.scale=(64,64)'])
    finetuned = torch.load(seg_dir / 'iter_2.pth', weights_only=True)['state_dict']
    seg_backbone = {key[len('backbone.'):]: value for key, value in finetuned.items() if key.startswith('backbone.')}
    assert set(seg_backbone) == set(backbone) and seg_backbone['conv1.weight'].shape == (64, 4, 7, 7)
    for key, value in backbone.items():  # frozen: still the pretrained tensors after 2 iterations
        assert torch.equal(seg_backbone[key], value), key
        assert torch.equal(value, pretrained[f'backbone.{key}']), key
    losses = [row['loss'] for row in read_scalars(seg_dir) if 'loss' in row]
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert any('mIoU' in row for row in read_scalars(seg_dir))
