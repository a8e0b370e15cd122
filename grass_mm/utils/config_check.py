"""Clear errors for config mistakes that mmengine would ignore or report without the key's name."""
import difflib
import math
from typing import Any, Callable, Dict, Iterable, Tuple

from mmengine.config import Config

from .config_settings import nested_uses, runner_keys


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# (dotted key, test, what is expected): checked when the key is present in the merged config.
TYPED_KEYS: Tuple[Tuple[str, Callable[[Any], bool], str], ...] = (
    ('train_cfg.max_iters', lambda v: _int(v) and v > 0, 'a positive int'),
    ('train_cfg.max_epochs', lambda v: _int(v) and v > 0, 'a positive int'),
    ('train_cfg.val_interval', lambda v: _int(v) and v > 0, 'a positive int'),
    ('train_dataloader.batch_size', lambda v: _int(v) and v > 0, 'a positive int'),
    ('train_dataloader.num_workers', lambda v: _int(v) and v >= 0, 'a non-negative int'),
    ('train_dataloader.persistent_workers', lambda v: isinstance(v, bool), 'a bool'),
    ('default_hooks.checkpoint.interval', _int, 'an int (-1 disables it)'),
    ('default_hooks.checkpoint.max_keep_ckpts', _int, 'an int (-1 keeps all)'),
    ('default_hooks.logger.interval', lambda v: _int(v) and v > 0, 'a positive int'),
    ('randomness.seed', lambda v: v is None or _int(v), 'an int or None'),
    ('randomness.deterministic', lambda v: isinstance(v, bool), 'a bool'),
    ('optim_wrapper.optimizer.lr', lambda v: _number(v) and v >= 0, 'a finite number >= 0'),
)


def check_cfg_options(cfg: Config, options: Dict[str, Any]) -> None:
    """Rejects ``--cfg-options`` whose top-level key the Runner never reads.

    mmengine merges such keys silently: a typo such as ``trian_cfg.max_iters=10`` would train with the
    config's value, and so would a variable of the config file such as ``data_root=...`` or
    ``crop_size=...``, which its dicts read only while the file loads.

    Args:
        cfg (Config): The config before the options are merged.
        options (dict): The parsed ``--cfg-options`` (dotted keys to values).

    Raises:
        KeyError: Naming the option and, for a file variable, the nested keys to set instead; for an
            unknown key, the closest known keys.
    """
    read = set(runner_keys())
    if 'data_preprocessor' in (cfg.get('model') or {}):
        read.discard('data_preprocessor')  # the Runner uses the top-level one only for a model without one
    for option in options:
        top = option.split('.')[0]
        if top in read:
            continue
        if top in cfg:
            uses = [path for path, _ in nested_uses(cfg, top)]
            where = f'set the keys that use it instead: {", ".join(uses)}' if uses else \
                'no nested key has that name: set the key where the file uses its value'
            hint = ' (tools/train.py and tools/test.py: --data-root sets every dataset\'s data_root)' \
                if top == 'data_root' else ''
            raise KeyError(f'--cfg-options {option}: {top!r} is a variable of {cfg.filename}, used only while '
                           f'that file loads; the Runner never reads it, so changing it here changes nothing. '
                           f'{where[0].upper()}{where[1:]}{hint}')
        close = difflib.get_close_matches(top, sorted(read | set(cfg.keys())), n=3)
        hint = f'; did you mean {" or ".join(repr(c) for c in close)}?' if close else ''
        raise KeyError(f'--cfg-options {option}: unknown config key {top!r}: it is not in '
                       f'{cfg.filename} and the Runner does not read it{hint}')


def _lookup(cfg: Config, dotted: str) -> Iterable[Any]:
    node: Any = cfg
    for part in dotted.split('.'):
        if not isinstance(node, (dict, Config)) or part not in node:
            return []
        node = node[part]
    return [node]


def check_config_types(cfg: Config) -> None:
    """Checks the types and ranges of the Runner-level keys in :data:`TYPED_KEYS`.

    Models, hooks and datasets of grass_mm check their own arguments when built.

    Args:
        cfg (Config): The merged config.

    Raises:
        ValueError: Naming the key, the value and what was expected.
    """
    for dotted, test, expected in TYPED_KEYS:
        for value in _lookup(cfg, dotted):
            if not test(value):
                raise ValueError(f'config key {dotted!r} must be {expected}, got {value!r} '
                                f'({type(value).__name__}) in {cfg.filename}')
