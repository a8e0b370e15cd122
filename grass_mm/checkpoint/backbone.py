"""Extracts the backbone of a GraSS/SimCLR checkpoint into a file that mmseg's ``init_cfg`` loads.

The output is a flat, tensor-only state dict whose keys have the ``backbone.`` prefix removed
(``conv1.weight``, ``layer1.0.bn1.running_mean``, ...), i.e. exactly the keys of mmseg's/mmpretrain's
``ResNet`` module. mmengine's ``PretrainedInit`` loads such a file with ``prefix=None`` (the default), and
``torch.load(..., weights_only=True)`` reads it without any allow-list.
"""
from collections import OrderedDict
from pathlib import Path
from typing import List, Tuple

import torch

from .io import PathLike, load_checkpoint_dict, save_atomically

BACKBONE_PREFIX = 'backbone.'


def split_backbone_state(state_dict: dict, prefix: str = BACKBONE_PREFIX,
                         source: str = '<state dict>') -> Tuple['OrderedDict[str, torch.Tensor]', List[str]]:
    """Splits a model state dict into the backbone's tensors (prefix removed) and the other keys.

    Args:
        state_dict (dict): A model state dict, e.g. ``checkpoint['state_dict']`` of a Runner checkpoint.
        prefix (str): The backbone's key prefix. Defaults to ``'backbone.'``.
        source (str): Where the state dict comes from, for error messages. Defaults to ``'<state dict>'``.

    Returns:
        tuple: ``(kept, dropped)``: an ordered dict of the backbone's tensors under their un-prefixed keys,
        and the sorted list of the keys that were dropped.

    Raises:
        ValueError: If no tensor key starts with ``prefix``.
    """
    if not prefix.endswith('.'):
        prefix += '.'
    kept, dropped = OrderedDict(), []
    for key, value in state_dict.items():
        if key.startswith(prefix) and isinstance(value, torch.Tensor):
            kept[key[len(prefix):]] = value
        else:
            dropped.append(key)
    if not kept:
        roots = sorted({str(key).split('.')[0] for key in state_dict})
        raise ValueError(f'{source}: no backbone weights (no tensor key starts with {prefix!r}); '
                         f'top-level key groups found: {roots[:20] or "none"}. Expected a GraSS/SimCLR '
                         'Runner checkpoint with state_dict keys like "backbone.conv1.weight".')
    return kept, sorted(dropped)


def extract_backbone(src: PathLike, dst: PathLike,
                     prefix: str = BACKBONE_PREFIX) -> Tuple[List[str], List[str]]:
    """Writes the backbone of checkpoint ``src`` to ``dst`` (atomically) as a tensor-only state dict.

    Args:
        src (str | PathLike): A Runner checkpoint (``{'state_dict': ..., 'meta': ..., ...}``) or a bare
            model state dict.
        dst (str | PathLike): The output file; its folder must exist.
        prefix (str): The backbone's key prefix in ``src``. Defaults to ``'backbone.'``.

    Returns:
        tuple: ``(kept, dropped)``: the keys written (un-prefixed) and the model keys left out.

    Raises:
        FileNotFoundError: If ``src`` is missing or ``dst``'s folder does not exist.
        ValueError: If ``src`` has no backbone weights, or ``src`` and ``dst`` are the same file.
    """
    src, dst = Path(src), Path(dst)
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise ValueError(f'refusing to overwrite the source checkpoint {src}; choose another output file')
    checkpoint = load_checkpoint_dict(src)
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state_dict, dict):
        raise ValueError(f"{src}: 'state_dict' is a {type(state_dict).__name__}, expected a dict")
    kept, dropped = split_backbone_state(state_dict, prefix, source=str(src))
    save_atomically(kept, dst)
    return list(kept), dropped
