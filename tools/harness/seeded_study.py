"""The multi-seed study (``tools/study.py``): methods x seeds x evaluations, an optional threshold-ratio
ablation, aggregated with t-based confidence intervals."""
import json
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from grass_mm.utils.atomic_write import PathLike, write_text_atomically

from .aggregate import (
    Runs,
    comparison_lines,
    comparison_section,
    differences_table,
    paired_differences,
    summarize,
    summary_table,
)
from .pipeline import StudyPipeline
from .plot import plot_study
from .study_data import prepare_study_data

RATIO_KEY = 'model.sampler.threshold_ratio'


class Evaluation:
    """One way of scoring a pretrained backbone: a fine-tuning config, its length and its overrides.

    Args:
        config (str | PathLike): An ``RSISegDataset`` fine-tuning config (DeepLabV3+, linear probe, ...).
        iters (int): Fine-tuning iterations.
        options (dict, optional): Config overrides of its fine-tuning and evaluation stages. Defaults to None.
    """

    def __init__(self, config: PathLike, iters: int, options: Optional[dict] = None) -> None:
        self.config, self.iters, self.options = config, iters, dict(options or {})


class SeededStudy:
    """Runs :class:`StudyPipeline` per seed, evaluation and ablation variant, and aggregates over seeds.

    Layout of ``work_dir``::

        main/seed<S>/...                 every method of that seed, one StudyPipeline work dir (each
                                         pretrained backbone is scored by every evaluation)
        ablation_r<ratio>/seed<S>/...    GraSS with ``model.sampler.threshold_ratio=<ratio>``
        results.md, results.json, results.png    rewritten after every pipeline

    Methods can run with different seed lists (``seeds``: method -> seeds), e.g. many seeds for the methods
    whose paired difference is the question and three for the others; runs go seed by seed, so that an
    interrupted study has every method of the first seeds. Every finished stage is skipped on a re-run.

    Args:
        work_dir (str | PathLike): Output folder (created).
        pretrain_configs (dict): Method name -> pretraining config path (``'grass'`` for the ablation).
        evaluations (dict): Evaluation name -> :class:`Evaluation`; the first is the primary one.
        seeds (dict): Method (or ``'random'``) -> seeds it runs with.
        data (str | PathLike, optional): Dataset folder; None renders the demo set. Defaults to None.
        pairs (Sequence[tuple[str, str]]): ``(a, b)`` methods whose per-seed differences ``a - b`` are
            reported. Defaults to every pair of methods, in the order given.
        ablation_ratios (Sequence[float]): Threshold ratios r of the GraSS ablation besides the config's
            own; empty: no ablation. Defaults to ().
        log (Callable[[str], None]): Progress output. Defaults to ``print``.
        **pipeline_kwargs: ``pretrain_iters``, ``pretrain_options``, ``view_size``, ``output_stride`` of
            :class:`StudyPipeline`, shared by every run.
    """

    def __init__(self, work_dir: PathLike, pretrain_configs: Dict[str, PathLike], evaluations: Dict[str, Evaluation],
                 seeds: Dict[str, Sequence[int]], data: Optional[PathLike] = None,
                 pairs: Optional[Sequence[Tuple[str, str]]] = None, ablation_ratios: Sequence[float] = (),
                 log: Callable[[str], None] = print, **pipeline_kwargs) -> None:
        for method, method_seeds in seeds.items():
            if not method_seeds or len(set(method_seeds)) != len(method_seeds):
                raise ValueError(f'seeds must be distinct and at least one, got {list(method_seeds)} for {method}')
        if ablation_ratios and 'grass' not in seeds:
            raise ValueError('the threshold-ratio ablation needs the "grass" method')
        bad = [r for r in ablation_ratios if not 0 <= r < 1]
        if bad:
            raise ValueError(f'threshold ratios must be in [0, 1), got {bad}')
        if not evaluations:
            raise ValueError('at least one evaluation is needed')
        methods = list(seeds)
        self.work_dir, self.data, self.log = Path(work_dir), data, log
        self.pretrain_configs, self.evaluations = dict(pretrain_configs), dict(evaluations)
        self.seeds = {method: sorted(method_seeds) for method, method_seeds in seeds.items()}
        self.pairs = list(pairs) if pairs is not None else [
            (a, b) for i, a in enumerate(methods) for b in methods[i + 1:]]
        self.ratios, self.kwargs = list(ablation_ratios), dict(pipeline_kwargs)
        self.main: Dict[str, Runs] = {name: {} for name in self.evaluations}
        self.ablation: Dict[str, Runs] = {name: {} for name in self.evaluations}

    def base_ratio(self) -> float:
        """The threshold ratio of the GraSS pretraining config after the pretraining overrides.

        Returns:
            float: ``model.sampler.threshold_ratio``.
        """
        cfg = Config.fromfile(str(self.pretrain_configs['grass']))
        cfg.merge_from_dict(dict(self.kwargs.get('pretrain_options') or {}))
        return float(cfg.model.sampler.threshold_ratio)

    def run(self) -> dict:
        """Runs every method of every seed (seed by seed), then the ablation; reports after each run.

        Returns:
            dict: The content of ``results.json``.
        """
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.data, self.classes = prepare_study_data(self.work_dir, self.data, self.log)
        base = self.base_ratio() if self.ratios else None
        report = {}
        for seed in sorted({s for method_seeds in self.seeds.values() for s in method_seeds}):
            methods = [m for m, method_seeds in self.seeds.items() if seed in method_seeds]
            for name, metrics in self._pipelines(self.work_dir / 'main' / f'seed{seed}', methods, seed, {}).items():
                for method, values in metrics.items():
                    self.main[name].setdefault(method, {})[seed] = values
                    if method == 'grass' and self.ratios:
                        self.ablation[name].setdefault(f'r={base:g}', {})[seed] = values
            report = self.write_report(base)
        for ratio in (r for r in self.ratios if r != base):
            for seed in self.seeds['grass']:
                runs = self._pipelines(self.work_dir / f'ablation_r{ratio:g}' / f'seed{seed}', ['grass'], seed,
                                       {RATIO_KEY: ratio})
                for name, metrics in runs.items():
                    self.ablation[name].setdefault(f'r={ratio:g}', {})[seed] = metrics['grass']
                report = self.write_report(base)
        return report

    def _pipelines(self, work_dir: Path, methods: Sequence[str], seed: int, extra: dict) -> Dict[str, dict]:
        """Runs (or resumes) one StudyPipeline per evaluation in ``work_dir``; evaluation -> method -> metrics.

        The pipelines share the work dir, so the backbones are pretrained once and scored by every evaluation.
        """
        name = f'{work_dir.relative_to(self.work_dir)}'
        kwargs = dict(self.kwargs)
        kwargs['pretrain_options'] = {**dict(kwargs.get('pretrain_options') or {}), **extra}
        start, results = time.perf_counter(), {}
        self.log(f'=== {name}: {", ".join(methods)} (seed {seed})')
        for evaluation, spec in self.evaluations.items():
            pipeline = StudyPipeline(work_dir, self.pretrain_configs, spec.config, self.data, methods, seed=seed,
                                     finetune_mode=evaluation, finetune_iters=spec.iters,
                                     finetune_options=spec.options, report=False,
                                     log=lambda line: self.log(f'[{name}] {line}'), **kwargs)
            results[evaluation] = pipeline.run()
        self.log(f'=== {name}: finished in {time.perf_counter() - start:.0f} s, mIoU ' + '; '.join(
            f'{evaluation}: ' + ', '.join(f'{m} {v.get("mIoU")}' for m, v in metrics.items())
            for evaluation, metrics in results.items()))
        return results

    def write_report(self, base_ratio: Optional[float]) -> dict:
        """Writes ``results.md``, ``results.json`` and ``results.png`` from the runs finished so far.

        Args:
            base_ratio (float, optional): The config's threshold ratio (None without ablation).

        Returns:
            dict: The content of ``results.json``.
        """
        settings = dict(data=str(self.data), seeds=self.seeds, pairs=[list(p) for p in self.pairs],
                        evaluations={name: dict(config=str(spec.config), iters=spec.iters, options=repr(spec.options))
                                     for name, spec in self.evaluations.items()},
                        base_threshold_ratio=base_ratio, ablation_ratios=self.ratios,
                        **{k: (v if isinstance(v, (int, float, str)) else repr(v)) for k, v in self.kwargs.items()})
        lines = ['# GraSS study: mean ± std and 95 % t-intervals over seeds, on the validation split', '',
                 *(f'- {key}: {value}' for key, value in settings.items()), '',
                 'IoU, aAcc and mIoU in percent; mean ± sample std over the listed seeds (n/a: no value); '
                 '95 % CI: Student-t interval of the mean; paired differences use the seeds both methods have.']
        evaluations, panels = {}, []
        for name in self.evaluations:
            evaluations[name] = self._evaluation_report(name, base_ratio)
            lines += self._evaluation_lines(name, evaluations[name])
            panels += [(f'{name}: methods (mean ± std over seeds)', evaluations[name]['summary']['main']),
                       (f'{name}: GraSS threshold ratio r', evaluations[name]['summary']['ablation'])]
        report = dict(settings=settings, classes=self.classes, evaluations=evaluations)
        write_text_atomically(self.work_dir / 'results.json', json.dumps(report, indent=1))
        write_text_atomically(self.work_dir / 'results.md', '\n'.join(lines) + '\n')
        plot_study(panels, self.classes, self.work_dir / 'results.png')
        return report

    def _evaluation_report(self, name: str, base_ratio: Optional[float]) -> dict:
        """Runs, summaries, intervals and paired differences of one evaluation, and its ablation."""
        by_ratio = dict(sorted(self.ablation[name].items(), key=lambda item: float(item[0][2:])))  # 'r=<ratio>'
        report = comparison_section(self.main[name], self.classes, self.pairs)
        report['runs'] = dict(main=report['runs'], ablation=by_ratio)
        report['summary'] = dict(main=report['summary'], ablation=summarize(by_ratio, self.classes))
        report['ablation_paired_differences'] = paired_differences(
            by_ratio, [(f'r={r:g}', f'r={base_ratio:g}') for r in self.ratios if r != base_ratio])
        return report

    def _evaluation_lines(self, name: str, report: dict) -> List[str]:
        """The markdown section of one evaluation."""
        spec = self.evaluations[name]
        section = dict(report, summary=report['summary']['main'])
        lines = ['', f'## Evaluation `{name}`: {Path(spec.config).name}, {spec.iters} iterations', '',
                 *comparison_lines(section, self.classes)]
        if report['summary']['ablation']:
            lines += ['', '### Ablation: GraSS threshold ratio r', '',
                      summary_table(report['summary']['ablation'], self.classes, 'r'), '',
                      differences_table(report['ablation_paired_differences'])]
        return lines
