"""Step times of the paper-size configs, measured on this machine, for the plan's GPU-hour estimate."""
import statistics
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.utils import import_modules_from_strings

from .method_benchmark import build_config_step, view_sides
from .paper_stages import FINETUNE_BATCH, PAPER_BATCH, PAPER_DATASETS, REPO, paper_config
from .timing import measured


def segmentation_step(cfg: Config, images: int, size: int, device: torch.device) -> Callable[[], None]:
    """One training step of a fine-tuning config on random ``size`` px crops (the backbone left random).

    Args:
        cfg (Config): An mmseg fine-tuning config.
        images (int): Crops per step.
        size (int): Crop side.
        device (torch.device): Where the step runs.

    Returns:
        Callable[[], None]: Runs ``model.train_step`` once.
    """
    from mmengine.structures import PixelData
    from mmseg.registry import MODELS
    from mmseg.structures import SegDataSample
    import_modules_from_strings(**cfg.custom_imports)
    cfg.model.backbone.init_cfg = None
    cfg.model.data_preprocessor.size = (size, size)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
        model = (revert_sync_batchnorm(model) if device.type == 'cpu' else model).to(device).train()
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    generator = torch.Generator().manual_seed(0)
    classes = cfg.model.decode_head.num_classes
    samples = []
    for _ in range(images):
        sample = SegDataSample(metainfo=dict(img_shape=(size, size), ori_shape=(size, size), pad_shape=(size, size)))
        sample.gt_sem_seg = PixelData(data=torch.randint(0, classes, (1, size, size), generator=generator))
        samples.append(sample)
    data = dict(inputs=[torch.randint(0, 256, (3, size, size), generator=generator, dtype=torch.uint8)
                        for _ in range(images)], data_samples=samples)
    return lambda: model.train_step(data, optim_wrapper)


def median_seconds(step: Callable[[], None], device: torch.device, repeats: int) -> float:
    """Median seconds of ``repeats`` calls after one warm-up call."""
    step()
    return statistics.median(measured(step, device)['seconds'] for _ in range(repeats))


def measure_step_seconds(methods: Sequence[str], dataset: str, gpus: int, finetune_gpus: int, device: torch.device,
                         images: Optional[int] = None, size: Optional[int] = None, repeats: int = 2,
                         log: Callable[[str], None] = print) -> Dict[str, dict]:
    """Seconds of one training step per GPU of every stage kind, measured here and scaled to the plan's batch.

    Each method's paper config (and the dataset's fine-tuning config) runs ``repeats`` steps of ``images``
    images whose largest view is ``size`` px; the median is scaled linearly to the per-GPU batch of the plan
    (``256 / gpus`` images, ``16 / finetune_gpus`` crops) and to the configs' pixel count. Measured on a GPU at
    the plan's own batch and size, no scaling is applied.

    Args:
        methods (Sequence[str]): Methods that pretrain.
        dataset (str): The dataset whose configs are timed.
        gpus (int): GPUs of a pretraining stage.
        finetune_gpus (int): GPUs of a fine-tuning stage.
        device (torch.device): Where the steps run.
        images (int, optional): Images per measured step. Defaults to None (the plan's per-GPU batch).
        size (int, optional): Largest view / crop side of the measured steps. Defaults to None (the configs').
        repeats (int): Timed steps after the warm-up. Defaults to 2.
        log (Callable[[str], None]): Progress output. Defaults to ``print``.

    Returns:
        dict: Method (and ``'finetune'``) -> ``seconds`` (scaled), ``measured_seconds``, ``images``, ``side``.
    """
    times = {}
    for method in methods:
        cfg = Config.fromfile(str(paper_config(method, dataset)))
        side, batch = max(view_sides(cfg)), PAPER_BATCH // gpus
        step = build_config_step(cfg, images or batch, device, size)
        seconds = median_seconds(step['step'], device, repeats)
        times[method] = _scaled(seconds, images or batch, batch, size or side, side)
        log(f'{method}: {seconds:.3f} s per step of {step["images"]} x {step["sides"]} px')
    cfg = Config.fromfile(str(REPO / PAPER_DATASETS[dataset].finetune))
    crop, batch = int(cfg.crop_size[0]), FINETUNE_BATCH // finetune_gpus
    seconds = median_seconds(segmentation_step(cfg, images or batch, size or crop, device), device, repeats)
    times['finetune'] = _scaled(seconds, images or batch, batch, size or crop, crop)
    log(f'finetune: {seconds:.3f} s per step of {images or batch} crops of {size or crop} px')
    return times


def _scaled(seconds: float, images: int, batch: int, side: int, full_side: int) -> dict:
    """``seconds`` of ``images`` at ``side`` px, scaled linearly to ``batch`` images at ``full_side`` px."""
    return dict(seconds=seconds * batch / images * (full_side / side) ** 2, measured_seconds=seconds, images=images,
                side=side)


def load_step_seconds(path: Path) -> Dict[str, dict]:
    """Step times written by a measuring run (``--step-times-out``), e.g. on the target GPU.

    Args:
        path (Path): The JSON file.

    Returns:
        dict: As :func:`measure_step_seconds` returns them.
    """
    import json
    return json.loads(Path(path).read_text())['step_seconds']
