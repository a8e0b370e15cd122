"""Checkpoint file helpers: weights-only loading, atomic saving and content hashes.

Loading relies on the allow-list that ``import grass_mm`` installs (:mod:`grass_mm.checkpoint.compat`).
"""
import hashlib
import pickle
from pathlib import Path
from typing import Any

import torch

from grass_mm.utils.atomic_write import PathLike, atomic_write

_BLOCK_SIZE = 1 << 20


def load_checkpoint_dict(path: PathLike) -> dict:
    """Loads a checkpoint with ``weights_only=True`` onto the CPU and checks that it is a dict.

    Args:
        path (str | PathLike): The checkpoint file.

    Returns:
        dict: The loaded object.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        ValueError: If torch cannot load the file (not a checkpoint, truncated, or holding objects outside
            the weights-only allow-list) or it does not hold a dict.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as error:
        raise ValueError(f'{path} is not a readable PyTorch checkpoint (torch.load with weights_only=True '
                         f'failed: {_torch_reason(error)}); expected a .pth file saved by mmengine\'s Runner or '
                         'torch.save') from error
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{path}: expected a checkpoint dict (a state dict or a Runner checkpoint with '
                         f"'state_dict'), got {type(checkpoint).__name__}")
    return checkpoint


def _torch_reason(error: Exception) -> str:
    """The informative line of a ``torch.load`` error (the weights-only unpickler's, when there is one)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    marker = next((i for i, line in enumerate(lines) if 'WeightsUnpickler error' in line), None)
    if marker is not None:
        detail = [lines[marker].split('WeightsUnpickler error:', 1)[-1].strip(), *lines[marker + 1:marker + 2]]
        return ' '.join(part for part in detail if part)
    return lines[0] if lines else type(error).__name__


def save_atomically(obj: Any, path: PathLike) -> Path:
    """Saves ``obj`` with :func:`torch.save` through :func:`~grass_mm.utils.atomic_write.atomic_write`.

    A reader never sees a half-written file, and an interrupted save leaves no file at ``path``.

    Args:
        obj (Any): What to save.
        path (str | PathLike): The destination; its folder must exist.

    Returns:
        Path: ``path``.

    Raises:
        FileNotFoundError: If the destination folder does not exist.
    """
    with atomic_write(path) as file:
        torch.save(obj, file)
    return Path(path)


def sha256_file(path: PathLike) -> str:
    """Returns the hex SHA-256 digest of a file's bytes.

    Args:
        path (str | PathLike): The file.

    Returns:
        str: 64 hex digits.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for block in iter(lambda: file.read(_BLOCK_SIZE), b''):
            digest.update(block)
    return digest.hexdigest()
