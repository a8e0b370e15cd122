"""Which machine ran which study run, recorded beside the metrics in ``results.json``.

On CPUs the same seed gives another pretrained backbone on another processor type (docs/study.md: the kernels'
rounding differs, and 300 iterations carry it into the weights), so a run is reproducible only together with
its machine. A study records this machine for the runs it makes and carries the machines of the runs it takes
from an earlier ``results.json`` (``unrecorded`` for files written before machines were recorded).
"""
import json
import os
import platform
from pathlib import Path
from typing import Dict, List, Optional

import torch

from grass_mm.utils.atomic_write import PathLike

# label (method or 'r=<ratio>') -> seed -> machine description
Machines = Dict[str, Dict[int, str]]
UNRECORDED = 'unrecorded'


def _cpu_name() -> str:
    """The processor's model name with its family and model numbers (Linux), else what ``platform`` knows."""
    fields: Dict[str, str] = {}
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if not line.strip():
                break  # the first processor describes them all
            key, _, value = line.partition(':')
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    name = fields.get('model name') or platform.processor() or platform.machine() or 'unknown CPU'
    if 'cpu family' in fields and 'model' in fields:
        name += f' (family {fields["cpu family"]}, model {fields["model"]})'
    return name


def machine_description() -> str:
    """This machine as a study records it: processor, CPU count, torch and its CPU kernels, GPU if any.

    Returns:
        str: E.g. ``'AMD EPYC (family 25, model 17), 2 CPUs, torch 2.13.0, CPU kernels AVX512'``.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    parts = [_cpu_name(), f'{cpus} CPUs', f'torch {torch.__version__}',
             f'CPU kernels {torch.backends.cpu.get_cpu_capability()}']
    if torch.cuda.is_available():
        parts.append(f'{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}')
    return ', '.join(parts)


def load_earlier_machines(path: PathLike) -> Machines:
    """The machines recorded in an earlier ``results.json`` (empty for a file from before they were recorded).

    Args:
        path (str | PathLike): The earlier ``results.json`` (already checked by ``load_earlier_runs``).

    Returns:
        dict: Label -> seed -> machine description.
    """
    recorded = json.loads(Path(path).read_text()).get('machines', {})
    return {label: {int(seed): machine for seed, machine in by_seed.items()} for label, by_seed in recorded.items()}


def machines_lines(machines: Machines) -> List[str]:
    """The markdown list of a study's machines, each with the runs it made.

    Args:
        machines (dict): Label -> seed -> machine description.

    Returns:
        list[str]: One line per machine: ``- <machine>: <label> seeds <s> <s>; ...``.
    """
    runs: Dict[str, Dict[str, List[int]]] = {}
    for label, by_seed in machines.items():
        for seed, machine in sorted(by_seed.items()):
            runs.setdefault(machine, {}).setdefault(label, []).append(seed)
    return [f'- {machine}: ' + '; '.join(f'{label} seeds {" ".join(map(str, seeds))}'
                                          for label, seeds in by_label.items())
            for machine, by_label in sorted(runs.items(), key=lambda item: item[0] == UNRECORDED)]


def taken_machines(path: PathLike, taken: dict, exclude: Optional[str] = None) -> Machines:
    """The machines of the runs a study takes from an earlier ``results.json``.

    Args:
        path (str | PathLike): The earlier ``results.json``.
        taken (dict): What ``load_earlier_runs`` took from it: evaluation -> part -> label -> seed -> metrics.
        exclude (str, optional): A label left out: the ablation's row of the config's own ratio, which is
            GraSS's main runs. Defaults to None.

    Returns:
        dict: Label -> seed -> machine description (``unrecorded`` where the file has none).
    """
    recorded, machines = load_earlier_machines(path), {}
    for parts in taken.values():
        for label, by_seed in (item for part in parts.values() for item in part.items()):
            if label != exclude:
                machines.setdefault(label, {}).update(
                    {seed: recorded.get(label, {}).get(seed, UNRECORDED) for seed in by_seed})
    return machines
