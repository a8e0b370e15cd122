"""A local file backend whose writes are atomic, for checkpoints that survive a kill while saving."""
import os
import os.path as osp
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

from grass_mm.utils.atomic_write import atomic_write


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` writes through :func:`~grass_mm.utils.atomic_write.atomic_write`.

    A process killed while saving leaves the previous file (or none), never a truncated one, plus a
    ``.<name>.<random>.part`` file that the next successful write of the same name removes (a resumed run
    rewrites the checkpoint it was killed on). Select it for checkpoints with
    ``default_hooks.checkpoint.backend_args=dict(backend='atomic_local')``; mmengine's ``CheckpointHook``
    and ``Runner.save_checkpoint`` pass ``backend_args`` to ``get_file_backend``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Atomically writes ``obj`` to ``filepath``.

        Args:
            obj (bytes): Data to write.
            filepath (str or Path): Destination; its folder is created when missing.
        """
        os.makedirs(osp.dirname(osp.abspath(filepath)), exist_ok=True)
        with atomic_write(filepath) as file:
            file.write(obj)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        """Atomically writes the text ``obj`` to ``filepath``.

        Args:
            obj (str): Text to write.
            filepath (str or Path): Destination.
            encoding (str): Text encoding. Defaults to 'utf-8'.
        """
        self.put(obj.encode(encoding), filepath)
