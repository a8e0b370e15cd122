"""The study's report: ``results.md`` (markdown tables), ``results.json`` and ``results.png`` (bar chart)."""
import json
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from grass_mm.utils.atomic_write import write_text_atomically

from .aggregate import metric_value
from .plot import bar_chart


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
