"""Runs the paper's comparison stage by stage (finished stages are skipped) and reports it as the CPU study."""
import json
import subprocess
from pathlib import Path
from typing import Callable, Dict

from grass_mm.utils.atomic_write import write_text_atomically

from .aggregate import Runs, comparison_lines, comparison_section, t_interval
from .methods import METHODS, default_pairs
from .paper_plan import PaperPlan
from .paper_stages import PAPER_DATASETS, REPO
from .plot import plot_study


class PaperStudy:
    """Runs the stages of a :class:`PaperPlan` in order and writes ``results.md``, ``results.json`` and
    ``results.png`` into its work dir after every evaluation.

    Args:
        plan (PaperPlan): What to run.
    """

    def __init__(self, plan: PaperPlan) -> None:
        self.plan = plan

    def run(self, log: Callable[[str], None] = print) -> dict:
        """Runs every unfinished stage in plan order, then reports; the report is rewritten after every
        evaluation, so a long run has its table as it goes.

        Args:
            log (Callable[[str], None]): Progress output. Defaults to ``print``.

        Returns:
            dict: The content of ``results.json``.

        Raises:
            RuntimeError: Naming the stage and its command when a command fails or does not write the stage's
                output.
        """
        for stage in self.plan.stages():
            if stage.output.exists():
                log(f'{stage.key}: done before, skipped ({stage.output})')
                continue
            log(f'{stage.key}: {" ".join(stage.command)}')
            stage.output.parent.mkdir(parents=True, exist_ok=True)
            if subprocess.run(stage.command, cwd=REPO).returncode != 0:
                raise RuntimeError(f'stage {stage.key} failed; command: {" ".join(stage.command)}')
            if stage.kind == 'evaluate':
                metrics = read_test_metrics(stage.output.parent / 'eval')
                write_text_atomically(stage.output, json.dumps(metrics, indent=1))
                self.report()
            if not stage.output.exists():
                raise RuntimeError(f'stage {stage.key} finished without writing {stage.output}')
        return self.report()

    def report(self) -> dict:
        """Writes ``results.md``, ``results.json`` and ``results.png`` from the evaluations finished so far.

        Returns:
            dict: The content of ``results.json``: per dataset the runs (method -> seed -> metrics), summaries,
            95 % t-intervals and paired differences, as the CPU study reports them.
        """
        sections, panels, lines = {}, [], []
        for dataset in self.plan.datasets:
            runs: Runs = {}
            for method in self.plan.methods:
                for seed in self.plan.seeds:
                    metrics = self.plan.work_dir / dataset / method / f'seed{seed}' / 'finetune' / 'metrics.json'
                    if metrics.is_file():
                        runs.setdefault(method, {})[seed] = json.loads(metrics.read_text())
            if not runs:
                continue
            classes = sorted({key[len('IoU.'):] for by_seed in runs.values() for metrics in by_seed.values()
                              for key in metrics if key.startswith('IoU.')})
            section = comparison_section(runs, classes, default_pairs(self.plan.methods))
            sections[dataset] = dict(section, classes=classes)
            lines += ['', f'## {dataset}', '', *comparison_lines(sections[dataset], classes)]
            panels.append((dataset, sections[dataset]['summary']))
        plan = self.plan
        settings = dict(methods=plan.methods, datasets=plan.datasets, seeds=plan.seeds, gpus=plan.gpus,
                        finetune_gpus=plan.finetune_gpus, launcher=plan.launcher)
        report = dict(settings=settings, datasets=sections)
        self.plan.work_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomically(self.plan.work_dir / 'results.json', json.dumps(report, indent=1))
        header = ['# The paper\'s comparison: ResNet-50 pretraining, frozen DeepLabV3+ R50 (crop 256, 1.3k iterations)',
                  '', *(f'- {key}: {value}' for key, value in settings.items()), '',
                  'mIoU in percent on each dataset\'s val split; mean over seeds (± 95 % t-interval with two or '
                  'more), per dataset sections below.', '', self.comparison_table(sections)]
        write_text_atomically(self.plan.work_dir / 'results.md', '\n'.join(header + lines) + '\n')
        if panels:
            classes = max((s['classes'] for s in sections.values()), key=len)
            plot_study(panels, classes, self.plan.work_dir / 'results.png')
        return report

    def comparison_table(self, sections: Dict[str, dict]) -> str:
        """The table in the paper's shape: one row per method, its family, mIoU per dataset and the mean.

        Args:
            sections (dict): Dataset -> :func:`comparison_section` result.

        Returns:
            str: A markdown table; cells without a finished evaluation read 'not yet measured'.
        """
        names = [PAPER_DATASETS[d].name for d in self.plan.datasets]
        lines = ['| method | family | ' + ' | '.join(names) + ' | mean |', '|---|---|' + '---|' * (len(names) + 1)]
        for method in self.plan.methods:
            cells, means = [], []
            for dataset in self.plan.datasets:
                stat = sections.get(dataset, {}).get('summary', {}).get(method, {}).get('mIoU')
                if not stat or stat['mean'] is None:
                    cells.append('not yet measured')
                    continue
                ci = t_interval(stat)
                cells.append(f'{stat["mean"]:.2f}' + (f' ± {ci["half_width"]:.2f}' if ci['half_width'] else ''))
                means.append(stat['mean'])
            mean = f'{sum(means) / len(means):.2f}' if len(means) == len(self.plan.datasets) else 'n/a'
            lines.append(f'| {method} | {METHODS[method].family} | ' + ' | '.join(cells) + f' | {mean} |')
        return '\n'.join(lines)


def read_test_metrics(eval_dir: Path) -> dict:
    """The metrics ``tools/test.py`` logged in ``eval_dir`` (mmengine's ``<timestamp>/<timestamp>.json``).

    Args:
        eval_dir (Path): The ``--work-dir`` of the test run.

    Returns:
        dict: The newest log's metrics (``mIoU``, ``aAcc``, ``IoU.<class>``, ...).

    Raises:
        FileNotFoundError: If no log holds an ``mIoU``.
    """
    for log in sorted(eval_dir.glob('*/*.json'), reverse=True):
        for line in reversed(log.read_text().splitlines()):
            metrics = json.loads(line)
            if 'mIoU' in metrics:
                return {key: value for key, value in metrics.items() if key not in ('step', 'time', 'data_time')}
    raise FileNotFoundError(f'no test metrics (mIoU) logged under {eval_dir}')
