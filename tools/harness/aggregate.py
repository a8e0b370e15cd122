"""Aggregation of a multi-seed study: mean ± std per metric, paired differences, t-based confidence
intervals, markdown tables.

Input everywhere: ``runs`` = variant -> seed -> metrics, the metrics being one evaluation's dict as written by
:class:`StudyPipeline` (``mIoU``, ``aAcc``, ``IoU.<class>``; None or NaN for a class absent from labels and
predictions). Missing values are left out of a statistic, and every statistic records how many values it has.
"""
import math
import statistics
from typing import Dict, List, Optional, Sequence

from scipy import stats as scipy_stats

Runs = Dict[str, Dict[int, dict]]


def _number(value) -> Optional[float]:
    """A metric value as float, or None when missing or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def metric_value(metrics: dict, key: str) -> Optional[float]:
    """One metric of an evaluation as float, or None when missing or NaN.

    Args:
        metrics (dict): One evaluation's metrics.
        key (str): The metric, e.g. ``'mIoU'`` or ``'IoU.building'``.

    Returns:
        float | None: The value.
    """
    return _number(metrics.get(key))


def describe(values: Sequence[Optional[float]]) -> dict:
    """Mean, sample standard deviation (n - 1) and count of the values that are present.

    Args:
        values (Sequence[float | None]): One value per seed; None or NaN values are left out.

    Returns:
        dict: ``mean`` (None when no value), ``std`` (None when fewer than two values), ``n`` and ``values``
        (the values used, in input order).
    """
    present = [v for v in (_number(v) for v in values) if v is not None]
    return dict(mean=statistics.fmean(present) if present else None,
                std=statistics.stdev(present) if len(present) > 1 else None, n=len(present), values=present)


def metric_keys(classes: Sequence[str]) -> List[str]:
    """The reported metrics: ``mIoU``, ``aAcc`` and ``IoU.<class>`` per class.

    Args:
        classes (Sequence[str]): Class names in dataset order.

    Returns:
        list[str]: Metric keys.
    """
    return ['mIoU', 'aAcc', *(f'IoU.{name}' for name in classes)]


def summarize(runs: Runs, classes: Sequence[str]) -> Dict[str, dict]:
    """Mean ± std over seeds of every reported metric, per variant.

    Args:
        runs (dict): Variant -> seed -> metrics.
        classes (Sequence[str]): Class names.

    Returns:
        dict: Variant -> ``{'seeds': [...], <metric key>: describe(...)}``.
    """
    summary = {}
    for variant, by_seed in runs.items():
        seeds = sorted(by_seed)
        summary[variant] = dict(seeds=seeds)
        for key in metric_keys(classes):
            summary[variant][key] = describe([by_seed[s].get(key) for s in seeds])
    return summary


def paired_differences(runs: Runs, pairs: Sequence[Sequence[str]], key: str = 'mIoU') -> Dict[str, dict]:
    """``a - b`` of one metric per seed that both variants have, then mean ± std of the differences.

    Args:
        runs (dict): Variant -> seed -> metrics.
        pairs (Sequence[tuple[str, str]]): ``(a, b)`` variant pairs; pairs with a missing variant are skipped.
        key (str): The metric. Defaults to 'mIoU'.

    Returns:
        dict: ``'a - b'`` -> ``describe`` of the differences plus ``seeds`` (the seeds both have).
    """
    result = {}
    for a, b in pairs:
        if a not in runs or b not in runs:
            continue
        seeds = [s for s in sorted(runs[a]) if s in runs[b] and _number(runs[a][s].get(key)) is not None
                 and _number(runs[b][s].get(key)) is not None]
        diffs = [float(runs[a][s][key]) - float(runs[b][s][key]) for s in seeds]
        result[f'{a} - {b}'] = dict(describe(diffs), seeds=seeds)
    return result


def format_stat(stat: dict) -> str:
    """``mean ± std`` with two decimals; ``mean`` alone for one value; ``n/a`` for none.

    Args:
        stat (dict): A ``describe`` result.

    Returns:
        str: The table cell.
    """
    if stat['mean'] is None:
        return 'n/a'
    return f'{stat["mean"]:.2f}' if stat['std'] is None else f'{stat["mean"]:.2f} ± {stat["std"]:.2f}'


def summary_table(summary: Dict[str, dict], classes: Sequence[str], label: str = 'method') -> str:
    """A markdown table: one row per variant, ``mean ± std`` of every reported metric and the seeds.

    Args:
        summary (dict): A ``summarize`` result.
        classes (Sequence[str]): Class names.
        label (str): Header of the first column. Defaults to 'method'.

    Returns:
        str: The table.
    """
    keys = metric_keys(classes)
    header = [label, 'seeds', *(key.replace('IoU.', '') for key in keys)]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for variant, stats in summary.items():
        cells = [variant, ' '.join(map(str, stats['seeds'])), *(format_stat(stats[key]) for key in keys)]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def differences_table(differences: Dict[str, dict], key: str = 'mIoU') -> str:
    """A markdown table of paired differences: mean ± std and the per-seed values.

    Args:
        differences (dict): A ``paired_differences`` result.
        key (str): The metric's name for the header. Defaults to 'mIoU'.

    Returns:
        str: The table.
    """
    lines = [f'| difference | {key} mean ± std | seeds | per seed |', '|---|---|---|---|']
    for name, stat in differences.items():
        per_seed = ', '.join(f'{v:+.2f}' for v in stat['values'])
        lines.append(f'| {name} | {format_stat(stat)} | {" ".join(map(str, stat["seeds"]))} | {per_seed} |')
    return '\n'.join(lines)


def t_interval(stat: dict, level: float = 0.95) -> dict:
    """Student-t confidence interval of the mean of a ``describe`` result, and the t-test against 0.

    For paired differences (same seeds) this is the paired t-test: the interval excludes 0 exactly when
    the two-sided p-value is below ``1 - level``.

    Args:
        stat (dict): A ``describe`` result (its ``values``).
        level (float): Confidence level. Defaults to 0.95.

    Returns:
        dict: ``low``, ``high``, ``half_width`` (None with fewer than two values), ``t`` and ``p`` (None
        with fewer than two values or zero spread).
    """
    n, mean, std = stat['n'], stat['mean'], stat['std']
    if n < 2:
        return dict(low=None, high=None, half_width=None, t=None, p=None)
    half = float(scipy_stats.t.ppf(0.5 + level / 2, n - 1)) * std / math.sqrt(n)
    t_value = p_value = None
    if std > 0:
        t_value = mean / (std / math.sqrt(n))
        p_value = float(2 * scipy_stats.t.sf(abs(t_value), n - 1))
    return dict(low=mean - half, high=mean + half, half_width=half, t=t_value, p=p_value)


def _interval_cells(stat: dict) -> List[str]:
    """``mean ± std``, ``[low, high]`` and the half-width of the 95 % interval, as table cells."""
    ci = t_interval(stat)
    if ci['half_width'] is None:
        return [format_stat(stat), 'n/a', 'n/a']
    return [format_stat(stat), f'[{ci["low"]:.2f}, {ci["high"]:.2f}]', f'{ci["half_width"]:.2f}']


def interval_table(summary: Dict[str, dict], key: str = 'mIoU', label: str = 'method') -> str:
    """A markdown table of one metric per variant: n, mean ± std, 95 % t-interval and every seed's value.

    Args:
        summary (dict): A ``summarize`` result.
        key (str): The metric. Defaults to 'mIoU'.
        label (str): Header of the first column. Defaults to 'method'.

    Returns:
        str: The table.
    """
    lines = [f'| {label} | n | {key} mean ± std | 95 % CI | CI half-width | per seed (seed: value) |',
             '|---|---|---|---|---|---|']
    for variant, stats in summary.items():
        stat, seeds = stats[key], stats['seeds']
        if len(seeds) == stat['n']:
            per_seed = ', '.join(f'{seed}: {value:.2f}' for seed, value in zip(seeds, stat['values']))
        else:  # some seeds have no value for this metric
            per_seed = ', '.join(f'{value:.2f}' for value in stat['values'])
        lines.append(f'| {variant} | {stat["n"]} | ' + ' | '.join(_interval_cells(stat)) + f' | {per_seed} |')
    return '\n'.join(lines)


def paired_interval_table(differences: Dict[str, dict], key: str = 'mIoU') -> str:
    """A markdown table of paired differences: n, mean ± std, 95 % t-interval, paired t and p, per seed.

    Args:
        differences (dict): A ``paired_differences`` result.
        key (str): The metric's name for the header. Defaults to 'mIoU'.

    Returns:
        str: The table.
    """
    lines = [f'| difference | n | {key} mean ± std | 95 % CI | CI half-width | t | p | per seed (seed: value) |',
             '|---|---|---|---|---|---|---|---|']
    for name, stat in differences.items():
        ci = t_interval(stat)
        test = ['n/a', 'n/a'] if ci['t'] is None else [f'{ci["t"]:.2f}', f'{ci["p"]:.3f}']
        per_seed = ', '.join(f'{s}: {v:+.2f}' for s, v in zip(stat['seeds'], stat['values']))
        lines.append(f'| {name} | {stat["n"]} | ' + ' | '.join(_interval_cells(stat) + test) + f' | {per_seed} |')
    return '\n'.join(lines)


def comparison_section(runs: Runs, classes: Sequence[str], pairs: Sequence[Sequence[str]]) -> dict:
    """Everything reported about one comparison: the runs, per-metric summaries, the 95 % t-interval of each
    variant's mIoU and the paired differences with theirs.

    Args:
        runs (dict): Variant -> seed -> metrics.
        classes (Sequence[str]): Class names.
        pairs (Sequence[tuple[str, str]]): ``(a, b)`` pairs for the paired differences.

    Returns:
        dict: ``runs``, ``summary``, ``mIoU_ci95`` and ``paired_differences`` (each with ``ci95``).
    """
    summary = summarize(runs, classes)
    differences = paired_differences(runs, pairs)
    for stat in differences.values():
        stat['ci95'] = t_interval(stat)
    return dict(runs=runs, summary=summary, mIoU_ci95={variant: t_interval(stats['mIoU'])
                                                       for variant, stats in summary.items()},
                paired_differences=differences)


def comparison_lines(section: dict, classes: Sequence[str]) -> List[str]:
    """The markdown of a :func:`comparison_section`: mIoU with intervals, paired differences, per-class IoU.

    Args:
        section (dict): A :func:`comparison_section` result.
        classes (Sequence[str]): Class names.

    Returns:
        list[str]: Markdown lines.
    """
    return ['### mIoU per method', '', interval_table(section['summary']), '',
            '### Paired differences (same seeds)', '', paired_interval_table(section['paired_differences']), '',
            '### Per-class IoU', '', summary_table(section['summary'], classes)]

