"""The multi-seed study's chart: mean ± std bars of mIoU and per-class IoU, one panel per comparison."""
from pathlib import Path
from typing import Dict, Sequence, Tuple

from .study_aggregate import metric_keys


def _panel(ax, summary: Dict[str, dict], classes: Sequence[str], title: str) -> None:
    """Grouped bars (one group per metric, one bar per variant) with std error bars on one axis."""
    keys = [key for key in metric_keys(classes) if key != 'aAcc']
    width = 0.8 / max(1, len(summary))
    for index, (variant, stats) in enumerate(summary.items()):
        means = [stats[key]['mean'] for key in keys]
        stds = [stats[key]['std'] or 0.0 for key in keys]
        xs = [g + (index - (len(summary) - 1) / 2) * width for g in range(len(keys))]
        ax.bar(xs, [0.0 if m is None else m for m in means], width, yerr=stds, capsize=2,
               label=f'{variant} (n={stats["mIoU"]["n"]})', error_kw=dict(elinewidth=0.8))
    ax.set_xticks(range(len(keys)), [key.replace('IoU.', '') for key in keys], rotation=30, ha='right')
    ax.set_ylabel('IoU on the val split (%)')
    ax.set_ylim(0, 100)
    ax.set_title(title, fontsize=9)
    ax.legend(loc='upper right', fontsize=7)


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

    width = 1.5 + 1.0 * (len(classes) + 1)
    fig, axes = plt.subplots(len(panels), 1, figsize=(width, 3.6 * len(panels)), squeeze=False)
    for ax, (title, summary) in zip(axes[:, 0], panels):
        _panel(ax, summary, classes, title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)
