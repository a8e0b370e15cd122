"""Stage configs of the end-to-end study (``tools/pipeline.py``): pretraining, fine-tuning, evaluation.

Each function loads a repository config and overrides only what the study controls: data location,
iteration count (schedules and warm-up scaled with it), seed, work dir and the backbone checkpoint.
"""
import copy
from pathlib import Path
from typing import Optional

from mmengine.config import Config

from grass_mm.rsi.layout import META_FILE, read_meta
from grass_mm.utils.atomic_write import PathLike


def scale_iterations(cfg: Config, iters: int) -> Config:
    """Sets ``train_cfg.max_iters`` and scales the schedule with it, keeping its shape.

    Param-scheduler ``begin``/``end``/``T_max``, hooks' ``warmup_iters`` (GraSS's ID -> GS switch) and the
    checkpoint interval are multiplied by ``iters / old max_iters`` and rounded (a scheduler keeps at least
    two iterations); the last checkpoint is always saved (mmengine's ``save_last``).

    Args:
        cfg (Config): An iteration-based config (``train_cfg.max_iters``), changed in place.
        iters (int): The new number of training iterations (>= 1).

    Returns:
        Config: ``cfg``.

    Raises:
        ValueError: If ``iters < 1`` or the config is not iteration-based.
    """
    if iters < 1:
        raise ValueError(f'the iteration count must be >= 1, got {iters}')
    old = cfg.train_cfg.get('max_iters')
    if not old or any(s.get('by_epoch', True) for s in cfg.get('param_scheduler', [])):
        raise ValueError(f'{cfg.filename}: the study needs an iteration-based config (train_cfg.max_iters and '
                         'param_scheduler entries with by_epoch=False)')
    factor = iters / old
    for scheduler in cfg.get('param_scheduler', []):
        begin = round(scheduler.get('begin', 0) * factor)
        scheduler.begin = begin
        if isinstance(scheduler.get('end'), int):
            # at least 2 steps: a 1-step LinearLR never reaches its end factor and leaves the lr at start_factor
            scheduler.end = max(begin + 2, round(scheduler.end * factor))
        if isinstance(scheduler.get('T_max'), int):
            scheduler.T_max = max(1, round(scheduler.T_max * factor))
    for hook in cfg.get('custom_hooks', []):
        if isinstance(hook.get('warmup_iters'), int):
            hook.warmup_iters = min(iters, round(hook.warmup_iters * factor))
    cfg.train_cfg.max_iters = iters
    if 'val_interval' in cfg.train_cfg:
        cfg.train_cfg.val_interval = iters
    hooks = cfg.default_hooks
    hooks.checkpoint.interval = max(1, round(hooks.checkpoint.interval * factor))
    hooks.logger.interval = max(1, min(hooks.logger.interval, iters // 5))
    return cfg


def set_view_resolution(cfg: Config, view_size: int, output_stride: int = 32) -> Config:
    """Sets the pretraining views' size and the backbone's output stride, for any method's config.

    Every ``RandomResizedCrop`` of the training pipeline is scaled by ``view_size / largest crop`` (so a
    multi-crop pipeline keeps its large/small ratio) and a ResNet backbone's last stage runs at stride 1 with
    dilation 2 for ``output_stride=16``: the Grad-CAM map of a 112 px view is then 7 x 7 cells, as for the
    paper's 224 px views at stride 32. Dilation changes no weight, so the backbone transfers unchanged.

    Args:
        cfg (Config): A pretraining config, changed in place.
        view_size (int): Side of the (large) views in pixels.
        output_stride (int): 32 (the standard ResNet) or 16. Defaults to 32.

    Returns:
        Config: ``cfg``.

    Raises:
        ValueError: If the pipeline has no ``RandomResizedCrop`` or the stride is not 16 or 32.
    """
    if output_stride not in (16, 32):
        raise ValueError(f'output_stride must be 16 or 32, got {output_stride!r}')
    crops = [t for t in _walk(cfg.train_dataloader.dataset.pipeline) if t.get('type') == 'RandomResizedCrop']
    if not crops:
        raise ValueError(f'{cfg.filename}: no RandomResizedCrop in train_dataloader.dataset.pipeline')
    largest = max(int(t['scale']) for t in crops)
    for crop in crops:
        crop['scale'] = max(1, round(int(crop['scale']) * view_size / largest))
    if output_stride == 16:  # the last stage keeps layer3's resolution, its receptive field by dilation
        cfg.model.backbone.update(strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2))
    else:
        cfg.model.backbone.update(strides=(1, 2, 2, 2), dilations=(1, 1, 1, 1))
    return cfg


def _walk(node):
    """Every dict inside nested lists/dicts (pipelines nest transforms in MultiView and RandomApply)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)


def _common(cfg: Config, work_dir: PathLike, seed: int, name: str) -> Config:
    """Applies the study-wide settings every stage shares."""
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = name
    cfg.randomness = dict(seed=seed, deterministic=False)
    cfg.resume, cfg.load_from = True, None  # continue an interrupted stage from its latest checkpoint
    return cfg


def pretrain_config(config: PathLike, data_root: PathLike, work_dir: PathLike, iters: int, seed: int,
                    name: str, view_size: Optional[int] = None, output_stride: int = 32) -> Config:
    """The pretraining stage of any method on the train split's images (``RSIImageFolder``).

    Args:
        config (str | PathLike): An iteration-based ``RSIImageFolder`` pretraining config.
        data_root (str | PathLike): Dataset folder; ``images/`` listed by ``splits/train.txt`` (stems).
        work_dir (str | PathLike): The stage's folder.
        iters (int): Training iterations.
        seed (int): Random seed.
        name (str): Experiment name (unique within the process).
        view_size (int, optional): View side, see :func:`set_view_resolution`. Defaults to None (the
            config's own views and backbone).
        output_stride (int): Backbone output stride with ``view_size``. Defaults to 32.

    Returns:
        Config: The stage config.
    """
    cfg = scale_iterations(Config.fromfile(str(config)), iters)
    if view_size is not None:
        set_view_resolution(cfg, view_size, output_stride)
    dataset = cfg.train_dataloader.dataset
    dataset.data_root, dataset.data_prefix, dataset.ann_file = str(data_root), 'images', 'splits/train.txt'
    return _common(cfg, work_dir, seed, name)


def finetune_config(config: PathLike, data_root: PathLike, backbone: Optional[PathLike], work_dir: PathLike,
                    iters: int, seed: int, name: str, label_fraction: float = 1.0) -> Config:
    """The DeepLabV3+ fine-tuning stage (train split); the val split is left to ``evaluation_config``.

    Args:
        config (str | PathLike): An ``RSISegDataset`` fine-tuning config (e.g. the CPU DeepLabV3+ R18).
        data_root (str | PathLike): Dataset folder (``images/``, ``masks/``, ``splits/``, ``meta.json``).
        backbone (str | PathLike, optional): Extracted backbone; None trains from random initialisation.
        work_dir (str | PathLike): The stage's folder.
        iters (int): Training iterations.
        seed (int): Random seed.
        name (str): Experiment name (unique within the process).
        label_fraction (float): Share of the training images to train on (``LabelFractionDataset``, seeded
            with ``seed``). Defaults to 1.0.

    Returns:
        Config: The stage config; its val dataloader/evaluator are used by the evaluation stage.
    """
    cfg = scale_iterations(Config.fromfile(str(config)), iters)
    meta = read_meta(Path(data_root) / META_FILE)
    ignore_index = int(meta['ignore_index'])
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        dataset = loader.dataset
        while 'dataset' in dataset:  # wrappers such as LabelFractionDataset
            dataset = dataset.dataset
        dataset.data_root = str(data_root)
    if label_fraction != 1.0:
        if cfg.train_dataloader.dataset.type != 'LabelFractionDataset':
            raise ValueError(f'{config}: a label fraction needs the training set wrapped in LabelFractionDataset')
        cfg.train_dataloader.dataset.update(fraction=label_fraction, seed=seed)
    for head in (cfg.model.decode_head, cfg.model.get('auxiliary_head')):
        if head:  # a linear probe has no auxiliary head
            head.num_classes, head.ignore_index = len(meta['classes']), ignore_index
    cfg.val_evaluator.ignore_index = ignore_index
    cfg.test_evaluator = cfg.val_evaluator
    # no validation inside the training loop: the evaluation stage measures the final checkpoint once
    cfg.train_cfg.val_begin = iters + 1
    cfg.model.backbone.init_cfg = None if backbone is None else dict(type='Pretrained',
                                                                     checkpoint=str(backbone))
    return _common(cfg, work_dir, seed, name)


def evaluation_config(finetune_cfg: Config, checkpoint: PathLike, work_dir: PathLike, name: str) -> Config:
    """The evaluation stage: the fine-tuned model on the val split.

    Args:
        finetune_cfg (Config): The fine-tuning stage's config.
        checkpoint (str | PathLike): The fine-tuned checkpoint.
        work_dir (str | PathLike): The stage's folder (logs only).
        name (str): Experiment name (unique within the process).

    Returns:
        Config: A copy of ``finetune_cfg`` that loads ``checkpoint``.
    """
    cfg = copy.deepcopy(finetune_cfg)
    cfg.work_dir, cfg.experiment_name = str(work_dir), name
    cfg.resume, cfg.load_from = False, str(checkpoint)
    cfg.model.backbone.init_cfg = None  # the weights come from the fine-tuned checkpoint
    return cfg
