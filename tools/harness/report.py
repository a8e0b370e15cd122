"""The studies' reports: ``results.md`` (markdown tables), ``results.json`` and ``results.png`` (bar charts), of
one pipeline run (:func:`write_report`) and of a multi-seed study (:func:`write_seeded_report`)."""
import json
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from grass_mm.utils.atomic_write import write_text_atomically

from .aggregate import (
    Runs,
    comparison_lines,
    comparison_section,
    differences_table,
    metric_value,
    paired_differences,
    summarize,
    summary_table,
)
from .machine import Machines, machines_lines
from .plot import bar_chart, plot_study


def _cell(value: Optional[float]) -> str:
    """A table cell: two decimals, or 'n/a' (class absent from labels and predictions)."""
    return 'n/a' if value is None else f'{value:.2f}'


def markdown_table(results: Dict[str, dict], classes: Sequence[str]) -> str:
    """One row per method: mIoU, aAcc and the IoU of every class (percent).

    Args:
        results (dict): Method -> metrics (``mIoU``, ``aAcc``, ``IoU.<class>``).
        classes (Sequence[str]): Class names in dataset order.

    Returns:
        str: A markdown table.
    """
    header = ['method', 'mIoU', 'aAcc', *classes]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for method, metrics in results.items():
        cells = [metric_value(metrics, 'mIoU'), metric_value(metrics, 'aAcc')]
        cells += [metric_value(metrics, f'IoU.{name}') for name in classes]
        lines.append(f'| {method} | ' + ' | '.join(_cell(v) for v in cells) + ' |')
    return '\n'.join(lines)


def write_report(work_dir: Path, results: Dict[str, dict], classes: Sequence[str],
                 settings: dict) -> List[Path]:
    """Writes ``results.md``, ``results.json`` and ``results.png`` into ``work_dir``.

    Args:
        work_dir (Path): The study's folder.
        results (dict): Method -> metrics.
        classes (Sequence[str]): Class names.
        settings (dict): The study's settings (data, iterations, seed, configs), recorded with the results.

    Returns:
        list[Path]: The written files.
    """
    md = work_dir / 'results.md'
    write_text_atomically(md, '# GraSS study: DeepLabV3+ on the validation split\n\n' +
                          '\n'.join(f'- {key}: {value}' for key, value in settings.items()) +
                          '\n\nIoU per class and mIoU in percent (n/a: class in neither labels nor '
                          'predictions).\n\n' + markdown_table(results, classes) + '\n')
    data = dict(settings=settings, classes=list(classes),
                results={method: {key: metric_value(metrics, key) for key in metrics}
                         for method, metrics in results.items()})
    js = work_dir / 'results.json'
    write_text_atomically(js, json.dumps(data, indent=1))
    return [md, js, bar_chart(results, classes, work_dir / 'results.png')]


class SeededSection(NamedTuple):
    """The runs of one evaluation of a multi-seed study: its title, main runs and threshold-ratio ablation."""
    title: str
    main: Runs
    ablation: Runs


def _seeded_section(section: SeededSection, classes: Sequence[str], pairs: Sequence[Tuple[str, str]],
                    ratio_pairs: Sequence[Tuple[str, str]]) -> dict:
    """Runs, summaries, intervals and paired differences of one evaluation, and its ablation."""
    by_ratio = dict(sorted(section.ablation.items(), key=lambda item: float(item[0][2:])))  # 'r=<ratio>'
    report = comparison_section(section.main, classes, pairs)
    report['runs'] = dict(main=report['runs'], ablation=by_ratio)
    report['summary'] = dict(main=report['summary'], ablation=summarize(by_ratio, classes))
    report['ablation_paired_differences'] = paired_differences(by_ratio, ratio_pairs)
    return report


def _seeded_lines(name: str, title: str, report: dict, classes: Sequence[str]) -> List[str]:
    """The markdown section of one evaluation."""
    lines = ['', f'## Evaluation `{name}`: {title}', '',
             *comparison_lines(dict(report, summary=report['summary']['main']), classes)]
    if report['summary']['ablation']:
        lines += ['', '### Ablation: GraSS threshold ratio r', '',
                  summary_table(report['summary']['ablation'], classes, 'r'), '',
                  differences_table(report['ablation_paired_differences'])]
    return lines


def write_seeded_report(work_dir: Path, settings: dict, classes: Sequence[str], sections: Dict[str, SeededSection],
                        pairs: Sequence[Tuple[str, str]], ratio_pairs: Sequence[Tuple[str, str]],
                        machines: Optional[Machines] = None) -> dict:
    """Writes a multi-seed study's ``results.md``, ``results.json`` and ``results.png`` into ``work_dir``.

    Args:
        work_dir (Path): The study's folder.
        settings (dict): The study's settings, recorded with the results.
        classes (Sequence[str]): Class names.
        sections (dict): Evaluation name -> its runs.
        pairs (Sequence[tuple[str, str]]): Methods ``(a, b)`` whose paired differences ``a - b`` are reported.
        ratio_pairs (Sequence[tuple[str, str]]): The same for the ablation's ``'r=<ratio>'`` rows.
        machines (dict, optional): Label -> seed -> the machine that ran it. Defaults to None (not recorded).

    Returns:
        dict: The content of ``results.json``.
    """
    lines = ['# GraSS study: mean ± std and 95 % t-intervals over seeds, on the validation split', '',
             *(f'- {key}: {value}' for key, value in settings.items()), '',
             'IoU, aAcc and mIoU in percent; mean ± sample std over the listed seeds (n/a: no value); '
             '95 % CI: Student-t interval of the mean; paired differences use the seeds both methods have.']
    evaluations, panels = {}, []
    for name, section in sections.items():
        evaluations[name] = _seeded_section(section, classes, pairs, ratio_pairs)
        lines += _seeded_lines(name, section.title, evaluations[name], classes)
        panels += [(f'{name}: methods (mean ± std over seeds)', evaluations[name]['summary']['main']),
                   (f'{name}: GraSS threshold ratio r', evaluations[name]['summary']['ablation'])]
    report = dict(settings=settings, classes=list(classes), evaluations=evaluations)
    if machines:
        report['machines'] = {label: dict(sorted(by_seed.items())) for label, by_seed in machines.items()}
        lines += ['', '## Machines', '', 'The machine of each run (on CPUs a seed reproduces a run only on the '
                  'same processor type):', '', *machines_lines(machines)]
    write_text_atomically(work_dir / 'results.json', json.dumps(report, indent=1))
    write_text_atomically(work_dir / 'results.md', '\n'.join(lines) + '\n')
    plot_study(panels, classes, work_dir / 'results.png')
    return report
