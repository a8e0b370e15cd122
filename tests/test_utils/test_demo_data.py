"""The demo data set: layout, labels, histogram, determinism, idempotence and the CLI."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from tools import make_demo_data
from tools.harness.demo_data import CLASSES, render_demo_dataset


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()}


def test_default_render_layout_labels_and_histogram(tmp_path):
    root = render_demo_dataset(tmp_path / 'demo')
    meta = json.loads((root / 'meta.json').read_text())
    assert meta['classes'] == list(CLASSES) and len(meta['palette']) == len(CLASSES)
    assert meta['ignore_index'] == 255
    train = (root / 'splits' / 'train.txt').read_text().split()
    val = (root / 'splits' / 'val.txt').read_text().split()
    assert len(train) == 36 and len(val) == 12 and not set(train) & set(val)
    hist = np.zeros(256, np.int64)
    for stem in train + val:
        img = cv2.imread(str(root / 'images' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        mask = cv2.imread(str(root / 'masks' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert img.shape == (256, 256, 3) and img.dtype == np.uint8
        assert mask.shape == (256, 256) and mask.dtype == np.uint8
        hist += np.bincount(mask.ravel(), minlength=256)
    assert {str(k): int(v) for k, v in enumerate(hist) if v} == meta['hist']
    # every class and some no-data pixels occur; no value outside the classes and 255
    assert set(meta['hist']) == {str(i) for i in range(len(CLASSES))} | {'255'}


def test_same_arguments_give_identical_bytes_and_rerun_is_a_no_op(tmp_path):
    first = _files(render_demo_dataset(tmp_path / 'a', num_train=3, num_val=2, size=96, seed=4))
    assert first == _files(render_demo_dataset(tmp_path / 'b', num_train=3, num_val=2, size=96, seed=4))
    assert first != _files(render_demo_dataset(tmp_path / 'c', num_train=3, num_val=2, size=96, seed=5))
    image = tmp_path / 'a' / 'images' / 'demo_0000.png'
    image.write_bytes(b'marker: must survive a re-run over a complete render')
    render_demo_dataset(tmp_path / 'a', num_train=3, num_val=2, size=96, seed=4)
    assert image.read_bytes().startswith(b'marker')
    (tmp_path / 'a' / 'masks' / 'demo_0004.png').unlink()  # incomplete: rendered again
    render_demo_dataset(tmp_path / 'a', num_train=3, num_val=2, size=96, seed=4)
    assert _files(tmp_path / 'a') == first


def test_other_parameters_in_a_rendered_folder_and_bad_arguments(tmp_path):
    render_demo_dataset(tmp_path, num_train=2, num_val=1, size=64)
    with pytest.raises(FileExistsError, match=str(tmp_path)):
        render_demo_dataset(tmp_path, num_train=3, num_val=1, size=64)
    with pytest.raises(ValueError, match='size'):
        render_demo_dataset(tmp_path / 'x', size=16)


def test_cli(tmp_path, capsys):
    make_demo_data.main([str(tmp_path / 'out'), '--num-train', '2', '--num-val', '1', '--size', '64'])
    assert 'demo data set ready' in capsys.readouterr().out
    assert (tmp_path / 'out' / 'splits' / 'val.txt').read_text().split() == ['demo_0002']
