"""tools/paper_study.py: the paper-scale plan, its dry run and cost estimate, the launch commands, the report."""
import json

import pytest
import torch

from tools import paper_study
from tools.harness.paper_cost import measure_step_seconds
from tools.harness.paper_plan import PaperPlan
from tools.harness.paper_stages import launch, paper_config
from tools.harness.paper_study import PaperStudy, read_test_metrics

STEP_TIMES = dict(grass=dict(seconds=0.5), simclr=dict(seconds=0.4), finetune=dict(seconds=0.2))


def test_dry_run_prints_every_stage_with_its_command_and_cost(tmp_path, capsys):
    times = tmp_path / 'times.json'
    times.write_text(json.dumps(dict(device='cuda', step_seconds=STEP_TIMES)))
    assert paper_study.main(['--work-dir', str(tmp_path / 'paper'), '--gpus', '8', '--dry-run', '--methods',
                             'grass', 'simclr', 'random', '--step-times', str(times)]) == 0
    out = capsys.readouterr().out
    for dataset in ('potsdam', 'loveda-urban', 'loveda-rural'):
        for method in ('grass', 'simclr'):
            for kind in ('pretrain', 'extract', 'finetune', 'evaluate'):
                assert f'{dataset}/{method}/seed0/{kind} ' in out
        assert f'{dataset}/random/seed0/finetune ' in out and f'{dataset}/random/seed0/pretrain' not in out
    # Potsdam: 24 tiles x 144 windows = 3456 samples, 14 full steps of 256 a epoch, 350 epochs
    line = next(line for line in out.splitlines() if line.startswith('potsdam/grass/seed0/pretrain '))
    assert ' 4900 ' in line and f'{4900 * 0.5 * 8 / 3600:.1f}' in line
    assert 'bash tools/dist_train.sh configs/grass/grass_resnet50_1xb256-coslr-350e_potsdam.py 8' in line
    assert 'train_dataloader.batch_size=32' in line and '--resume' in line
    finetune = next(line for line in out.splitlines() if line.startswith('potsdam/random/seed0/finetune '))
    assert 'model.backbone.init_cfg=None' in finetune and f'{1300 * 0.2 / 3600:.1f}' in finetune
    assert 'total: ' in out and 'GPU-hours' in out


def test_slurm_commands_and_bad_settings(tmp_path):
    command = launch('train', ['c.py', '--work-dir', 'w'], 16, 'slurm', 'gpu', 8)
    assert command[:2] == ['srun', '-p'] and '--ntasks=16' in command and '--gres=gpu:8' in command
    assert command[-2:] == ['--launcher', 'slurm']
    assert launch('test', ['c.py', 'k.pth', '--work-dir', 'w'], 2, 'pytorch', None, 8)[:5] == \
        ['bash', 'tools/dist_test.sh', 'c.py', 'k.pth', '2']
    with pytest.raises(ValueError, match='gpus must divide the global batch of 256, got 3'):
        PaperPlan(tmp_path, ['grass'], ['potsdam'], [0], 3)
    with pytest.raises(ValueError, match='partition'):
        PaperPlan(tmp_path, ['grass'], ['potsdam'], [0], 8, launcher='slurm')
    with pytest.raises(ValueError, match="unknown method.*'vaihingen-x'"):
        PaperPlan(tmp_path, ['grass'], ['vaihingen-x'], [0], 8)
    with pytest.raises(FileNotFoundError, match="0 paper configs of 'grass' for 'tokyo'"):
        paper_config('grass', 'tokyo')


def test_report_in_the_papers_shape_and_resume_skips_finished_stages(tmp_path, capsys):
    plan = PaperPlan(tmp_path, ['grass', 'simclr', 'random'], ['potsdam', 'loveda-urban'], [0, 1], 8)
    for method, offset in (('grass', 2.0), ('simclr', 1.0), ('random', 0.0)):
        for seed in (0, 1):
            folder = tmp_path / 'potsdam' / method / f'seed{seed}' / 'finetune'
            folder.mkdir(parents=True)
            metrics = {'mIoU': 50 + offset + seed, 'aAcc': 80.0, 'IoU.car': 40 + offset, 'IoU.tree': 60.0}
            (folder / 'metrics.json').write_text(json.dumps(metrics))
    report = PaperStudy(plan).report()
    potsdam = report['datasets']['potsdam']
    assert potsdam['summary']['grass']['mIoU']['mean'] == pytest.approx(52.5)
    assert potsdam['paired_differences']['grass - simclr']['values'] == [1.0, 1.0]
    assert 'loveda-urban' not in report['datasets']  # nothing measured there yet
    table = (tmp_path / 'results.md').read_text()
    assert '| method | family | potsdam | loveda-urban | mean |' in table
    assert '| grass | contrastive + gradient guided sampling | 52.50 ± 6.35 | not yet measured | n/a |' in table
    assert (tmp_path / 'results.png').is_file()
    # every potsdam stage whose output exists is skipped; the first missing one runs (and fails here: no data)
    for stage in plan.stages():
        if stage.key.startswith('potsdam/'):
            stage.output.parent.mkdir(parents=True, exist_ok=True)
            stage.output.touch()
    with pytest.raises(RuntimeError, match='stage loveda-urban/grass/seed0/pretrain failed'):
        PaperStudy(plan).run(log=print)
    out = capsys.readouterr().out
    assert out.count('done before, skipped') == 20  # 2 seeds x (grass 4 + simclr 4 + random 2) on Potsdam


def test_metrics_come_from_the_test_log(tmp_path):
    log = tmp_path / '20260101_000000' / '20260101_000000.json'
    log.parent.mkdir()
    log.write_text(json.dumps({'aAcc': 90.0, 'mIoU': 51.5, 'IoU.car': 40.0, 'step': 0}) + '\n')
    assert read_test_metrics(tmp_path) == {'aAcc': 90.0, 'mIoU': 51.5, 'IoU.car': 40.0}
    with pytest.raises(FileNotFoundError, match='no test metrics'):
        read_test_metrics(tmp_path / 'empty')


def test_step_times_are_measured_and_scaled_to_the_plan(capsys):
    times = measure_step_seconds(['simclr'], 'potsdam', gpus=8, finetune_gpus=1, device=torch.device('cpu'),
                                 images=2, size=32, repeats=1)
    simclr, finetune = times['simclr'], times['finetune']
    assert simclr['images'] == 2 and simclr['side'] == 32 and simclr['measured_seconds'] > 0
    # linear in the batch (32 images per GPU, 16 crops) and in the pixels ((224 / 32) ** 2, (256 / 32) ** 2)
    assert simclr['seconds'] == pytest.approx(simclr['measured_seconds'] * 32 / 2 * (224 / 32) ** 2)
    assert finetune['seconds'] == pytest.approx(finetune['measured_seconds'] * 16 / 2 * (256 / 32) ** 2)
