"""Data preparation of the end-to-end study: the dataset folder and its checks."""
import json
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from .checkpoint_io import PathLike

def read_split(data: Path, split: str) -> List[str]:
    """Returns the stems of ``splits/<split>.txt``.

    Args:
        data (Path): Dataset folder.
        split (str): Split name.

    Returns:
        list[str]: The non-empty lines.

    Raises:
        FileNotFoundError: If the split file is missing.
        ValueError: If it is empty.
    """
    path = data / 'splits' / f'{split}.txt'
    if not path.is_file():
        raise FileNotFoundError(f'split file {path} not found; the study expects the RSISegDataset layout '
                                '(images/, masks/, splits/train.txt, splits/val.txt, meta.json)')
    stems = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not stems:
        raise ValueError(f'split file {path} lists no images')
    return stems


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
        from grass_mm.utils.demo_data import render_demo_dataset
        log(f'==> no --data given: using the demo dataset in {work_dir / "data" / "demo"}')
        data = render_demo_dataset(work_dir / 'data' / 'demo')
    data = Path(data).resolve()
    for part in ('images', 'masks', 'meta.json'):
        if not (data / part).exists():
            raise FileNotFoundError(f'{data / part} not found; the study expects the RSISegDataset layout '
                                    '(images/, masks/, splits/train.txt, splits/val.txt, meta.json)')
    classes = json.loads((data / 'meta.json').read_text()).get('classes')
    if not classes:
        raise ValueError(f'{data / "meta.json"} has no "classes" list')
    record = work_dir / 'study.json'
    if record.exists():
        used = json.loads(record.read_text()).get('data')
        if used != str(data):
            raise ValueError(f'{work_dir} holds a study of {used}, not {data}; use another --work-dir')
    else:
        record.write_text(json.dumps(dict(data=str(data)), indent=1))
    train, val = read_split(data, 'train'), read_split(data, 'val')
    log(f'==> data {data}: {len(train)} train images (pretraining and fine-tuning), {len(val)} val images '
        f'(evaluation), {len(classes)} classes')
    return data, list(classes)
