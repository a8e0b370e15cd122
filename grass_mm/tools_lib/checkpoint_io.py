"""Checkpoint file helpers: weights-only loading, atomic saving and content hashes."""
import hashlib
import os
import uuid
from pathlib import Path
from typing import Any, Union

import torch

import grass_mm  # noqa: F401  (installs the weights-only allow-list for mmengine checkpoints)

PathLike = Union[str, os.PathLike]
_BLOCK_SIZE = 1 << 20


def load_checkpoint_dict(path: PathLike) -> dict:
    """Loads a checkpoint with ``weights_only=True`` onto the CPU and checks that it is a dict.

    Args:
        path (str | PathLike): The checkpoint file.

    Returns:
        dict: The loaded object.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
        ValueError: If the file does not hold a dict.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint not found: {path}')
    checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{path}: expected a checkpoint dict (a state dict or a Runner checkpoint with '
                         f"'state_dict'), got {type(checkpoint).__name__}")
    return checkpoint


def save_atomically(obj: Any, path: PathLike) -> Path:
    """Saves ``obj`` with :func:`torch.save` to a temporary file next to ``path``, then renames it.

    A reader never sees a half-written file, and an interrupted save leaves no file at ``path``.

    Args:
        obj (Any): What to save.
        path (str | PathLike): The destination; its folder must exist.

    Returns:
        Path: ``path``.

    Raises:
        FileNotFoundError: If the destination folder does not exist.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f'output folder does not exist: {path.parent}')
    tmp_name = path.with_name(f'.{path.name}.{uuid.uuid4().hex}.tmp')
    # O_EXCL: a fresh file; mode 0o666 minus the umask, as open() would create it (mkstemp would use 0600).
    fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, 'wb') as file:
            torch.save(obj, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        tmp_name.unlink(missing_ok=True)
        raise
    return path


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
