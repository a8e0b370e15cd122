"""LoveDA converter on fixture zips (Urban and Rural kept apart) and LoveDADomainDataset on its output."""
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope
from mmseg.registry import DATASETS

import grass_mm.segmentation.datasets  # noqa: F401  (registers LoveDADomainDataset, LoadRSIAnnotations)
from tools.dataset_converters import loveda

FILES = {('Train', 'Urban'): ['1366', '1367'], ('Train', 'Rural'): ['0'], ('Val', 'Urban'): ['3514'],
         ('Val', 'Rural'): ['2522', '2523']}


def _png(array: np.ndarray) -> bytes:
    return cv2.imencode('.png', array)[1].tobytes()


def _write_zips(zip_dir: Path, mask_for=lambda name: np.arange(48 * 40).reshape(40, 48) % 8) -> dict:
    data = {}
    for split in ('Train', 'Val'):
        with zipfile.ZipFile(zip_dir / f'{split}.zip', 'w') as archive:
            for (s, domain), names in FILES.items():
                if s != split:
                    continue
                for name in names:
                    image = np.full((40, 48, 3), int(name) % 250, np.uint8)
                    mask = mask_for(name)
                    if mask is not None:
                        archive.writestr(f'{split}/{domain}/masks_png/{name}.png',
                                         _png(mask.astype(np.uint8)))
                    archive.writestr(f'{split}/{domain}/images_png/{name}.png', _png(image))
                    data[(split, domain, name)] = (image, mask)
    return data


def test_domains_kept_apart_and_read_by_domain_dataset(tmp_path, capsys):
    _write_zips(tmp_path)
    out = tmp_path / 'out'
    loveda.main([str(tmp_path), '-o', str(out)])
    tree = sorted(p.relative_to(out).as_posix() for p in out.rglob('*.png'))
    expected = [f'{folder}/{s.lower()}/{d.lower()}/{n}.png' for (s, d), names in FILES.items()
                for n in names for folder in ('img_dir', 'ann_dir')]
    assert tree == sorted(expected)
    with zipfile.ZipFile(tmp_path / 'Val.zip') as archive:
        assert (out / 'ann_dir/val/rural/2523.png').read_bytes() == \
            archive.read('Val/Rural/masks_png/2523.png')
    assert 'official: 1156' in capsys.readouterr().out
    with DefaultScope.overwrite_default_scope('mmseg'):
        urban = DATASETS.build(dict(type='LoveDADomainDataset', domain='urban', data_root=str(out),
                                    pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadRSIAnnotations',
                                                                                   num_classes=7)]))
        rural_val = DATASETS.build(dict(type='LoveDADomainDataset', domain='Rural', split='val',
                                        data_root=str(out)))
    assert [Path(urban.get_data_info(i)['img_path']).name for i in range(len(urban))] == \
        ['1366.png', '1367.png']
    assert len(rural_val) == 2 and urban.metainfo['classes'][1] == 'building'
    labels = urban[0]['gt_seg_map']  # reduce_zero_label: 0 -> 255, 1..7 -> 0..6
    assert set(np.unique(labels)) == set(range(7)) | {255}
    (out / 'ann_dir/train/urban/1367.png').unlink()
    with pytest.raises(FileNotFoundError, match='1367.png'):
        with DefaultScope.overwrite_default_scope('mmseg'):
            DATASETS.build(dict(type='LoveDADomainDataset', domain='urban', data_root=str(out)))
    with DefaultScope.overwrite_default_scope('mmseg'):  # whatever scope an earlier test left current
        with pytest.raises(ValueError, match='domain'):
            DATASETS.build(dict(type='LoveDADomainDataset', domain='suburban', data_root=str(out)))
        with pytest.raises(FileNotFoundError, match='loveda.py'):
            DATASETS.build(dict(type='LoveDADomainDataset', domain='urban', data_root=str(tmp_path / 'none')))


def test_rerun_skips_copied_files(tmp_path):
    _write_zips(tmp_path)
    out = tmp_path / 'out'
    loveda.main([str(tmp_path), '-o', str(out)])
    target = out / 'img_dir/train/urban/1366.png'
    size = target.stat().st_size
    target.write_bytes(b'x' * size)  # same size: treated as done
    loveda.main([str(tmp_path), '-o', str(out)])
    assert target.read_bytes() == b'x' * size


@pytest.mark.parametrize('mask_for, words', [
    (lambda n: None if n == '0' else np.zeros((40, 48)), ['Train/Rural/masks_png/0.png']),
    (lambda n: np.full((40, 48), 9 if n == '1367' else 1), ['Train/Urban/masks_png/1367.png', '[9]']),
    (lambda n: np.zeros((40, 40)) if n == '2522' else np.zeros((40, 48)), ['Val/Rural/masks_png/2522.png',
                                                                           '(40, 48)']),
])
def test_bad_archives_are_named(tmp_path, mask_for, words):
    _write_zips(tmp_path, mask_for)
    with pytest.raises((SystemExit, ValueError)) as info:
        loveda.main([str(tmp_path), '-o', str(tmp_path / 'out')])
    for word in words:
        assert word in str(info.value)
    (tmp_path / 'Val.zip').unlink()
    with pytest.raises(SystemExit, match='Val.zip'):
        loveda.main([str(tmp_path), '-o', str(tmp_path / 'out')])
