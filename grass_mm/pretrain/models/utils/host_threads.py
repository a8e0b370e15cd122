"""The sampler's host (CPU) work split over threads: contiguous ranges of a batch, one per torch thread.

The sampler's CPU steps (OpenCV resize and labelling per chunk of maps, NumPy takes per view) release the GIL
and treat every map and view on its own, so contiguous ranges of the batch run in Python threads, as many as
``torch.get_num_threads()`` (the CPU share this process was given, e.g. per rank under DDP). A waiting thread
blocks rather than spins, so a thread descheduled by another process delays the step by its own range only,
unlike an OpenMP parallel region. Results do not depend on the number of threads (tested).
"""
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List, Tuple, TypeVar

import torch

Result = TypeVar('Result')

# One pool per process and size; the process id keeps a forked child (a data loader worker) off its parent's pool.
_POOLS: Dict[Tuple[int, int], ThreadPoolExecutor] = {}


def split_ranges(total: int, step: int, parts: int) -> List[Tuple[int, int]]:
    """``[0, total)`` cut into at most ``parts`` contiguous, non-empty ranges that start at multiples of ``step``.

    Args:
        total (int): Items.
        step (int): Items that stay together (a chunk of maps), at least 1.
        parts (int): Most ranges.

    Returns:
        list[tuple[int, int]]: ``(start, stop)`` pairs in order, covering ``[0, total)``.
    """
    blocks = -(-total // step)
    parts = max(1, min(parts, blocks))
    bounds = [min(total, (blocks * i // parts) * step) for i in range(parts + 1)]
    return [(start, stop) for start, stop in zip(bounds, bounds[1:]) if stop > start]


def run_ranges(work: Callable[[int, int], Result], total: int, step: int = 1) -> List[Result]:
    """Calls ``work(start, stop)`` on the ranges of :func:`split_ranges`, in threads when there are several.

    Args:
        work (Callable[[int, int], Result]): Handles items ``[start, stop)``; must touch no other item.
        total (int): Items.
        step (int): Items that stay together. Defaults to 1.

    Returns:
        list: The results of ``work``, in the order of the ranges.
    """
    ranges = split_ranges(total, step, torch.get_num_threads())
    if len(ranges) <= 1:
        return [work(start, stop) for start, stop in ranges]
    key = (os.getpid(), len(ranges))
    if key not in _POOLS:
        _POOLS[key] = ThreadPoolExecutor(len(ranges), thread_name_prefix='grass-sampler')
    return list(_POOLS[key].map(lambda bounds: work(*bounds), ranges))
