"""The multi-seed study (``tools/study.py``): methods x seeds x evaluations, an optional threshold-ratio
ablation, aggregated with t-based confidence intervals."""
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple

from mmengine.config import Config

from grass_mm.utils.atomic_write import PathLike

from .aggregate import Runs
from .earlier_results import load_earlier_runs
from .evaluation import Evaluation
from .machine import Machines, machine_description, taken_machines
from .pipeline import StudyPipeline
from .report import SeededSection, write_seeded_report
from .study_data import prepare_study_data

RATIO_KEY = 'model.sampler.threshold_ratio'


class SeededStudy:
    """Runs :class:`StudyPipeline` per seed, evaluation and ablation variant, and aggregates over seeds.

    Layout of ``work_dir``::

        main/seed<S>/...                 every method of that seed, one StudyPipeline work dir (each
                                         pretrained backbone is scored by every evaluation)
        ablation_r<ratio>/seed<S>/...    GraSS with ``model.sampler.threshold_ratio=<ratio>``
        results.md, results.json, results.png    rewritten after every pipeline

    Methods can run with different seed lists (``seeds``: method -> seeds), e.g. many seeds for the methods
    whose paired difference is the question and three for the others; runs go seed by seed, so that an
    interrupted study has every method of the first seeds. Every finished stage is skipped on a re-run, the
    runs in the work dir's own ``results.json`` (same protocol) are reported from it and not run again, and
    every run recorded in an earlier ``results.json`` of the same protocol (``earlier_results``, e.g. committed
    from another machine) is reported from there and not run again. ``results.json`` records the machine of
    every run (``machines``): on CPUs a seed reproduces a run only on the same processor type.

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
        earlier_results (Sequence[str | PathLike]): Earlier ``results.json`` files whose runs count as done
            (later files and this study's own runs win). Defaults to ().
        log (Callable[[str], None]): Progress output. Defaults to ``print``.
        **pipeline_kwargs: ``pretrain_iters``, ``pretrain_options``, ``view_size``, ``output_stride`` of
            :class:`StudyPipeline`, shared by every run.
    """

    def __init__(self, work_dir: PathLike, pretrain_configs: Dict[str, PathLike], evaluations: Dict[str, Evaluation],
                 seeds: Dict[str, Sequence[int]], data: Optional[PathLike] = None,
                 pairs: Optional[Sequence[Tuple[str, str]]] = None, ablation_ratios: Sequence[float] = (),
                 earlier_results: Sequence[PathLike] = (), log: Callable[[str], None] = print,
                 **pipeline_kwargs) -> None:
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
        self.earlier = [str(path) for path in earlier_results]
        self.main: Dict[str, Runs] = {name: {} for name in self.evaluations}
        self.ablation: Dict[str, Runs] = {name: {} for name in self.evaluations}
        self.machines: Machines = {}  # label -> seed -> the machine that ran it (results.json records it)

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
        for path in self.earlier:
            self._take_earlier(path, base)
        own = self.work_dir / 'results.json'
        if own.is_file():  # taken last: the runs of this work dir win, also those of seeds not reached yet
            try:
                self._take_earlier(own, base)
            except ValueError as error:  # another protocol in the same work dir: its report is replaced
                self.log(f'not taking the runs of {own}: {error}')
        report = {}
        machine = machine_description()
        for seed in sorted({s for method_seeds in self.seeds.values() for s in method_seeds}):
            methods = [m for m, method_seeds in self.seeds.items() if seed in method_seeds and not all(
                seed in self.main[name].get(m, {}) for name in self.evaluations)]
            if methods:
                for name, metrics in self._pipelines(self.work_dir / 'main' / f'seed{seed}', methods, seed,
                                                     {}).items():
                    self._record(name, {method: {seed: values} for method, values in metrics.items()}, base)
                for method in methods:
                    self.machines.setdefault(method, {})[seed] = machine
                report = self.write_report(base)
        for ratio in (r for r in self.ratios if r != base):
            for seed in self.seeds['grass']:
                if all(seed in self.ablation[name].get(f'r={ratio:g}', {}) for name in self.evaluations):
                    continue
                runs = self._pipelines(self.work_dir / f'ablation_r{ratio:g}' / f'seed{seed}', ['grass'], seed,
                                       {RATIO_KEY: ratio})
                for name, metrics in runs.items():
                    self.ablation[name].setdefault(f'r={ratio:g}', {})[seed] = metrics['grass']
                self.machines.setdefault(f'r={ratio:g}', {})[seed] = machine
                report = self.write_report(base)
        return report or self.write_report(base)  # nothing ran: every run was in a results.json read above

    def _take_earlier(self, path: str, base_ratio: Optional[float]) -> None:
        """Stores the runs of an earlier ``results.json`` that this study asks for."""
        earlier = load_earlier_runs(path, self.settings(base_ratio), self.classes)
        for name, runs in earlier.items():
            self._record(name, runs['main'], base_ratio)
            for label, by_seed in runs['ablation'].items():
                self.ablation[name].setdefault(label, {}).update(by_seed)
        base_label = f'r={base_ratio:g}' if self.ratios else None
        for label, by_seed in taken_machines(path, earlier, base_label).items():
            self.machines.setdefault(label, {}).update(by_seed)
        self.log(f'earlier runs from {path}: ' + (', '.join(
            f'{label} seeds {sorted(by_seed)}' for part in earlier[next(iter(earlier))].values()
            for label, by_seed in part.items()) or 'none of this study\'s runs'))

    def _record(self, name: str, runs: Runs, base_ratio: Optional[float]) -> None:
        """Stores main runs of one evaluation; GraSS's are also the ablation's row of the config's ratio."""
        for method, by_seed in runs.items():
            self.main[name].setdefault(method, {}).update(by_seed)
            if method == 'grass' and self.ratios:
                self.ablation[name].setdefault(f'r={base_ratio:g}', {}).update(by_seed)

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

    def settings(self, base_ratio: Optional[float]) -> dict:
        """The study's settings, as ``results.json`` records them.

        Args:
            base_ratio (float, optional): The config's threshold ratio (None without ablation).

        Returns:
            dict: Data, seeds, pairs, evaluations, ablation and pipeline settings, earlier results files.
        """
        return dict(data=str(self.data), seeds=self.seeds, pairs=[list(p) for p in self.pairs],
                    evaluations={name: dict(config=str(spec.config), iters=spec.iters, options=repr(spec.options))
                                 for name, spec in self.evaluations.items()},
                    base_threshold_ratio=base_ratio, ablation_ratios=self.ratios,
                    **{k: (v if isinstance(v, (int, float, str)) else repr(v)) for k, v in self.kwargs.items()},
                    earlier_results=self.earlier)

    def write_report(self, base_ratio: Optional[float]) -> dict:
        """Writes ``results.md``, ``results.json`` and ``results.png`` from the runs finished so far.

        Args:
            base_ratio (float, optional): The config's threshold ratio (None without ablation).

        Returns:
            dict: The content of ``results.json``.
        """
        sections = {name: SeededSection(f'{Path(spec.config).name}, {spec.iters} iterations', self.main[name],
                                        self.ablation[name]) for name, spec in self.evaluations.items()}
        ratio_pairs = [(f'r={r:g}', f'r={base_ratio:g}') for r in self.ratios if r != base_ratio]
        return write_seeded_report(self.work_dir, self.settings(base_ratio), self.classes, sections, self.pairs,
                                   ratio_pairs, self.machines)
