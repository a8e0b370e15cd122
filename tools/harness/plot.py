"""The study's charts: one run's IoU bars per method, and mean ± std bars over seeds per comparison."""
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from .aggregate import metric_keys, metric_value


def bar_colors(count: int) -> List[tuple]:
    """Distinct colours for ``count`` bar series: ``tab20``'s strong shades first, which are ``tab10`` (matplotlib's
    default cycle, so up to 10 series keep their usual colours), then its light ones (the default cycle repeats
    after 10).

    Args:
        count (int): Number of series.

    Returns:
        list[tuple]: RGBA colours, all different for up to 20 series.
    """
    from matplotlib import colormaps
    order = [*range(0, 20, 2), *range(1, 20, 2)]
    return [colormaps['tab20'](order[i % 20]) for i in range(count)]


def _panel(ax, summary: Dict[str, dict], classes: Sequence[str], title: str) -> None:
    """Grouped bars (one group per metric, one bar per variant) with std error bars on one axis."""
    keys = [key for key in metric_keys(classes) if key != 'aAcc']
    width = 0.8 / max(1, len(summary))
    for index, ((variant, stats), color) in enumerate(zip(summary.items(), bar_colors(len(summary)))):
        means = [stats[key]['mean'] for key in keys]
        stds = [stats[key]['std'] or 0.0 for key in keys]
        xs = [g + (index - (len(summary) - 1) / 2) * width for g in range(len(keys))]
        ax.bar(xs, [0.0 if m is None else m for m in means], width, yerr=stds, capsize=2, color=color,
               label=f'{variant} (n={stats["mIoU"]["n"]})', error_kw=dict(elinewidth=0.8))
    ax.set_xticks(range(len(keys)), [key.replace('IoU.', '') for key in keys], rotation=30, ha='right')
    ax.set_ylabel('IoU on the val split (%)')
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=9)
    ax.legend(loc='upper left', bbox_to_anchor=(1.01, 1.0), fontsize=7)  # beside the axes: no bar hidden


def plot_study(panels: Sequence[Tuple[str, Dict[str, dict]]], classes: Sequence[str], path: Path) -> Path:
    """Writes the chart, one panel per ``(title, summary)`` (e.g. the main comparison and the ablation).

    Bars are the means over seeds, error bars one sample standard deviation (none with a single seed).

    Args:
        panels (Sequence[tuple[str, dict]]): ``(title, summarize(...) result)`` pairs; empty summaries are
            left out.
        classes (Sequence[str]): Class names.
        path (Path): The PNG to write.

    Returns:
        Path: ``path``.

    Raises:
        ValueError: If no panel has a variant.
    """
    panels = [(title, summary) for title, summary in panels if summary]
    if not panels:
        raise ValueError('nothing to plot: every summary is empty')
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot as plt

    variants = max(len(summary) for _, summary in panels)
    width = 3.0 + (1.0 + 0.08 * max(0, variants - 4)) * (len(classes) + 1)
    fig, axes = plt.subplots(len(panels), 1, figsize=(width, 3.6 * len(panels)), squeeze=False)
    for ax, (title, summary) in zip(axes[:, 0], panels):
        _panel(ax, summary, classes, title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


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
    for index, ((method, metrics), color) in enumerate(zip(results.items(), bar_colors(len(results)))):
        values = [metric_value(metrics, 'mIoU')] + [metric_value(metrics, f'IoU.{name}') for name in classes]
        xs = [g + (index - (len(results) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, [0.0 if v is None else v for v in values], width, label=method, color=color)
        ax.bar_label(bars, labels=['n/a' if v is None else f'{v:.2f}' for v in values], fontsize=6, rotation=90,
                     padding=2)
    ax.set_xticks(range(len(groups)), groups, rotation=30, ha='right')
    ax.set_ylabel('IoU on the val split (%)')
    ax.set_ylim(0, 110)
    ax.legend(loc='upper right', fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
