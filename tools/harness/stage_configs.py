"""Stage configs of the end-to-end study (``tools/pipeline.py``): pretraining, fine-tuning, evaluation.

Each function loads a repository config and overrides only what the study controls: data location,
iteration count (the schedule and warm-up follow it), seed, work dir, the pretraining view size and the
backbone checkpoint.
"""
import copy
from pathlib import Path
from typing import Dict, Optional

from mmengine.config import Config

from grass_mm.rsi.layout import META_FILE, read_meta
from grass_mm.utils.atomic_write import PathLike
from grass_mm.utils.schedule import fit_schedule


def scale_iterations(cfg: Config, iters: int) -> Config:
    """Sets ``train_cfg.max_iters`` and lets the schedule follow it, as ``tools/train.py`` does.

    The schedule follows through :func:`grass_mm.utils.schedule.fit_schedule` (scheduler bounds written as
    fractions of the training length; GraSSHook's ``warmup_ratio`` for the ID -> GS switch). Besides, the
    study validates once at the end, checkpoints at its old share of the run and logs at least 5 times.

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
    if not old:
        raise ValueError(f'{cfg.filename}: the study needs an iteration-based config (train_cfg.max_iters)')
    cfg.train_cfg.max_iters = iters
    fit_schedule(cfg)
    if 'val_interval' in cfg.train_cfg:
        cfg.train_cfg.val_interval = iters
    hooks = cfg.default_hooks
    hooks.checkpoint.interval = max(1, round(hooks.checkpoint.interval * iters / old))
    hooks.logger.interval = max(1, min(hooks.logger.interval, iters // 5))
    return cfg


# ResNet stage strides and dilations per output stride: at 16 the last stage keeps layer3's resolution and
# reaches as far by dilation.
RESNET_OUTPUT_STRIDES = {16: dict(strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2)),
                         32: dict(strides=(1, 2, 2, 2), dilations=(1, 1, 1, 1))}


def view_size_options(cfg: Config, size: int, output_stride: Optional[int] = None) -> Dict[str, object]:
    """``--cfg-options`` that set a pretraining config's view side, keeping the ratios between its views, and
    optionally the backbone's output stride.

    Every ``RandomResizedCrop`` of the ``MultiView`` entry of ``train_dataloader.dataset.pipeline`` (one per
    view pipeline: two for BYOL's asymmetric views, large and small for SwAV's multi-crop) gets ``size`` times
    its scale over the first one's, so the first view is ``size`` px and SwAV's small crops shrink with it.
    With ``output_stride=16`` a ResNet's last stage runs at stride 1 with dilation 2: the Grad-CAM map of a
    112 px view is then 7 x 7 cells, as for the paper's 224 px views at stride 32; dilation changes no
    weight, so the backbone transfers unchanged.

    Args:
        cfg (Config): A pretraining config.
        size (int): The new side of the first view pipeline's crops (>= 1).
        output_stride (int, optional): 16 or 32 for ``model.backbone`` (a ResNet); None leaves the backbone
            as configured. Defaults to None.

    Returns:
        dict: Option key (e.g. ``train_dataloader.dataset.pipeline.1.transforms.0.0.scale``) -> value.

    Raises:
        ValueError: If ``size < 1``, the output stride is not 16 or 32, or the pipeline has no ``MultiView``
            whose view pipelines start with a square ``RandomResizedCrop``.
    """
    if size < 1:
        raise ValueError(f'the view size must be >= 1, got {size}')
    if output_stride not in (None, 16, 32):
        raise ValueError(f'output_stride must be 16 or 32, got {output_stride!r}')
    pipeline = cfg.train_dataloader.dataset.pipeline
    crops = {}
    for index, transform in enumerate(pipeline):
        if transform.type != 'MultiView':
            continue
        for view, views in enumerate(transform.transforms):
            for position, step in enumerate(views):
                if step.type == 'RandomResizedCrop' and isinstance(step.scale, int):
                    crops[f'train_dataloader.dataset.pipeline.{index}.transforms.{view}.{position}.scale'] = step.scale
    if not crops:
        raise ValueError(f'{cfg.filename}: no MultiView with a square RandomResizedCrop in '
                         'train_dataloader.dataset.pipeline; cannot set the view size')
    first = next(iter(crops.values()))
    options = {key: max(1, round(size * scale / first)) for key, scale in crops.items()}
    if output_stride is not None:
        options.update({f'model.backbone.{key}': value for key, value in RESNET_OUTPUT_STRIDES[output_stride].items()})
    return options


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
        view_size (int, optional): Side of the first view (the others keep their ratio to it, see
            :func:`view_size_options`); None keeps the config's views and backbone. Defaults to None.
        output_stride (int): Backbone output stride with ``view_size``. Defaults to 32.

    Returns:
        Config: The stage config.
    """
    cfg = scale_iterations(Config.fromfile(str(config)), iters)
    if view_size is not None:
        cfg.merge_from_dict(view_size_options(cfg, view_size, output_stride))
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
