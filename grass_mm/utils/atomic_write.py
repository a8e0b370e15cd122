"""Writes a file so that a reader sees the old content or the new one, never a truncated file."""
import contextlib
import glob
import os
import os.path as osp
import uuid
from pathlib import Path
from typing import IO, Iterator, Optional, Union

PathLike = Union[str, os.PathLike]


@contextlib.contextmanager
def atomic_write(path: PathLike, mode: str = 'wb', encoding: Optional[str] = None) -> Iterator[IO]:
    """Opens a temporary file beside ``path``; when the block ends without error, fsyncs and renames it.

    The temporary file is ``.<name>.<random>.part`` in the target's folder, created with ``O_EXCL`` and
    mode ``0o666`` minus the umask (as ``open()`` creates files; ``mkstemp`` would use 0600). If the block
    raises, the temporary file is removed and ``path`` is left as it was. A process killed while writing
    leaves its ``.part`` file behind; the next successful write of the same name removes such leftovers
    (only one process may write a given name at a time).

    Args:
        path (str | PathLike): The destination; its folder must exist.
        mode (str): ``'wb'`` or ``'w'``. Defaults to 'wb'.
        encoding (str, optional): Text encoding for ``'w'``. Defaults to None (UTF-8 for text).

    Yields:
        IO: The open temporary file.

    Raises:
        FileNotFoundError: If the destination folder does not exist.
        ValueError: If ``mode`` is not a write mode listed above.
    """
    if mode not in ('wb', 'w'):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', got {mode!r}")
    folder, name = osp.dirname(osp.abspath(path)), osp.basename(path)
    if not osp.isdir(folder):
        raise FileNotFoundError(f'output folder does not exist: {folder}')
    part = osp.join(folder, f'.{name}.{uuid.uuid4().hex}.part')
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # a fresh file of our own
    try:
        # reopened by name: writers such as tifffile want a file object whose `name` is a path
        with open(part, mode, encoding=encoding or ('utf-8' if mode == 'w' else None)) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(part)
        raise
    for stale in glob.glob(osp.join(glob.escape(folder), f'.{glob.escape(name)}.*.part')):
        with contextlib.suppress(FileNotFoundError):
            os.remove(stale)  # left by an earlier write of this name that was killed


def write_text_atomically(path: PathLike, text: str) -> Path:
    """Writes ``text`` (UTF-8) to ``path`` with :func:`atomic_write`.

    Args:
        path (str | PathLike): The destination; its folder must exist.
        text (str): The content.

    Returns:
        Path: ``path``.
    """
    with atomic_write(path, 'w') as file:
        file.write(text)
    return Path(path)
