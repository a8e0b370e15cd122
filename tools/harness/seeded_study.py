"""The multi-seed study (``tools/study.py``): methods x seeds plus a threshold-ratio ablation, aggregated."""
import json
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence

from mmengine.config import Config

from grass_mm.utils.atomic_write import PathLike, write_text_atomically

from .aggregate import Runs, differences_table, paired_differences, summarize, summary_table
from .methods import RANDOM
from .pipeline import StudyPipeline
from .plot import plot_study
from .study_data import prepare_study_data

RATIO_KEY = 'model.sampler.threshold_ratio'


class SeededStudy:
    """Runs one :class:`StudyPipeline` per seed and per ablation variant, and aggregates over seeds.

    Layout of ``work_dir``::

        main/seed<S>/...                 every method, one StudyPipeline work dir per seed
        ablation_r<ratio>/seed<S>/...    GraSS with ``model.sampler.threshold_ratio=<ratio>``
        results.md, results.json, results.png    mean ± std over seeds (rewritten after every pipeline)

    The ablation's row for the pretraining config's own ratio is the main GraSS run (same seeds, same
    budget). Every finished stage is skipped on a re-run (StudyPipeline), so an interrupted study resumes.

    Args:
        work_dir (str | PathLike): Output folder (created).
        pretrain_configs (dict): Method name -> pretraining config path (``'grass'`` for the ablation).
        finetune_config (str | PathLike): The fine-tuning config.
        data (str | PathLike, optional): Dataset folder; None renders the demo set. Defaults to None.
        methods (Sequence[str]): Methods compared. Defaults to ('grass', 'simclr', 'random').
        seeds (Sequence[int]): Seeds; every method and variant runs with each. Defaults to (0, 1, 2).
        ablation_ratios (Sequence[float]): Threshold ratios r of the GraSS ablation besides the config's
            own; empty: no ablation. Defaults to (0.3, 0.7).
        log (Callable[[str], None]): Progress output. Defaults to ``print``.
        **pipeline_kwargs: ``finetune_mode``, ``pretrain_iters``, ``finetune_iters``, ``view_size``,
            ``pretrain_options``, ``finetune_options`` of :class:`StudyPipeline`, shared by every run.
    """

    def __init__(self, work_dir: PathLike, pretrain_configs: Dict[str, PathLike], finetune_config: PathLike,
                 data: Optional[PathLike] = None, methods: Sequence[str] = ('grass', 'simclr', RANDOM),
                 seeds: Sequence[int] = (0, 1, 2), ablation_ratios: Sequence[float] = (0.3, 0.7),
                 log: Callable[[str], None] = print, **pipeline_kwargs) -> None:
        if not seeds or len(set(seeds)) != len(seeds):
            raise ValueError(f'seeds must be distinct and at least one, got {list(seeds)}')
        if ablation_ratios and 'grass' not in pretrain_configs:
            raise ValueError('the threshold-ratio ablation needs a "grass" pretraining config')
        bad = [r for r in ablation_ratios if not 0 <= r < 1]
        if bad:
            raise ValueError(f'threshold ratios must be in [0, 1), got {bad}')
        self.work_dir, self.data, self.log = Path(work_dir), data, log
        self.pretrain_configs, self.finetune_config = dict(pretrain_configs), finetune_config
        self.methods, self.seeds, self.ratios = list(methods), list(seeds), list(ablation_ratios)
        self.kwargs = dict(pipeline_kwargs)
        self.main: Runs = {}
        self.ablation: Runs = {}

    def base_ratio(self) -> float:
        """The threshold ratio of the GraSS pretraining config after the pretraining overrides.

        Returns:
            float: ``model.sampler.threshold_ratio``.
        """
        cfg = Config.fromfile(str(self.pretrain_configs['grass']))
        cfg.merge_from_dict(dict(self.kwargs.get('pretrain_options') or {}))
        return float(cfg.model.sampler.threshold_ratio)

    def run(self) -> dict:
        """Runs the main comparison for every seed, then the ablation, writing the report after each run.

        Returns:
            dict: The content of ``results.json``.
        """
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.data, self.classes = prepare_study_data(self.work_dir, self.data, self.log)
        base = self.base_ratio() if self.ratios else None
        report = {}
        for seed in self.seeds:
            metrics = self._pipeline(self.work_dir / 'main' / f'seed{seed}', self.methods, seed, {})
            for method, values in metrics.items():
                self.main.setdefault(method, {})[seed] = values
                if method == 'grass' and self.ratios:
                    self.ablation.setdefault(f'r={base:g}', {})[seed] = values
            report = self.write_report(base)
        for ratio in (r for r in self.ratios if r != base):
            for seed in self.seeds:
                metrics = self._pipeline(self.work_dir / f'ablation_r{ratio:g}' / f'seed{seed}', ['grass'], seed,
                                         {RATIO_KEY: ratio})
                self.ablation.setdefault(f'r={ratio:g}', {})[seed] = metrics['grass']
                report = self.write_report(base)
        return report

    def _pipeline(self, work_dir: Path, methods: Sequence[str], seed: int, extra: dict) -> Dict[str, dict]:
        """Runs (or resumes) one StudyPipeline and returns method -> metrics."""
        name = f'{work_dir.relative_to(self.work_dir)}'
        kwargs = dict(self.kwargs)
        kwargs['pretrain_options'] = {**dict(kwargs.get('pretrain_options') or {}), **extra}
        start = time.perf_counter()
        self.log(f'=== {name}: {", ".join(methods)} (seed {seed})')
        pipeline = StudyPipeline(work_dir, self.pretrain_configs, self.finetune_config, self.data, methods,
                                 seed=seed, log=lambda line: self.log(f'[{name}] {line}'), **kwargs)
        metrics = pipeline.run()
        self.log(f'=== {name}: finished in {time.perf_counter() - start:.0f} s, mIoU ' +
                 ', '.join(f'{m} {v.get("mIoU")}' for m, v in metrics.items()))
        return metrics

    def write_report(self, base_ratio: Optional[float]) -> dict:
        """Writes ``results.md``, ``results.json`` and ``results.png`` from the runs finished so far.

        Args:
            base_ratio (float, optional): The config's threshold ratio (None without ablation).

        Returns:
            dict: The content of ``results.json``.
        """
        pairs = [(a, b) for i, a in enumerate(self.methods) for b in self.methods[i + 1:]]
        by_ratio = dict(sorted(self.ablation.items(), key=lambda item: float(item[0][2:])))  # 'r=<ratio>'
        main, ablation = summarize(self.main, self.classes), summarize(by_ratio, self.classes)
        differences = paired_differences(self.main, pairs)
        ablation_differences = paired_differences(
            by_ratio, [(f'r={r:g}', f'r={base_ratio:g}') for r in self.ratios if r != base_ratio])
        settings = dict(data=str(self.data), methods=self.methods, seeds=self.seeds,
                        finetune_config=str(self.finetune_config), base_threshold_ratio=base_ratio,
                        ablation_ratios=self.ratios,
                        **{k: (v if isinstance(v, (int, float, str)) else repr(v)) for k, v in self.kwargs.items()})
        report = dict(settings=settings, classes=self.classes, runs=dict(main=self.main, ablation=by_ratio),
                      summary=dict(main=main, ablation=ablation), paired_differences=differences,
                      ablation_paired_differences=ablation_differences)
        write_text_atomically(self.work_dir / 'results.json', json.dumps(report, indent=1))
        lines = ['# GraSS study: mean ± std over seeds, DeepLabV3+ on the validation split', '',
                 *(f'- {key}: {value}' for key, value in settings.items()), '',
                 'IoU, aAcc and mIoU in percent; mean ± sample std over the listed seeds (n/a: no value).', '',
                 '## Methods', '', summary_table(main, self.classes), '',
                 '## Paired differences (same seed)', '', differences_table(differences)]
        if ablation:
            lines += ['', '## Ablation: GraSS threshold ratio r', '', summary_table(ablation, self.classes, 'r'), '',
                      differences_table(ablation_differences)]
        write_text_atomically(self.work_dir / 'results.md', '\n'.join(lines) + '\n')
        plot_study([('methods (mean ± std over seeds)', main), ('GraSS threshold ratio r', ablation)], self.classes,
                   self.work_dir / 'results.png')
        return report
