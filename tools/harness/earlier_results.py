"""Runs recorded in an earlier study's ``results.json``, so that a study can continue on another machine.

A study's work dir lives only as long as its machine; its ``results.json`` is committed. Reading the runs
back lets the same command, on a fresh machine, report every finished (method, seed) and run only the rest.
Only runs of the same protocol are taken: the settings that change a run's score must match.
"""
import json
from pathlib import Path
from typing import Dict, Sequence

from grass_mm.utils.atomic_write import PathLike

from .aggregate import Runs

# study settings that change what a run measures (the dataset is compared by folder name and classes)
PROTOCOL_KEYS = ('pretrain_iters', 'pretrain_options', 'view_size', 'output_stride')


def _protocol(settings: dict, classes: Sequence[str]) -> Dict[str, object]:
    """The comparable part of a study's settings: flat key -> value."""
    protocol = {key: settings.get(key) for key in PROTOCOL_KEYS}
    protocol['data'] = Path(str(settings.get('data'))).name
    protocol['classes'] = list(classes)
    for name, spec in settings['evaluations'].items():
        protocol[f'evaluations.{name}.config'] = Path(spec['config']).name
        protocol[f'evaluations.{name}.iters'] = spec['iters']
        protocol[f'evaluations.{name}.options'] = spec['options']
    return protocol


def load_earlier_runs(path: PathLike, settings: dict, classes: Sequence[str]) -> Dict[str, Dict[str, Runs]]:
    """The runs of an earlier ``results.json`` for the evaluations this study shares with it.

    Args:
        path (str | PathLike): The earlier ``results.json``.
        settings (dict): This study's settings, as its ``results.json`` writes them.
        classes (Sequence[str]): This study's class names.

    Returns:
        dict: Evaluation -> ``{'main': runs, 'ablation': runs}`` (runs: method or ``'r=<ratio>'`` -> seed ->
        metrics), for the methods and seeds this study asks for (``settings['seeds']``) and the threshold
        ratios of its ablation (GraSS's seeds).

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If the file is not a study report, or a protocol setting differs; the message names the
            file, the setting and both values.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'earlier results {path} not found')
    try:
        earlier = json.loads(path.read_text())
        earlier_protocol = _protocol(earlier['settings'], earlier['classes'])
        recorded = {name: evaluation['runs'] for name, evaluation in earlier['evaluations'].items()}
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f'earlier results {path}: not a study results.json ({type(error).__name__}: {error})')
    protocol = _protocol(settings, classes)
    for key, value in protocol.items():
        if key.startswith('evaluations.') and key not in earlier_protocol:
            continue  # an evaluation the earlier study did not run: nothing to take from it
        if earlier_protocol.get(key) != value:
            raise ValueError(f'earlier results {path}: setting {key} is {earlier_protocol.get(key)!r} there, '
                             f'{value!r} here; only runs of the same protocol can be reported together')
    ratios = [*settings['ablation_ratios'], settings['base_threshold_ratio']] if settings['ablation_ratios'] else []
    wanted = dict(main=settings['seeds'], ablation={f'r={r:g}': settings['seeds']['grass'] for r in ratios})
    runs: Dict[str, Dict[str, Runs]] = {}
    for name in settings['evaluations']:
        runs[name] = {part: {} for part in wanted}
        for part, seeds_of in wanted.items():
            for label, seeds in seeds_of.items():
                taken = {int(seed): metrics for seed, metrics in recorded.get(name, {}).get(part, {}).get(label, {})
                         .items() if int(seed) in seeds}
                if taken:
                    runs[name][part][label] = taken
    return runs
