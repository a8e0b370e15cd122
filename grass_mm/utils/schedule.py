"""Schedules written relative to the training length: ratios resolved, a schedule that stops early refused.

grass_mm's configs write the scheduler bounds that depend on the training length as fractions of it
(``begin_ratio``/``end_ratio`` of ``train_cfg.max_iters`` or ``max_epochs``) and leave the last scheduler's
``end`` and ``T_max`` to mmengine, which defaults them to the end of training::

    param_scheduler = [
        dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0, end_ratio=0.1),
        dict(type='CosineAnnealingLR', by_epoch=False, begin_ratio=0.1),  # ends with training
    ]

:func:`fit_schedule` turns the ratios into mmengine's ``begin``/``end`` for the config's training length.
``tools/train.py`` applies it to every config after ``--cfg-options``, and the study's stage configs
(``tools/harness/stage_configs.py``) after they set the iteration count, so changing ``max_iters`` or
``max_epochs`` alone keeps the shape of the schedule; ``GraSSHook``'s ``warmup_ratio`` does the same for the
ID -> GS switch. A ratio left unresolved reaches mmengine as an unknown argument and fails loudly.
"""
import logging
import math
from typing import Any, List, Tuple

from mmengine.config import Config
from mmengine.logging import print_log

RATIO_KEYS = (('begin_ratio', 'begin'), ('end_ratio', 'end'))


def training_length(cfg: Config) -> Tuple[bool, int, str]:
    """Returns how the config's train loop counts: ``(by_epoch, length, key)``.

    Args:
        cfg (Config): A config with ``train_cfg``.

    Returns:
        tuple: Whether the loop is epoch-based, its length and the key holding it (``'max_epochs'`` or
        ``'max_iters'``).

    Raises:
        ValueError: If ``train_cfg`` gives neither length.
    """
    train_cfg = cfg.get('train_cfg') or {}
    loop = train_cfg.get('type', '')
    by_epoch = 'Epoch' in loop if loop else bool(train_cfg.get('by_epoch', 'max_epochs' in train_cfg))
    key = 'max_epochs' if by_epoch else 'max_iters'
    if not isinstance(train_cfg.get(key), int):
        raise ValueError(f'{cfg.filename}: train_cfg.{key} must be set (an int) for the schedule to follow the '
                         f'training length, got train_cfg={dict(train_cfg)}')
    return by_epoch, train_cfg[key], key


def _position(ratio: Any, length: int, name: str) -> int:
    """Resolves a fraction of the training length to a scheduler bound (rounded half up).

    A ratio strictly inside (0, 1) resolves to at least 2 steps: a one-step ``LinearLR`` never reaches its
    end factor and would leave the learning rate at ``start_factor`` for the rest of the run.
    """
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 <= ratio <= 1:
        raise ValueError(f'{name} must be a fraction of the training length in [0, 1], got {ratio!r}')
    if ratio in (0, 1):
        return int(ratio * length)
    return min(length, max(2, math.floor(ratio * length + 0.5)))


