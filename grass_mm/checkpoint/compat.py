"""Lets torch's weights-only loader read mmengine 0.10.x checkpoints.

torch >= 2.6 loads checkpoints with ``weights_only=True`` by default. mmengine 0.10.7 writes the message hub
(``HistoryBuffer`` objects holding numpy arrays, numpy scalars and dtypes) into every Runner checkpoint, so
``--resume``, ``load_from`` and ``init_cfg=dict(type='Pretrained')`` fail with ``UnpicklingError``. Instead of
turning weights-only loading off, this module allow-lists exactly the globals mmengine writes.

Unnecessary once mmengine writes plain tensors/python types into checkpoints (or registers its own safe
globals); as of mmengine 0.10.7 (the last release) it does neither, so keep this until the pin moves.
"""
import builtins
from typing import List

import numpy as np
import torch


def mmengine_checkpoint_globals() -> List[object]:
    """Returns the globals that mmengine 0.10.x pickles into Runner checkpoints.

    Returns:
        list: ``HistoryBuffer``, the numpy array/scalar reconstructors, ``numpy.ndarray``, ``numpy.dtype``,
        every ``numpy.dtypes.*DType`` class and ``getattr`` (numpy pickles some dtypes through it).
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    from numpy.core import multiarray

    dtype_classes = [
        getattr(np.dtypes, name) for name in dir(np.dtypes) if name.endswith('DType')
        and isinstance(getattr(np.dtypes, name), type)
    ]
    return [
        HistoryBuffer, multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype, builtins.getattr,
        *dtype_classes
    ]


def allow_mmengine_checkpoints() -> None:
    """Adds :func:`mmengine_checkpoint_globals` to torch's weights-only allow-list (idempotent)."""
    torch.serialization.add_safe_globals(mmengine_checkpoint_globals())
