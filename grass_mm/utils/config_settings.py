"""The settings a user changes in a config: where each one is read, and checks that they agree.

A config file may hold a setting as a top-level variable (``data_root = ...``, ``num_classes = 6``,
``crop_size = (256, 256)``) that its dicts use. mmengine evaluates such a variable only while *that file*
loads: a child config or ``--cfg-options`` that changes it changes nothing else, and the Runner never reads
it. The keys the Runner reads are the nested ones (:func:`nested_uses` finds them). This module

- checks a loaded config's top-level settings against the nested keys that use them
  (:func:`check_settings`), so a child config that redefines ``data_root`` or ``crop_size`` without the
  dicts that use it fails with both keys named, instead of training on the base's value;
- after ``--cfg-options`` set those nested keys, gives the variable their value (:func:`sync_settings`), so
  the config the Runner saves in the work dir passes the check when a tool loads it again;
- sets the data root of every dataset of the train/val/test loaders, through wrappers such as
  ``LabelFractionDataset`` (:func:`set_data_root`, ``tools/train.py --data-root``).
"""
import inspect
from typing import Any, Iterator, List, Tuple

from mmengine.config import Config

# Top-level keys read by the Runner or the tools besides the Runner's own arguments (tta_*: test.py --tta).
EXTRA_TOP_LEVEL_KEYS = ('model_wrapper_cfg', 'runner_type', 'custom_imports', 'compile', 'strategy', 'tta_model',
                        'tta_pipeline')
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')

# setting -> other names its value is read under (besides nested keys of the same name)
ALIASES = {'crop_size': ('model.data_preprocessor.size', )}
SETTINGS = ('data_root', 'num_classes', 'crop_size')


def runner_keys() -> Tuple[str, ...]:
    """Returns the top-level config keys that mmengine's Runner (or the tools) read.

    Returns:
        tuple[str]: The Runner's constructor arguments plus :data:`EXTRA_TOP_LEVEL_KEYS`.
    """
    from mmengine.runner import Runner  # imported here: `import grass_mm.utils` stays light
    params = inspect.signature(Runner.__init__).parameters
    return tuple(name for name in params if name != 'self') + EXTRA_TOP_LEVEL_KEYS


def _walk(node: Any, path: str) -> Iterator[Tuple[str, Any]]:
    """Yields ``(dotted path, value)`` of every key below ``node`` (list items by index)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, (list, tuple)) else ()
    for key, value in items:
        dotted = f'{path}.{key}' if path else str(key)
        yield dotted, value
        yield from _walk(value, dotted)


def nested_uses(cfg: Config, name: str) -> List[Tuple[str, Any]]:
    """Returns the keys the Runner reads that are called ``name`` below the top level, or read it by alias.

    Keys under other file variables (``train_pipeline``, ...) are not uses: the Runner never reads them.

    Args:
        cfg (Config): The config.
        name (str): A top-level key, e.g. ``'data_root'``.

    Returns:
        list[tuple[str, Any]]: ``(dotted key, value)`` pairs, e.g.
        ``('train_dataloader.dataset.dataset.data_root', 'data/x')``.
    """
    read = set(runner_keys())
    uses = [(path, value) for top, node in cfg.items() if top != name and top in read
            for path, value in _walk(node, top) if path.rsplit('.', 1)[-1] == name]
    for alias in ALIASES.get(name, ()):
        node: Any = cfg
        for part in alias.split('.'):
            node = node.get(part) if isinstance(node, (dict, Config)) else None
        if node is not None:
            uses.append((alias, node))
    return uses


def _same(a: Any, b: Any) -> bool:
    """Equality that treats tuples and lists alike and ignores a trailing '/' of paths."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip('/') == b.rstrip('/')
    return a == b


def check_settings(cfg: Config) -> None:
    """Checks that every top-level setting of :data:`SETTINGS` agrees with the nested keys that use it.

    Run it on the config as loaded from its file (before ``--cfg-options``, which set nested keys).

    Args:
        cfg (Config): The loaded config.

    Raises:
        ValueError: Naming the top-level variable, the disagreeing nested key and both values.
    """
    for name in SETTINGS:
        if name not in cfg:
            continue
        value = cfg[name]
        for path, used in nested_uses(cfg, name):
            if not _same(used, value):
                raise ValueError(
                    f'{cfg.filename}: {name} = {value!r} at the top of the config, but {path} = {used!r}. A '
                    f'top-level variable only reaches the dicts of the file that defines it; set {path} (and '
                    f'every other key that reads it: {", ".join(p for p, _ in nested_uses(cfg, name))}) or '
                    'redefine those dicts next to the variable.')


def sync_settings(cfg: Config) -> None:
    """Gives each top-level setting the value its nested uses agree on (after ``--cfg-options`` set them).

    The config the Runner saves in the work dir then passes :func:`check_settings` when a tool loads it
    again; uses that disagree with each other are left for the checks to report.

    Args:
        cfg (Config): The merged config, changed in place.
    """
    for name in SETTINGS:
        if name in cfg:
            values = [value for _, value in nested_uses(cfg, name)]
            if values and all(_same(value, values[0]) for value in values):
                cfg[name] = values[0]


def innermost_datasets(loader: dict) -> Iterator[dict]:
    """Yields the dataset dicts of a dataloader config, looking through ``dataset=dict(...)`` wrappers.

    Args:
        loader (dict): A dataloader config (``train_dataloader``, ...).

    Yields:
        dict: The innermost dataset config(s); ``datasets=[...]`` (concatenations) give each one.
    """
    stack = [loader.get('dataset')]
    while stack:
        dataset = stack.pop()
        if not isinstance(dataset, dict):
            continue
        if isinstance(dataset.get('dataset'), dict):
            stack.append(dataset['dataset'])
        elif isinstance(dataset.get('datasets'), (list, tuple)):
            stack.extend(reversed(dataset['datasets']))
        else:
            yield dataset


def set_data_root(cfg: Config, data_root: str) -> List[str]:
    """Sets ``data_root`` of every dataset of the train, val and test loaders (and the top-level variable).

    Args:
        cfg (Config): The config, changed in place.
        data_root (str): The dataset folder, as the config's datasets expect it (see the config's header).

    Returns:
        list[str]: The keys that were set.
    """
    keys = []
    for name in LOADERS:
        loader = cfg.get(name)
        if not isinstance(loader, dict):
            continue
        for dataset in innermost_datasets(loader):
            dataset['data_root'] = str(data_root)
        keys += [path for path, _ in _walk(loader, name) if path.endswith('.data_root')]
    if 'data_root' in cfg:
        cfg.data_root = str(data_root)
        keys.insert(0, 'data_root')
    return keys