def fit_schedule(cfg: Config) -> Config:
    """Resolves ``begin_ratio``/``end_ratio`` of ``cfg.param_scheduler`` and checks where the schedule ends.

    Rules:

    - ``begin_ratio``/``end_ratio`` become ``begin``/``end`` = ratio x the training length, in the
      scheduler's unit (``by_epoch``, mmengine's default True, must match the train loop), rounded to whole
      epochs or iterations (``convert_to_iter_based`` then converts whole epochs).
    - A scheduler whose resolved range is empty at this length (a tiny test run) is dropped, with a warning.
    - The schedule must reach the end of training: when the latest ``end`` is before it, the learning rate
      would stay at its last value for the rest of the run, so this raises naming the keys. A schedule that
      ends after training is only warned about (it is cut short).

    Args:
        cfg (Config): The config, changed in place. A config without ``param_scheduler`` is left alone.

    Returns:
        Config: ``cfg``.

    Raises:
        ValueError: Naming the key, for a bad ratio, a ratio given together with its absolute bound, a ratio
            whose unit does not match the train loop, or a schedule that ends before training does.
    """
    schedulers = cfg.get('param_scheduler')
    if not schedulers:
        return cfg
    single = not isinstance(schedulers, (list, tuple))
    if single and 'type' not in schedulers:
        return cfg  # one schedule per optimizer: not handled here
    loop_by_epoch, length, length_key = training_length(cfg)
    unit = 'epochs' if loop_by_epoch else 'iterations'
    kept, ends, resolved_any = [], [], False
    for index, scheduler in enumerate([schedulers] if single else schedulers):
        name = f'param_scheduler[{index}] ({scheduler.get("type")})'
        same_unit = scheduler.get('by_epoch', True) == loop_by_epoch
        resolved = _resolve_ratios(scheduler, name, same_unit, length, length_key)
        resolved_any |= resolved
        end = scheduler.get('end', length)
        if resolved and scheduler.get('begin', 0) >= end:
            print_log(f'fit_schedule: {name} is empty at train_cfg.{length_key}={length} (begin '
                      f'{scheduler.get("begin", 0)}, end {end}); it is left out', logger='current',
                      level=logging.WARNING)
            continue
        kept.append(scheduler)
        if same_unit:
            ends.append((end, index, 'end' in scheduler))
    cfg.param_scheduler = kept[0] if single and kept else kept
    _check_ends(ends, length, length_key, unit)
    if resolved_any:
        bounds = ', '.join(f'{s.type} [{s.get("begin", 0):g}, {s.get("end", length):g})' for s in kept)
        print_log(f'fit_schedule: {bounds} of train_cfg.{length_key}={length}', logger='current')
    return cfg


def _resolve_ratios(scheduler: dict, name: str, same_unit: bool, length: int, length_key: str) -> bool:
    """Replaces the ratio keys of one scheduler by absolute bounds; returns whether there were any."""
    present = [(ratio_key, key) for ratio_key, key in RATIO_KEYS if ratio_key in scheduler]
    for ratio_key, key in present:
        if key in scheduler:
            raise ValueError(f'{name}: give {key} or {ratio_key}, not both (got {key}={scheduler[key]!r}, '
                             f'{ratio_key}={scheduler[ratio_key]!r})')
        if not same_unit:
            raise ValueError(f'{name}: {ratio_key} is a fraction of train_cfg.{length_key}, so by_epoch must be '
                             f'{length_key == "max_epochs"} (epoch-based schedules in iterations: '
                             'by_epoch=True with convert_to_iter_based=True)')
        scheduler[key] = _position(scheduler.pop(ratio_key), length, f'{name}.{ratio_key}')
    return bool(present)


def _check_ends(ends: List[Tuple[float, int, bool]], length: int, length_key: str, unit: str) -> None:
    """Raises when the latest-ending scheduler stops before training does; warns when it ends after."""
    if not ends:
        return
    end, index, explicit = max(ends)
    where = f'param_scheduler[{index}].end={end:g}' if explicit else f'param_scheduler[{index}]'
    if end < length:
        raise ValueError(
            f'the schedule ends at {end:g} {unit} ({where}) but training runs train_cfg.{length_key}={length}: '
            f'the learning rate would stay at its last value for the remaining {length - end:g} {unit}. Let the '
            f'last scheduler end with training (leave out its end and T_max, mmengine then uses '
            f'train_cfg.{length_key}; or end_ratio=1.0), or set {where.split("=")[0]} to {length}; keep a '
            'constant tail explicitly with dict(type=\'ConstantLR\', factor=1.0, ...)')
    if end > length:
        print_log(f'fit_schedule: the schedule ends at {end:g} {unit} ({where}), after training '
                  f'(train_cfg.{length_key}={length}); it is cut short', logger='current', level=logging.WARNING)
