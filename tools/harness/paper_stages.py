"""The pieces of the paper-scale plan: its datasets, each method's paper config, stages and launch commands.
"""
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from .methods import METHODS

REPO = Path(__file__).resolve().parents[2]
PAPER_BATCH = 256  # images per pretraining step, over all GPUs (the paper: one GPU)
FINETUNE_BATCH = 16  # crops per fine-tuning step, over all GPUs


@dataclass(frozen=True)
class PaperDataset:
    """One pretraining and evaluation dataset of the paper.

    Args:
        name (str): The name in config file names, e.g. ``'loveda-urban'``.
        images (int): Pretraining images (tiles) of the official training split, used when the data is not
            at hand to count them.
        finetune (str): The fine-tuning config (the authors' frozen DeepLabV3+ protocol), repository-relative.
    """
    name: str
    images: int
    finetune: str


PAPER_DATASETS: Dict[str, PaperDataset] = {data.name: data for data in (
    PaperDataset('potsdam', 24, 'configs/benchmarks/deeplabv3plus/'
                 'deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_potsdam-256x256.py'),
    PaperDataset('loveda-urban', 1156, 'configs/benchmarks/deeplabv3plus/'
                 'deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_loveda-urban-256x256.py'),
    PaperDataset('loveda-rural', 1366, 'configs/benchmarks/deeplabv3plus/'
                 'deeplabv3plus_r50b-d8_frozen_1xb16-1.3k_loveda-rural-256x256.py'),
)}


def paper_config(method: str, dataset: str) -> Path:
    """The method's ResNet-50 pretraining config for a dataset, next to its CPU config.

    Args:
        method (str): A method of the table that pretrains.
        dataset (str): A key of :data:`PAPER_DATASETS`.

    Returns:
        Path: ``configs/<folder>/<method>_resnet50_<settings>_<dataset>[-<view>px...].py``.

    Raises:
        FileNotFoundError: If there is not exactly one such config.
    """
    folder = METHODS[method].config_path.parent
    pattern = re.compile(rf'{re.escape(method)}_resnet50_[^_]+_{re.escape(dataset)}(-\d+px)*\.py')
    found = sorted(path for path in folder.glob(f'{method}_resnet50_*.py') if pattern.fullmatch(path.name))
    if len(found) != 1:
        raise FileNotFoundError(f'{len(found)} paper configs of {method!r} for {dataset!r} in {folder} (expected '
                                f'one named {method}_resnet50_<settings>_{dataset}.py): {[p.name for p in found]}')
    return found[0]


@dataclass
class Stage:
    """One step of the plan.

    Args:
        key (str): ``<dataset>/<method>/seed<S>/<kind>``.
        kind (str): ``pretrain``, ``extract``, ``finetune`` or ``evaluate``.
        config (Path, optional): The config it runs.
        output (Path): The file whose existence marks the stage done.
        command (list[str]): The command line (run from the repository root).
        gpus (int): GPUs it occupies.
        iterations (int): Training iterations (0 for the other kinds).
        gpu_hours (float, optional): Estimated GPU-hours (None when not estimated).
    """
    key: str
    kind: str
    config: Optional[Path]
    output: Path
    command: List[str]
    gpus: int
    iterations: int = 0
    gpu_hours: Optional[float] = None


def launch(script: str, args: Sequence[str], gpus: int, launcher: str, partition: Optional[str],
           gpus_per_node: int) -> List[str]:
    """The command that runs ``tools/<script>.py`` on ``gpus`` GPUs with the launcher.

    Args:
        script (str): ``'train'`` or ``'test'``.
        args (Sequence[str]): The tool's arguments.
        gpus (int): Processes (one per GPU).
        launcher (str): ``'pytorch'`` (torchrun through ``tools/dist_<script>.sh``), ``'slurm'`` (srun) or
            ``'none'`` (one process).
        partition (str, optional): The slurm partition.
        gpus_per_node (int): GPUs of one node (slurm).

    Returns:
        list[str]: The command line.
    """
    if launcher == 'none' or gpus == 1 and launcher == 'pytorch':
        return [sys.executable, f'tools/{script}.py', *args]
    if launcher == 'pytorch':
        config, rest = args[0], list(args[1:])
        if script == 'test':  # dist_test.sh CONFIG CHECKPOINT GPUS [flags]
            return ['bash', 'tools/dist_test.sh', config, rest[0], str(gpus), *rest[1:]]
        return ['bash', 'tools/dist_train.sh', config, str(gpus), *rest]
    per_node = min(gpus, gpus_per_node)
    return ['srun', '-p', str(partition), f'--job-name=grass_mm_{script}', f'--gres=gpu:{per_node}',
            f'--ntasks={gpus}', f'--ntasks-per-node={per_node}', '--cpus-per-task=5', '--kill-on-bad-exit=1',
            sys.executable, '-u', f'tools/{script}.py', *args, '--launcher', 'slurm']


def pretraining_iterations(cfg: Config, images: int) -> int:
    """Iterations of an epoch-based pretraining config at the paper's global batch.

    Args:
        cfg (Config): The pretraining config.
        images (int): Images (tiles) in the training folder.

    Returns:
        int: ``max_epochs`` x steps per epoch (``samples_per_image`` windows per image).
    """
    samples = images * int(cfg.train_dataloader.dataset.get('samples_per_image', 1))
    per_epoch = samples // PAPER_BATCH if cfg.train_dataloader.get('drop_last', False) else \
        math.ceil(samples / PAPER_BATCH)
    return int(cfg.train_cfg.max_epochs) * per_epoch
