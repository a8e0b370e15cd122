"""Data preparation of the end-to-end study: the dataset folder and its checks."""
import json
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from grass_mm.rsi.layout import IMAGE_DIR, LAYOUT_HINT, MASK_DIR, META_FILE, SPLIT_DIR, read_meta, read_split
from grass_mm.utils.atomic_write import PathLike, write_text_atomically


def prepare_study_data(work_dir: Path, data: Optional[PathLike],
                       log: Callable[[str], None] = print) -> Tuple[Path, List[str]]:
    """Resolves the dataset (rendering the demo set when none is given) and ties it to the work dir.

    A work dir records its dataset in ``study.json``; reusing it with another dataset is refused, so that
    skipped stages never mix results of two datasets.

    Args:
        work_dir (Path): The study's folder (exists).
        data (str | PathLike, optional): Dataset folder; None renders the demo set into
            ``work_dir/data/demo`` (once).
        log (Callable[[str], None]): Progress output. Defaults to ``print``.

    Returns:
        tuple: ``(data_root, class_names)``.

    Raises:
        FileNotFoundError: If the dataset folder misses a required part.
        ValueError: If the work dir was used with another dataset.
    """
    if data is None:
        from .demo_data import render_demo_dataset
        log(f'==> no --data given: using the demo dataset in {work_dir / "data" / "demo"}')
        data = render_demo_dataset(work_dir / 'data' / 'demo')
    data = Path(data).resolve()
    for part in (IMAGE_DIR, MASK_DIR):
        if not (data / part).is_dir():
            raise FileNotFoundError(f'{data / part} not found; the study expects {LAYOUT_HINT}')
    classes = read_meta(data / META_FILE)['classes']
    record = work_dir / 'study.json'
    if record.exists():
        used = json.loads(record.read_text()).get('data')
        if used != str(data):
            raise ValueError(f'{work_dir} holds a study of {used}, not {data}; use another --work-dir')
    else:
        write_text_atomically(record, json.dumps(dict(data=str(data)), indent=1))
    train, val = (read_split(data / SPLIT_DIR / f'{split}.txt') for split in ('train', 'val'))
    log(f'==> data {data}: {len(train)} train images (pretraining and fine-tuning), {len(val)} val images '
        f'(evaluation), {len(classes)} classes')
    return data, list(classes)
