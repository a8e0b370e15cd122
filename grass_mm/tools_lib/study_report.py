"""The study's report: ``results.md`` (markdown tables), ``results.json`` and ``results.png`` (bar chart)."""
import json
import math
from pathlib import Path
from typing import Dict, List, Optional, Sequence


def _value(metrics: dict, key: str) -> Optional[float]:
    """A metric as float, or None when missing or NaN."""
    value = metrics.get(key)
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


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
        cells = [_value(metrics, 'mIoU'), _value(metrics, 'aAcc')]
        cells += [_value(metrics, f'IoU.{name}') for name in classes]
        lines.append(f'| {method} | ' + ' | '.join(_cell(v) for v in cells) + ' |')
    return '\n'.join(lines)


def bar_chart(results: Dict[str, dict], classes: Sequence[str], path: Path) -> Path:
    """Grouped bars: mIoU and the per-class IoU, one colour per method.

    Args:
        results (dict): Method -> metrics.
        classes (Sequence[str]): Class names.
        path (Path): The PNG to write.

    Returns:
        Path: ``path``.
    """
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot as plt

    groups = ['mIoU', *classes]
    width = 0.8 / len(results)
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(groups), 4.2))
    for index, (method, metrics) in enumerate(results.items()):
        values = [_value(metrics, 'mIoU')] + [_value(metrics, f'IoU.{name}') for name in classes]
        xs = [g + (index - (len(results) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, [0.0 if v is None else v for v in values], width, label=method)
        ax.bar_label(bars, labels=[_cell(v) for v in values], fontsize=6, rotation=90, padding=2)
    ax.set_xticks(range(len(groups)), groups, rotation=30, ha='right')
    ax.set_ylabel('IoU on the val split (%)')
    ax.set_ylim(0, 110)
    ax.legend(loc='upper right', fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


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
    md.write_text('# GraSS study: DeepLabV3+ on the validation split\n\n' +
                  '\n'.join(f'- {key}: {value}' for key, value in settings.items()) +
                  '\n\nIoU per class and mIoU in percent (n/a: class in neither labels nor predictions).\n\n' +
                  markdown_table(results, classes) + '\n')
    data = dict(settings=settings, classes=list(classes),
                results={method: {key: _value(metrics, key) for key in metrics} for method, metrics in results.items()})
    js = work_dir / 'results.json'
    js.write_text(json.dumps(data, indent=1))
    return [md, js, bar_chart(results, classes, work_dir / 'results.png')]
