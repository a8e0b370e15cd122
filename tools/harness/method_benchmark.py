"""Training-step time of every pretraining method of the method table relative to SimCLR, side by side.

Each method's model and optimiser are built from its CPU-size config (``tools/harness/methods.py``) and fed random
images of the config's batch size with every view the config's ``MultiView`` cuts (two 96 px views; SwAV 2 x 96 + 6
x 41 px). One step is ``model.train_step``, as mmengine's loop runs it: preprocessing, loss, backward and the
config's optimiser step. Hooks do not run (SimSiam's fixed predictor lr, SwAV's queue and frozen prototypes:
negligible in time); a model with training phases is timed in its last phase (the one after the warm-up) when its
config switches it with GraSSHook, else in its first (the SimCLR baseline). The methods alternate within every
round, after one warm-up round. With ``views=(size, output_stride)`` every method is timed a second time, in the
same rounds, with the study's views (``tools/study.py --view-size --output-stride``), as a row ``<method>
<size>px/os<stride>``.
"""
import statistics
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.utils import import_modules_from_strings

from tools.harness.methods import METHODS, get_method
from tools.harness.stage_configs import RESNET_OUTPUT_STRIDES
from tools.harness.timing import measured

REFERENCE = 'simclr'


def view_sides(cfg: Config) -> List[int]:
    """The side of every view the config's ``MultiView`` cuts, in the order the model receives them.

    Args:
        cfg (Config): A pretraining config.

    Returns:
        list[int]: One side (px) per view.
    """
    multiview = next(t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'MultiView')
    counts = multiview.num_views
    if isinstance(counts, int):
        counts = [counts] * len(multiview.transforms)
    sides = []
    for count, views in zip(counts, multiview.transforms):
        crop = next(step for step in views if step.type == 'RandomResizedCrop')
        sides += [crop.scale] * count
    return sides


def build_step(name: str, images: Optional[int], device: torch.device, size: Optional[int] = None,
               output_stride: Optional[int] = None) -> Dict:
    """Builds a method's model, optimiser and random batch from its CPU config.

    Args:
        name (str): A method of the table that pretrains.
        images (int, optional): Images per step; None: the config's batch size.
        device (torch.device): Where the step runs.
        size (int, optional): Side of the largest view (the others keep their ratio). Defaults to None.
        output_stride (int, optional): 16 or 32 for the ResNet backbone. Defaults to None (the config's).

    Returns:
        dict: As :func:`build_config_step`.
    """
    cfg = Config.fromfile(str(get_method(name).config_path))
    if output_stride is not None:
        cfg.model.backbone.update(RESNET_OUTPUT_STRIDES[output_stride])
    return build_config_step(cfg, images, device, size)


def build_config_step(cfg: Config, images: Optional[int], device: torch.device, size: Optional[int] = None) -> Dict:
    """Builds the model, optimiser and a random batch of any pretraining config.

    Args:
        cfg (Config): A pretraining config.
        images (int, optional): Images per step; None: the config's batch size.
        device (torch.device): Where the step runs.
        size (int, optional): Side of the largest view; the others keep their ratio to it. Defaults to None
            (the config's views).

    Returns:
        dict: ``step`` (a callable running one training step), ``images``, ``sides``, ``params`` (trainable
        parameters) and ``phase`` (the training phase it runs in; None for a model without phases).
    """
    from mmpretrain.registry import MODELS
    from mmpretrain.structures import DataSample
    import_modules_from_strings(**cfg.custom_imports)
    images = images or cfg.train_dataloader.batch_size
    max_iters = cfg.train_cfg.get('max_iters') or cfg.train_cfg.get('max_epochs')
    MessageHub.get_current_instance().update_info('max_iters', max_iters)  # cosine EMA momenta
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = MODELS.build(cfg.model)
        if device.type == 'cpu':  # SyncBN of the paper-size configs runs on GPUs only
            model = revert_sync_batchnorm(model)
        model = model.to(device).train()
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    # a model with training phases is timed in the phase its config trains in after the warm-up: the last one
    # when GraSSHook switches it, else the first (the SimCLR baseline is the GraSS model without the hook)
    phases = getattr(model, 'PHASES', None)
    if phases:
        switched = any(hook.get('type') == 'GraSSHook' for hook in cfg.get('custom_hooks', []))
        model.set_phase(phases[-1] if switched else phases[0])
    generator = torch.Generator().manual_seed(0)
    sides = view_sides(cfg)
    if size is not None:
        sides = [max(1, round(side * size / max(sides))) for side in sides]
    data = dict(inputs=[torch.randint(0, 256, (images, 3, side, side), generator=generator, dtype=torch.uint8)
                        for side in sides], data_samples=[DataSample() for _ in range(images)])
    return dict(step=lambda: model.train_step(data, optim_wrapper), images=images, sides=sides,
                params=sum(p.numel() for p in model.parameters() if p.requires_grad),
                phase=getattr(model, 'phase', None))


