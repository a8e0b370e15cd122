"""tools/pipeline.py end to end on a tiny rendered dataset: stages, report, exact frozen transfer, resume."""
import json
from pathlib import Path

import pytest
import torch

from tools import pipeline
from tools.harness.demo_data import render_demo_dataset

REPO = Path(__file__).resolve().parents[2]

# Tiny sizes: 64 px crops and views, batches of 2-4, no dataloader workers.
PRETRAIN_OPTIONS = [
    'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
    'train_dataloader.dataset.pipeline.0.window_size=64', 'train_dataloader.dataset.pipeline.1.transforms.0.0.scale=48'
]
FINETUNE_OPTIONS = [
    'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
    'train_dataloader.dataset.dataset.pipeline.2.scale=(96,96)',
    'train_dataloader.dataset.dataset.pipeline.3.crop_size=(64,64)', 'model.data_preprocessor.size=(64,64)',
    'val_dataloader.num_workers=0', 'val_dataloader.dataset.pipeline.1.scale=(64,64)'
]


def run(data: Path, work_dir: Path) -> int:
    return pipeline.main([
        '--data', str(data), '--work-dir', str(work_dir), '--methods', 'grass', 'random', '--pretrain-iters', '2',
        '--finetune-iters', '2', '--pretrain-cfg-options', *PRETRAIN_OPTIONS, '--finetune-cfg-options',
        *FINETUNE_OPTIONS
    ])


def test_pipeline_end_to_end_and_resume(tmp_path, capsys):
    data = render_demo_dataset(tmp_path / 'data', num_train=4, num_val=2, size=64)
    work = tmp_path / 'study'
    assert run(data, work) == 0
    out = capsys.readouterr().out
    assert out.count('done in') == 6  # grass: pretrain, extract, fine-tune, evaluate; random: the last two

    classes = json.loads((data / 'meta.json').read_text())['classes']
    report = json.loads((work / 'results.json').read_text())
    assert list(report['results']) == ['grass', 'random'] and report['classes'] == classes
    for metrics in report['results'].values():
        assert 0 <= metrics['mIoU'] <= 100 and all(f'IoU.{name}' in metrics for name in classes)
    table = (work / 'results.md').read_text()
    assert '| method | mIoU | aAcc | ' + ' | '.join(classes) + ' |' in table
    assert table.count('\n| grass | ') == 1 and table.count('\n| random | ') == 1
    assert (work / 'results.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'

    # The frozen backbone of the fine-tuned segmentor is the extracted GraSS backbone, tensor for tensor.
    pretrain_dir = work / 'grass' / 'pretrain_2it_seed0'
    backbone = torch.load(pretrain_dir / 'backbone.pth', weights_only=True)
    finetuned = torch.load(pretrain_dir / 'finetune_frozen_2it' / 'iter_2.pth', weights_only=True)['state_dict']
    assert all(torch.equal(finetuned[f'backbone.{key}'], value) for key, value in backbone.items())
    random_init = torch.load(work / 'random' / 'finetune_frozen_2it_seed0' / 'iter_2.pth', weights_only=True)
    assert not torch.equal(random_init['state_dict']['backbone.conv1.weight'], backbone['conv1.weight'])

    # A second run finds every stage's output and only rewrites the report.
    assert run(data, work) == 0
    out = capsys.readouterr().out
    assert out.count('done before, skipped') == 6 and 'done in' not in out
    assert json.loads((work / 'results.json').read_text())['results'] == report['results']

    # The work dir is tied to its dataset.
    other = render_demo_dataset(tmp_path / 'other', num_train=2, num_val=1, size=64)
    assert run(other, work) == 1
    assert 'holds a study of' in capsys.readouterr().err


def test_pipeline_rejects_bad_data(tmp_path, capsys):
    (tmp_path / 'empty').mkdir()
    assert run(tmp_path / 'empty', tmp_path / 'study') == 1
    assert 'images not found' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        pipeline.main(['--work-dir', str(tmp_path), '--methods', 'moco'])
