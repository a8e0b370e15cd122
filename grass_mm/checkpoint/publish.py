"""Prepares a Runner checkpoint for release, the way OpenMMLab's ``publish_model.py`` does."""
import os
from pathlib import Path
from typing import Tuple

from .io import PathLike, load_checkpoint_dict, save_atomically, sha256_file

#: Training-state entries of an mmengine Runner checkpoint that a released model does not need.
TRAINING_STATE_KEYS = ('optimizer', 'param_schedulers', 'message_hub', 'hook_msgs')


def publish_checkpoint(src: PathLike, out: PathLike) -> Tuple[Path, Tuple[str, ...]]:
    """Writes ``src`` without its training state as ``<out stem>-<sha256[:8]>.pth``.

    The hash is that of the written file, so ``sha256sum`` of the release starts with the suffix in its
    name. ``meta`` and ``state_dict`` are kept; a bare state dict is wrapped as ``{'state_dict': ...}``.

    Args:
        src (str | PathLike): The checkpoint to publish.
        out (str | PathLike): The output name, e.g. ``grass_resnet50_potsdam.pth`` (``.pth`` is optional);
            its folder must exist.

    Returns:
        tuple: The final path and the training-state keys that were dropped.

    Raises:
        FileNotFoundError: If ``src`` or the output folder is missing.
        ValueError: If ``src`` is not a checkpoint dict.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise FileNotFoundError(f'output folder does not exist: {out.parent}')
    checkpoint = load_checkpoint_dict(src)
    dropped = tuple(key for key in TRAINING_STATE_KEYS if key in checkpoint)
    if 'state_dict' in checkpoint:
        published = {key: value for key, value in checkpoint.items() if key not in TRAINING_STATE_KEYS}
    else:
        published = {'state_dict': checkpoint}
    stem = out.name[:-len('.pth')] if out.name.endswith('.pth') else out.name
    tmp = save_atomically(published, out.with_name(f'.{stem}.publishing.pth'))
    final = out.with_name(f'{stem}-{sha256_file(tmp)[:8]}.pth')
    os.replace(tmp, final)
    return final, dropped
