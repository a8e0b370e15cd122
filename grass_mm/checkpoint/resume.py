"""Finds the checkpoint to resume from, also when the ``last_checkpoint`` pointer is broken."""
import glob
import os.path as osp
import re
from typing import Optional

from mmengine.logging import print_log

CHECKPOINT_NAME = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


def _newest_first(path: str) -> tuple:
    return osp.getmtime(path), int(CHECKPOINT_NAME.match(osp.basename(path))[1])


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """Returns the checkpoint ``--resume`` should continue from, or None when there is none.

    mmengine's ``CheckpointHook`` writes the checkpoint, then the ``last_checkpoint`` pointer with a plain
    ``open(..., 'w')``, and removes the oldest kept checkpoint *before* saving the next one. A kill at the
    wrong moment therefore leaves an empty pointer, or one that names a removed file, and mmengine's own
    auto-resume fails on it. With the ``atomic_local`` backend every ``*.pth`` under its final name is
    complete, so when the pointer is missing, empty or dangling this falls back to the newest
    ``iter_N.pth`` / ``epoch_N.pth`` in ``work_dir`` (by modification time) and logs a warning.

    Args:
        work_dir (str): The run's work directory.

    Returns:
        str or None: Path of the checkpoint, or None when the folder holds no checkpoint.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    named = None
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and osp.isfile(named):
            return named
    candidates = [path for path in glob.glob(osp.join(glob.escape(work_dir), '*.pth'))
                  if CHECKPOINT_NAME.match(osp.basename(path))]
    if named is not None:
        reason = f'names a missing file {named!r}' if named else 'is empty'
        fallback = 'starting from scratch' if not candidates else 'using the newest checkpoint instead'
        print_log(f'{pointer} {reason} (interrupted while saving?); {fallback}', logger='current',
                  level=30)
    if not candidates:
        return None
    return max(candidates, key=_newest_first)