def bench_methods(names: Sequence[str], images: Optional[int], repeats: int, device: torch.device,
                  log: Callable[[str], None] = print, views: Optional[Tuple[int, int]] = None) -> Dict[str, Dict]:
    """Median step time of every method and its ratio to SimCLR's step in the same round.

    Args:
        names (Sequence[str]): Methods to time (SimCLR is added first when missing).
        images (int, optional): Images per step for every method; None: each config's batch size.
        repeats (int): Timed rounds after the warm-up round (>= 1).
        device (torch.device): Where the steps run.
        log (Callable[[str], None]): Progress output. Defaults to ``print``.
        views (tuple[int, int], optional): ``(view size, output stride)``: also time every method with these
            views, as rows ``<method> <size>px/os<stride>``. Defaults to None.

    Returns:
        dict: Row (method, or method with the study's views) -> ``family``, ``images``, ``sides``, ``params``,
        ``seconds`` (median), ``ratio`` (median of the per-round ratios to SimCLR at its config's views),
        ``ratio_min``, ``ratio_max``.
    """
    methods = list(dict.fromkeys([REFERENCE, *names]))
    variants = {name: (name, None, None) for name in methods}
    if views is not None:
        variants.update({f'{name} {views[0]}px/os{views[1]}': (name, *views) for name in methods})
    names, steps = list(variants), {}
    for name, (method, size, output_stride) in variants.items():
        log(f'building {name}')
        steps[name] = build_step(method, images, device, size, output_stride)
    seconds: Dict[str, List[float]] = {name: [] for name in names}
    for round_ in range(repeats + 1):
        for name in names:
            run = measured(steps[name]['step'], device)
            if round_ > 0:
                seconds[name].append(run['seconds'])
        log(f'round {round_}/{repeats}' + (' (warm-up)' if round_ == 0 else ''))
    results = {}
    for name in names:
        ratios = [mine / ref for mine, ref in zip(seconds[name], seconds[REFERENCE])]
        results[name] = dict(family=METHODS[variants[name][0]].family, images=steps[name]['images'],
                             sides=steps[name]['sides'], params=steps[name]['params'],
                             seconds=statistics.median(seconds[name]), ratio=statistics.median(ratios),
                             ratio_min=min(ratios), ratio_max=max(ratios))
    return results


def methods_table(results: Dict[str, Dict]) -> str:
    """The results as a markdown table, one row per method.

    Args:
        results (dict): :func:`bench_methods`' output.

    Returns:
        str: The table.
    """
    lines = ['| method | family | views per image (px) | trainable params (M) | step (s, median) | '
             f'step / {REFERENCE} step (median, min-max over rounds) |', '|---|---|---|--:|--:|--:|']
    for name, row in results.items():
        sides = ' + '.join(f'{row["sides"].count(side)} x {side}' for side in dict.fromkeys(row['sides']))
        lines.append(f'| {name} | {row["family"]} | {sides} | {row["params"] / 1e6:.2f} | {row["seconds"]:.3f} | '
                     f'{row["ratio"]:.2f} ({row["ratio_min"]:.2f}-{row["ratio_max"]:.2f}) |')
    return '\n'.join(lines)
