"""The end-to-end study: pretrain -> extract backbone -> fine-tune -> evaluate -> report, per method."""
import gc
import json
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

from grass_mm.checkpoint import extract_backbone
from grass_mm.utils.atomic_write import PathLike, write_text_atomically

from .methods import RANDOM
from .probe_fit import FITTED_PROBES, fit_probe
from .report import write_report
from .stage_configs import evaluation_config, finetune_config, pretrain_config
from .study_data import prepare_study_data


class StudyPipeline:
    """Runs the study for several methods in one work dir; a stage whose output exists is skipped.

    Layout of ``work_dir`` (``P``/``F``: iterations, ``S``: seed, ``mode``: the fine-tuning config's key)::

        <method>/pretrain_<P>it_seed<S>/iter_<P>.pth, logs, backbone.pth
        <method>/pretrain_<P>it_seed<S>/finetune_<mode>_<F>it[_labels<fraction>]/iter_<F>.pth, logs,
            metrics.json
        random/finetune_<mode>_<F>it_seed<S>/...
        results.md, results.json, results.png

    Stage folders are keyed by the iteration counts, seed, fine-tuning mode and label fraction only; use
    another work dir when changing configs or ``*_options``.

    Args:
        work_dir (str | PathLike): Output folder (created).
        pretrain_configs (dict): Method name -> pretraining config path.
        finetune_config (str | PathLike): The fine-tuning config.
        data (str | PathLike, optional): Dataset in the ``RSISegDataset`` layout; None renders the demo
            dataset into ``work_dir/data/demo``. Defaults to None.
        methods (Sequence[str]): Keys of ``pretrain_configs`` and/or ``'random'``. Defaults to
            ('grass', 'simclr', 'random').
        finetune_mode (str): Short name of the fine-tuning config for folder names. Defaults to 'frozen'.
        pretrain_iters (int): Pretraining iterations. Defaults to 60.
        finetune_iters (int): Fine-tuning iterations. Defaults to 200.
        seed (int): Random seed of every stage. Defaults to 0.
        label_fraction (float): Share of the training images used for fine-tuning (pretraining always uses
            all of them). Defaults to 1.0.
        pretrain_options (dict, optional): Config overrides (``--cfg-options`` style keys) of every
            pretraining stage, applied last. Defaults to None.
        finetune_options (dict, optional): Config overrides of the fine-tuning and evaluation stages.
            Defaults to None.
        view_size (int, optional): Side of the pretraining views of every method (the other views of a
            method keep their ratios, :func:`~tools.harness.stage_configs.view_size_options`). Defaults to None
            (each config's own).
        output_stride (int): Output stride of the pretraining backbone with ``view_size``: 32 or 16.
            Defaults to 32.
        report (bool): Write ``results.md/json/png`` when the run ends. Defaults to True.
        log (Callable[[str], None]): Progress output. Defaults to ``print``.
    """

    def __init__(self, work_dir: PathLike, pretrain_configs: Dict[str, PathLike], finetune_config: PathLike,
                 data: Optional[PathLike] = None, methods: Sequence[str] = ('grass', 'simclr', RANDOM),
                 finetune_mode: str = 'frozen', pretrain_iters: int = 60, finetune_iters: int = 200, seed: int = 0,
                 label_fraction: float = 1.0, pretrain_options: Optional[dict] = None,
                 finetune_options: Optional[dict] = None, view_size: Optional[int] = None, output_stride: int = 32,
                 report: bool = True, log: Callable[[str], None] = print) -> None:
        self.pretrain_configs = dict(pretrain_configs)
        unknown = [m for m in methods if m != RANDOM and m not in self.pretrain_configs]
        if unknown or not methods:
            raise ValueError(f'unknown method(s) {unknown or "none given"}; choose from '
                             f'{sorted(self.pretrain_configs) + [RANDOM]}')
        if not 0 < label_fraction <= 1:
            raise ValueError(f'label_fraction must be in (0, 1], got {label_fraction}')
        self.work_dir, self.data = Path(work_dir), None if data is None else Path(data)
        self.methods, self.finetune_cfg_path, self.mode = list(dict.fromkeys(methods)), finetune_config, finetune_mode
        self.pretrain_iters, self.finetune_iters, self.seed, self.log = pretrain_iters, finetune_iters, seed, log
        self.label_fraction = label_fraction
        self.pretrain_options, self.finetune_options = dict(pretrain_options or {}), dict(finetune_options or {})
        self.view_size, self.output_stride, self.report = view_size, output_stride, report
        self._runs = 0

    def run(self) -> Dict[str, dict]:
        """Runs every method's stages, then writes the report.

        Returns:
            dict: Method -> evaluation metrics (mmseg's ``aAcc``/``mIoU``/... and ``IoU.<class>``).
        """
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.data, classes = prepare_study_data(self.work_dir, self.data, self.log)
        results = {}
        for index, method in enumerate(self.methods, 1):
            self.log(f'==> [{index}/{len(self.methods)}] {method}')
            results[method] = self._run_method(method)
        if not self.report:
            return results
        settings = dict(data=str(self.data), methods=self.methods, pretrain_iters=self.pretrain_iters,
                        finetune_iters=self.finetune_iters, finetune_config=str(self.finetune_cfg_path),
                        label_fraction=self.label_fraction, view_size=self.view_size, seed=self.seed)
        for path in write_report(self.work_dir, results, classes, settings):
            self.log(f'==> wrote {path}')
        return results

    def _run_method(self, method: str) -> dict:
        """Runs (or skips) the stages of one method and returns its metrics."""
        tag = f'{self.mode}_{self.finetune_iters}it' + (f'_labels{self.label_fraction:g}'
                                                         if self.label_fraction != 1.0 else '')
        if method == RANDOM:
            backbone, finetune_dir = None, self.work_dir / RANDOM / f'finetune_{tag}_seed{self.seed}'
        else:
            pretrain_dir = self.work_dir / method / f'pretrain_{self.pretrain_iters}it_seed{self.seed}'
            checkpoint = pretrain_dir / f'iter_{self.pretrain_iters}.pth'
            self._stage(f'{method}: pretrain {self.pretrain_iters} it', checkpoint, lambda: self._train(
                pretrain_config(self.pretrain_configs[method], self.data, pretrain_dir, self.pretrain_iters,
                                self.seed, self._name(method, 'pretrain'), self.view_size, self.output_stride),
                self.pretrain_options))
            backbone = pretrain_dir / 'backbone.pth'
            self._stage(f'{method}: extract backbone', backbone, lambda: self._extract(checkpoint, backbone))
            finetune_dir = pretrain_dir / f'finetune_{tag}'
        cfg = finetune_config(self.finetune_cfg_path, self.data, backbone, finetune_dir, self.finetune_iters,
                              self.seed, self._name(method, 'finetune'), self.label_fraction)
        finetuned = finetune_dir / f'iter_{self.finetune_iters}.pth'
        if self.mode in FITTED_PROBES:
            finetune_dir.mkdir(parents=True, exist_ok=True)
            self._stage(f'{method}: fit the linear probe (at most {self.finetune_iters} L-BFGS it)', finetuned,
                        lambda: fit_probe(cfg, self.finetune_options, finetuned, self.finetune_iters, self.seed,
                                          full_images=FITTED_PROBES[self.mode], log=self.log))
        else:
            self._stage(f'{method}: fine-tune {self.finetune_iters} it ({self.mode})', finetuned,
                        lambda: self._train(cfg, self.finetune_options))
        metrics_file = finetune_dir / 'metrics.json'
        self._stage(f'{method}: evaluate on the val split', metrics_file, lambda: evaluate_checkpoint(
            evaluation_config(cfg, finetuned, finetune_dir / 'eval', self._name(method, 'eval')),
            self.finetune_options, metrics_file))
        return json.loads(metrics_file.read_text())

    def _stage(self, title: str, output: Path, action: Callable[[], None]) -> None:
        """Runs ``action`` unless ``output`` exists; fails if the action did not produce it."""
        if output.exists():
            self.log(f'    {title}: done before, skipped ({output})')
            return
        self.log(f'    {title} ...')
        start = time.perf_counter()
        action()
        if not output.exists():
            raise RuntimeError(f'stage "{title}" finished without writing {output}')
        self.log(f'    {title}: done in {time.perf_counter() - start:.1f} s -> {output}')

    def _name(self, method: str, stage: str) -> str:
        """A Runner experiment name unique within this process (mmengine keys global instances by it)."""
        self._runs += 1
        return f'study_{method}_{stage}_{self._runs}'

    @staticmethod
    def _train(cfg, options: dict) -> None:
        """Applies the overrides and trains with mmengine's Runner in this process."""
        from mmengine.runner import Runner
        cfg.merge_from_dict(options)
        runner = Runner.from_cfg(cfg)
        runner.train()
        del runner
        gc.collect()

    def _extract(self, checkpoint: Path, backbone: Path) -> None:
        """Extracts the backbone and reports the counts."""
        kept, dropped = extract_backbone(checkpoint, backbone)
        self.log(f'    kept {len(kept)} backbone tensors, dropped {len(dropped)} keys ({", ".join(dropped[:4])}'
                 f'{", ..." if len(dropped) > 4 else ""})')


def evaluate_checkpoint(cfg, options: dict, metrics_file: Path) -> None:
    """Evaluates a stage config's model on its val split and writes the metrics as JSON (NaN -> null), atomically.

    Args:
        cfg (Config): An evaluation config (:func:`~tools.harness.stage_configs.evaluation_config`).
        options (dict): Config overrides.
        metrics_file (Path): Where the metrics go.
    """
    from mmengine.runner import Runner
    cfg.merge_from_dict(options)
    runner = Runner.from_cfg(cfg)
    metrics = {key: (None if value != value else float(value)) for key, value in runner.val().items()}
    write_text_atomically(metrics_file, json.dumps(metrics, indent=1))
    del runner
    gc.collect()
