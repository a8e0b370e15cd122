"""A local file backend whose writes are atomic, for checkpoints that survive a kill while saving."""
import contextlib
import glob
import os
import os.path as osp
import uuid
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` that writes to a temporary file in the target folder, fsyncs it and renames it.

    A process killed while saving leaves the previous file (or none), never a truncated one, plus a
    ``.<name>.<random>.part`` file; the next successful write of the same name removes such leftovers (a
    resumed run rewrites the checkpoint it was killed on). Only one process may write a given name. Select it
    for checkpoints with ``default_hooks.checkpoint.backend_args=dict(backend='atomic_local')``; mmengine's
    ``CheckpointHook`` and ``Runner.save_checkpoint`` pass ``backend_args`` to ``get_file_backend``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Atomically writes ``obj`` to ``filepath``.

        Args:
            obj (bytes): Data to write.
            filepath (str or Path): Destination; its folder is created when missing.
        """
        folder = osp.dirname(osp.abspath(filepath))
        os.makedirs(folder, exist_ok=True)
        # a unique name opened like open() would (mode 0o666 minus the umask, not mkstemp's 0600)
        name = osp.basename(filepath)
        tmp_path = osp.join(folder, f'.{name}.{uuid.uuid4().hex}.part')
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp_path, filepath)
        except BaseException:
            if osp.exists(tmp_path):
                os.remove(tmp_path)
            raise
        for stale in glob.glob(osp.join(glob.escape(folder), f'.{glob.escape(name)}.*.part')):
            with contextlib.suppress(FileNotFoundError):
                os.remove(stale)  # left by an earlier write of this name that was killed

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Atomically writes the text ``obj`` to ``filepath``.

        Args:
            obj (str): Text to write.
            filepath (str or Path): Destination.
            encoding (str): Text encoding. Defaults to 'utf-8'.
        """
        self.put(obj.encode(encoding), filepath)
