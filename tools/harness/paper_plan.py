"""The paper-scale comparison as a list of stages: what runs, with which config and command, and its cost.

Stages per dataset, method and seed: ``pretrain`` (the method's ResNet-50 config, 350 epochs, the global
batch of 256 split over the GPUs), ``extract`` (the backbone), ``finetune`` (the authors' frozen DeepLabV3+
protocol, 1.3k iterations of 16 crops) and ``evaluate`` (the val split, metrics to ``metrics.json``);
``random`` skips the first two. Every stage has the file that marks it done, so a re-run skips finished
stages and an interrupted training stage resumes from its last checkpoint (``tools/train.py --resume``).
"""
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from grass_mm.rsi.layout import list_images

from .methods import METHODS, RANDOM
from .paper_stages import (
    FINETUNE_BATCH,
    PAPER_BATCH,
    PAPER_DATASETS,
    REPO,
    Stage,
    launch,
    paper_config,
    pretraining_iterations,
)


class PaperPlan:
    """The stages of the paper's comparison and the settings they run with.

    Layout of ``work_dir``: ``<dataset>/<method>/seed<S>/pretrain/`` (checkpoints, ``backbone.pth``),
    ``.../finetune/`` (``iter_1300.pth``, ``eval/``, ``metrics.json``), ``random/seed<S>/finetune/``;
    ``results.md``, ``results.json`` and ``results.png`` at the top.

    Args:
        work_dir (str | Path): Output folder.
        methods (Sequence[str]): Methods of the table (``random`` included or not).
        datasets (Sequence[str]): Keys of :data:`PAPER_DATASETS`.
        seeds (Sequence[int]): Seeds of every method.
        gpus (int): GPUs of a pretraining stage; the global batch stays 256 (``256 / gpus`` per GPU).
        finetune_gpus (int): GPUs of a fine-tuning or evaluation stage (16 crops in all). Defaults to 1.
        launcher (str): ``'pytorch'``, ``'slurm'`` or ``'none'``. Defaults to 'pytorch'.
        partition (str, optional): The slurm partition. Defaults to None.
        gpus_per_node (int): GPUs of a node (slurm). Defaults to 8.
        data_roots (dict, optional): Dataset -> data root (``--data-root`` of the tools); None: the configs'.
        step_seconds (dict, optional): Method (and ``'finetune'``) -> seconds of one training step on one
            GPU at that stage's batch per GPU, for the GPU-hour estimate. Defaults to None (not estimated).
    """

    def __init__(self, work_dir, methods: Sequence[str], datasets: Sequence[str], seeds: Sequence[int], gpus: int,
                 finetune_gpus: int = 1, launcher: str = 'pytorch', partition: Optional[str] = None,
                 gpus_per_node: int = 8, data_roots: Optional[Dict[str, str]] = None,
                 step_seconds: Optional[Dict[str, float]] = None) -> None:
        unknown = [m for m in methods if m not in METHODS] + [d for d in datasets if d not in PAPER_DATASETS]
        if unknown:
            raise ValueError(f'unknown method(s) or dataset(s) {unknown}; methods: {", ".join(METHODS)}; '
                             f'datasets: {", ".join(PAPER_DATASETS)}')
        for name, count, total in (('gpus', gpus, PAPER_BATCH), ('finetune_gpus', finetune_gpus, FINETUNE_BATCH)):
            if count < 1 or total % count:
                raise ValueError(f'{name} must divide the global batch of {total}, got {count}')
        if launcher == 'slurm' and not partition:
            raise ValueError('the slurm launcher needs a partition (--partition)')
        self.work_dir, self.methods, self.datasets = Path(work_dir), list(methods), list(datasets)
        self.seeds, self.gpus, self.finetune_gpus = list(seeds), gpus, finetune_gpus
        self.launcher, self.partition, self.gpus_per_node = launcher, partition, gpus_per_node
        self.data_roots, self.step_seconds = dict(data_roots or {}), dict(step_seconds or {})

    def stages(self) -> List[Stage]:
        """Every stage, in the order they run (dataset by dataset, seed by seed, method by method).

        Returns:
            list[Stage]: The stages.
        """
        stages = []
        for dataset in self.datasets:
            for seed in self.seeds:
                for method in self.methods:
                    stages += self._method_stages(dataset, method, seed)
        return stages

    def _method_stages(self, dataset: str, method: str, seed: int) -> List[Stage]:
        """The stages of one method on one dataset with one seed."""
        root, key = self.work_dir / dataset / method / f'seed{seed}', f'{dataset}/{method}/seed{seed}'
        data_root = ['--data-root', self.data_roots[dataset]] if dataset in self.data_roots else []
        stages, backbone = [], None
        if method != RANDOM:
            config = paper_config(method, dataset)
            cfg = Config.fromfile(str(config))
            iterations = pretraining_iterations(cfg, self._images(dataset, cfg))
            pretrain = root / 'pretrain'
            checkpoint = pretrain / f'epoch_{cfg.train_cfg.max_epochs}.pth'
            options = [f'train_dataloader.batch_size={PAPER_BATCH // self.gpus}', f'randomness.seed={seed}']
            stages.append(Stage(f'{key}/pretrain', 'pretrain', config, checkpoint, self._launch(
                'train', [str(config), '--work-dir', str(pretrain), '--resume', *data_root, '--cfg-options',
                          *options], self.gpus), self.gpus, iterations, self._hours(method, iterations, self.gpus)))
            backbone = pretrain / 'backbone.pth'
            stages.append(Stage(f'{key}/extract', 'extract', None, backbone,
                                [sys.executable, 'tools/extract_backbone.py', str(checkpoint), str(backbone)], 0))
        finetune_config = REPO / PAPER_DATASETS[dataset].finetune
        cfg = Config.fromfile(str(finetune_config))
        iterations, finetune = int(cfg.train_cfg.max_iters), root / 'finetune'
        init = f'model.backbone.init_cfg.checkpoint={backbone}' if backbone else 'model.backbone.init_cfg=None'
        options = [f'train_dataloader.batch_size={FINETUNE_BATCH // self.finetune_gpus}', f'randomness.seed={seed}',
                   init]
        checkpoint = finetune / f'iter_{iterations}.pth'
        stages.append(Stage(f'{key}/finetune', 'finetune', finetune_config, checkpoint, self._launch(
            'train', [str(finetune_config), '--work-dir', str(finetune), '--resume', *data_root, '--cfg-options',
                      *options], self.finetune_gpus), self.finetune_gpus, iterations,
            self._hours('finetune', iterations, self.finetune_gpus)))
        stages.append(Stage(f'{key}/evaluate', 'evaluate', finetune_config, finetune / 'metrics.json', self._launch(
            'test', [str(finetune_config), str(checkpoint), '--work-dir', str(finetune / 'eval'), *data_root],
            self.finetune_gpus), self.finetune_gpus))
        return stages

    def _images(self, dataset: str, cfg: Config) -> int:
        """Training images of a dataset: counted in its folder when it is at hand, else the official count."""
        root = self.data_roots.get(dataset)
        if root is None:
            return PAPER_DATASETS[dataset].images
        return len(list_images(Path(root) / cfg.train_dataloader.dataset.get('data_prefix', ''))[0])

    def _launch(self, script: str, args: List[str], gpus: int) -> List[str]:
        """The command of a tool on ``gpus`` GPUs; repository paths written relative (commands run from there)."""
        args = [str(Path(arg).relative_to(REPO)) if arg.startswith(str(REPO)) else arg for arg in args]
        return launch(script, args, gpus, self.launcher, self.partition, self.gpus_per_node)

    def _hours(self, name: str, iterations: int, gpus: int) -> Optional[float]:
        """GPU-hours of a training stage from the per-step seconds, or None without them."""
        seconds = self.step_seconds.get(name)
        return None if seconds is None else iterations * seconds * gpus / 3600

    def describe(self, stages: List[Stage], times_source: str) -> str:
        """The plan as text: every stage with its GPUs, iterations, estimated GPU-hours and command, then totals.

        Args:
            stages (list[Stage]): :meth:`stages`.
            times_source (str): Where the step times of the estimate come from, for the header.

        Returns:
            str: The plan.
        """
        lines = [f'Plan: {len(self.methods)} methods x {len(self.datasets)} datasets x {len(self.seeds)} seed(s) = '
                 f'{len(stages)} stages in {self.work_dir} ({self.launcher} launcher, {self.gpus} GPU(s) per '
                 f'pretraining, {self.finetune_gpus} per fine-tuning); GPU-hours from step times {times_source}.',
                 '', f'{"stage":<44} {"GPUs":>4} {"iters":>7} {"GPU-h":>8}  command']
        for stage in stages:
            hours = '-' if stage.gpu_hours is None else f'{stage.gpu_hours:.1f}'
            done = ' (done)' if stage.output.exists() else ''
            lines.append(f'{stage.key:<44} {stage.gpus:>4} {stage.iterations or "":>7} {hours:>8}  '
                         f'{" ".join(stage.command)}{done}')
        lines.append('')
        for dataset in self.datasets:
            part = [s for s in stages if s.key.startswith(f'{dataset}/') and s.gpu_hours is not None]
            lines.append(f'{dataset}: {sum(s.gpu_hours for s in part):.1f} GPU-hours estimated')
        total = sum(s.gpu_hours for s in stages if s.gpu_hours is not None)
        wall = sum(s.gpu_hours / s.gpus for s in stages if s.gpu_hours is not None)
        lines.append(f'total: {total:.1f} GPU-hours, {wall:.1f} hours of wall time one stage after another '
                     '(evaluation and extraction not estimated: minutes each)')
        return '\n'.join(lines)
