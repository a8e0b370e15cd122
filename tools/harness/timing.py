"""Timing and peak-memory helpers of the benchmarks (one call, CPU or CUDA)."""
import re
import resource
import time
from pathlib import Path
from typing import Callable, Dict

import torch


def sync(device: torch.device) -> None:
    """Waits for queued CUDA work."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def minor_faults() -> int:
    """Minor page faults of this process so far (pages touched for the first time, mostly fresh allocations)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def process_memory(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of this process, in bytes."""
    return int(re.search(rf'{field}:\s+(\d+) kB', Path('/proc/self/status').read_text()).group(1)) * 1024


def measured(step: Callable[[], None], device: torch.device) -> Dict[str, float]:
    """Seconds and peak extra memory (bytes over the memory in use before) of one call of ``step``."""
    sync(device)
    if device.type == 'cuda':
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
    else:
        Path('/proc/self/clear_refs').write_text('5')  # resets VmHWM to the current RSS
        before = process_memory('VmRSS')
    start = time.perf_counter()
    step()
    sync(device)
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated(device) if device.type == 'cuda' else process_memory('VmHWM')
    return dict(seconds=seconds, memory=peak - before)
