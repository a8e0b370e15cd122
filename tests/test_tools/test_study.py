"""tools/study.py: aggregation over seeds on synthetic metrics, and a tiny end-to-end run on the demo set."""
import json
import math
import statistics
from pathlib import Path

import pytest
from mmengine.config import Config

from tools import study
from tools.harness.aggregate import (
    describe,
    differences_table,
    format_stat,
    paired_differences,
    summarize,
    summary_table,
)
from tools.harness.demo_data import render_demo_dataset
from tools.harness.earlier_results import load_earlier_runs
from tools.harness.machine import UNRECORDED, machine_description, machines_lines, taken_machines
from tools.harness.plot import bar_colors, plot_study
from tools.harness.seeded_study import SeededStudy

REPO = Path(__file__).resolve().parents[2]
CLASSES = ['land', 'water']
PNG = b'\x89PNG\r\n\x1a\n'


def metrics(miou, land, water=None):
    return {'mIoU': miou, 'aAcc': 50.0, 'IoU.land': land, 'IoU.water': water}


RUNS = {
    'grass': {0: metrics(40.0, 60.0, 20.0), 1: metrics(44.0, 62.0, float('nan')), 2: metrics(42.0, 58.0, 26.0)},
    'random': {0: metrics(30.0, 50.0), 2: metrics(33.0, 52.0)},
}


def test_describe_mean_sample_std_and_missing_values():
    stat = describe([1.0, None, 3.0, float('nan'), 8.0])
    assert stat['values'] == [1.0, 3.0, 8.0] and stat['n'] == 3
    assert stat['mean'] == pytest.approx(4.0) and stat['std'] == pytest.approx(statistics.stdev([1, 3, 8]))
    assert describe([5.0]) == dict(mean=5.0, std=None, n=1, values=[5.0])
    assert describe([None]) == dict(mean=None, std=None, n=0, values=[])


def test_summarize_per_metric_and_variant():
    summary = summarize(RUNS, CLASSES)
    grass, random_init = summary['grass'], summary['random']
    assert grass['seeds'] == [0, 1, 2] and random_init['seeds'] == [0, 2]
    assert grass['mIoU']['mean'] == pytest.approx(42.0) and grass['mIoU']['std'] == pytest.approx(2.0)
    assert grass['IoU.water']['n'] == 2 and grass['IoU.water']['mean'] == pytest.approx(23.0)
    assert random_init['IoU.water'] == dict(mean=None, std=None, n=0, values=[])
    assert grass['aAcc']['std'] == 0.0


def test_paired_differences_use_common_seeds_only():
    diffs = paired_differences(RUNS, [('grass', 'random'), ('grass', 'simclr')])
    assert list(diffs) == ['grass - random']  # simclr did not run: skipped
    stat = diffs['grass - random']
    assert stat['seeds'] == [0, 2] and stat['values'] == [10.0, 9.0]
    assert stat['mean'] == pytest.approx(9.5) and stat['std'] == pytest.approx(math.sqrt(0.5))
    assert '| grass - random | 9.50 ± 0.71 | 0 2 | +10.00, +9.00 |' in differences_table(diffs)


def test_tables_and_cells():
    assert format_stat(describe([1.0, 2.0])) == '1.50 ± 0.71'
    assert format_stat(describe([1.0])) == '1.00' and format_stat(describe([])) == 'n/a'
    table = summary_table(summarize(RUNS, CLASSES), CLASSES, label='method').splitlines()
    assert table[0] == '| method | seeds | mIoU | aAcc | land | water |'
    assert table[2] == '| grass | 0 1 2 | 42.00 ± 2.00 | 50.00 ± 0.00 | 60.00 ± 2.00 | 23.00 ± 4.24 |'
    assert table[3] == '| random | 0 2 | 31.50 ± 2.12 | 50.00 ± 0.00 | 51.00 ± 1.41 | n/a |'


def test_plot_writes_a_png_and_refuses_nothing(tmp_path):
    summary = summarize(RUNS, CLASSES)
    path = plot_study([('methods', summary), ('ablation', {})], CLASSES, tmp_path / 'study.png')
    assert path.read_bytes()[:8] == PNG
    with pytest.raises(ValueError, match='nothing to plot'):
        plot_study([('methods', {})], CLASSES, tmp_path / 'none.png')


def test_bar_colors_stay_distinct_beyond_the_default_cycle():
    """The study has 11 methods with the baselines; matplotlib's default cycle repeats after 10."""
    from matplotlib import rcParams
    from matplotlib.colors import to_rgba
    default = [to_rgba(c) for c in rcParams['axes.prop_cycle'].by_key()['color']]
    assert bar_colors(10) == default[:10]  # up to 10 series: the colours the charts always had
    for count in (11, 20):
        assert len(set(bar_colors(count))) == count


def run_study(data, work_dir, *extra):
    return study.main([
        '--data', str(data), '--work-dir', str(work_dir), '--methods', 'grass', '--seeds', '0', '1',
        '--ablation-ratios', '0.3', '--pretrain-iters', '1', '--finetune-iters', '1', '--probe-iters', '1',
        '--evaluations', 'frozen', 'probe', '--view-size', '48', '--crop', '64', '--resize', '64',
        '--finetune-batch', '2', '--pretrain-cfg-options', 'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.pipeline.0.window_size=64', '--finetune-cfg-options',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False', 'val_dataloader.num_workers=0',
        *extra
    ])


def test_study_end_to_end_and_resume(tmp_path, capsys, monkeypatch):
    data = render_demo_dataset(tmp_path / 'data', num_train=2, num_val=1, size=64)
    work = tmp_path / 'study'
    assert run_study(data, work) == 0
    report = json.loads((work / 'results.json').read_text())
    classes = json.loads((data / 'meta.json').read_text())['classes']
    assert list(report['evaluations']) == ['frozen', 'probe']
    for evaluation in report['evaluations'].values():
        main, ablation = evaluation['summary']['main'], evaluation['summary']['ablation']
        assert list(main) == ['grass'] and list(ablation) == ['r=0.3', 'r=0.5']
        assert all(stats['seeds'] == [0, 1] and stats['mIoU']['n'] == 2
                   for stats in [*main.values(), *ablation.values()])
        # The ablation's r=0.5 row is the main GraSS run; the r=0.3 runs pretrained with that ratio.
        assert evaluation['runs']['ablation']['r=0.5'] == evaluation['runs']['main']['grass']
        assert evaluation['ablation_paired_differences']['r=0.3 - r=0.5']['seeds'] == [0, 1]
        assert set(evaluation['mIoU_ci95']['grass']) == {'low', 'high', 'half_width', 't', 'p'}
    # both evaluations scored the same pretrained backbones, with their own fine-tuning
    assert report['evaluations']['frozen']['runs'] != report['evaluations']['probe']['runs']
    pretrain_dir = work / 'ablation_r0.3' / 'seed1' / 'grass' / 'pretrain_1it_seed1'
    dumped = Config.fromfile(str(pretrain_dir / 'grass_resnet18_cpu_rsi-folder.py'))
    assert dumped.model.sampler.threshold_ratio == 0.3
    assert dumped.model.backbone.strides == (1, 2, 2, 1) and dumped.model.backbone.dilations == (1, 1, 1, 2)
    assert dumped.train_dataloader.dataset.pipeline[1].transforms[0][0].scale == 48
    assert sorted(p.name for p in pretrain_dir.glob('finetune_*')) == ['finetune_frozen_1it', 'finetune_probe_1it']
    table = (work / 'results.md').read_text()
    assert '| method | seeds | mIoU | aAcc | ' + ' | '.join(classes) + ' |' in table
    assert '### Ablation: GraSS threshold ratio r' in table and '\n| r=0.3 | 0 1 | ' in table
    assert '## Evaluation `probe`' in table and '| method | n | mIoU mean ± std | 95 % CI |' in table
    assert (work / 'results.png').read_bytes()[:8] == PNG
    # every run names its machine; the ablation's r=0.5 row is GraSS's main runs, recorded under 'grass'
    here = machine_description()
    assert 'CPUs, torch ' in here and 'CPU kernels ' in here
    assert report['machines'] == {'grass': {'0': here, '1': here}, 'r=0.3': {'0': here, '1': here}}
    assert '## Machines\n\nThe machine of each run' in table and f'- {here}: grass seeds 0 1; r=0.3 seeds 0 1' in table
    # No validation inside the fine-tuning stage: only the evaluation stage measured the val split.
    finetune_dir = work / 'main' / 'seed0' / 'grass' / 'pretrain_1it_seed0' / 'finetune_frozen_1it'
    train_logs, eval_logs = list(finetune_dir.glob('2*/2*.log')), list(finetune_dir.glob('eval/2*/2*.log'))
    assert train_logs and eval_logs
    assert 'Iter(val)' not in train_logs[0].read_text() and 'Iter(val)' in eval_logs[0].read_text()

    capsys.readouterr()
    assert run_study(data, work) == 0  # every run is in the work dir's own results.json: nothing runs
    out = capsys.readouterr().out
    assert f'earlier runs from {work / "results.json"}: grass seeds [0, 1]' in out
    assert 'done in' not in out and 'done before' not in out
    assert json.loads((work / 'results.json').read_text())['evaluations'] == report['evaluations']
    (work / 'results.json').unlink()
    assert run_study(data, work) == 0  # without it, every stage is found and skipped
    out = capsys.readouterr().out
    # 2 seeds x (main, ablation) x 2 evaluations x 4 stages (pretrain, extract, fine-tune, evaluate)
    assert 'done in' not in out and out.count('done before, skipped') == 2 * 2 * 2 * 4
    assert json.loads((work / 'results.json').read_text())['evaluations'] == report['evaluations']

    # On a new machine (a new work dir), the committed results.json stands for the runs: nothing runs again.
    again = tmp_path / 'again'
    assert run_study(data, again, '--earlier-results', str(work / 'results.json')) == 0
    out = capsys.readouterr().out
    assert 'earlier runs from' in out and 'grass seeds [0, 1]' in out and 'r=0.3 seeds [0, 1]' in out
    assert 'done in' not in out and 'done before' not in out and not (again / 'main').exists()
    assert json.loads((again / 'results.json').read_text())['evaluations'] == report['evaluations']
    assert json.loads((again / 'results.json').read_text())['machines'] == report['machines']
    # Continuing the work dir from a file with fewer runs: seed 1 is in the work dir's results.json, not in the
    # file, so only seed 2 runs, and stopping before it finishes leaves the work dir's report as it was.
    partial = json.loads((work / 'results.json').read_text())
    for evaluation in partial['evaluations'].values():
        for by_label in evaluation['runs'].values():
            for by_seed in by_label.values():
                del by_seed['1']
    (tmp_path / 'partial.json').write_text(json.dumps(partial))
    before = (work / 'results.json').read_text()

    started = []

    def interrupted(self, work_dir, methods, seed, extra):
        started.append(seed)
        raise KeyboardInterrupt

    monkeypatch.setattr(SeededStudy, '_pipelines', interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_study(data, work, '--seeds', '0', '1', '2', '--earlier-results', str(tmp_path / 'partial.json'))
    assert started == [2] and (work / 'results.json').read_text() == before
    # another protocol in the same work dir does not take its runs: seed 0 runs again
    with pytest.raises(KeyboardInterrupt):
        run_study(data, work, '--pretrain-iters', '2')
    assert started == [2, 0] and 'not taking the runs of' in capsys.readouterr().out
    monkeypatch.undo()
    # Runs of another protocol are refused, naming the setting.
    assert run_study(data, tmp_path / 'other', '--earlier-results', str(work / 'results.json'),
                     '--pretrain-iters', '2') == 1
    assert 'setting pretrain_iters is 1 there, 2 here' in capsys.readouterr().err


def test_study_rejects_bad_options(tmp_path, capsys):
    data = render_demo_dataset(tmp_path / 'data', num_train=1, num_val=1, size=64)
    assert run_study(data, tmp_path / 'a', '--seeds', '0', '0') == 1
    assert 'seeds must be distinct' in capsys.readouterr().err
    assert run_study(data, tmp_path / 'b', '--ablation-ratios', '1.5') == 1
    assert 'threshold ratios must be in [0, 1)' in capsys.readouterr().err
    assert run_study(data, tmp_path / 'c', '--method-seeds', 'byol=0') == 1
    assert "'byol' is not one of the --methods / --extra-methods ['grass']" in capsys.readouterr().err
    assert run_study(data, tmp_path / 'd', '--method-seeds', 'grass=0,x') == 1
    assert 'expected METHOD=SEED[,SEED...] with integer seeds' in capsys.readouterr().err


def test_method_seeds_give_one_method_its_own_seeds():
    args = study.parse_args(['--work-dir', 'w', '--methods', 'random', 'mocov2', '--seeds', '0', '1', '2',
                             '--extra-methods', 'byol', 'swav', '--extra-seeds', '0', '1',
                             '--method-seeds', 'swav=0', 'mocov2=3,1'])
    assert study.method_seeds(args) == {'random': [0, 1, 2], 'mocov2': [3, 1], 'byol': [0, 1], 'swav': [0]}


def test_earlier_results_take_the_asked_methods_and_seeds_only(tmp_path):
    settings = dict(data='/elsewhere/dubai_aerial', seeds={'grass': [0, 1, 2], 'random': [0, 1, 2]},
                    evaluations={'frozen': dict(config='/a/frozen.py', iters=300, options='{}')},
                    base_threshold_ratio=None, ablation_ratios=[], pretrain_iters=300, pretrain_options='{}',
                    view_size=112, output_stride=16)
    recorded = {'grass': {'0': metrics(40.0, 60.0), '3': metrics(41.0, 61.0)}, 'simclr': {'0': metrics(1.0, 2.0)}}
    earlier = dict(settings=dict(settings, data='/here/dubai_aerial', seeds={'grass': [0, 3], 'simclr': [0]},
                                 evaluations={**settings['evaluations'],
                                              'probe': dict(config='/a/probe.py', iters=9, options='{}')}),
                   classes=CLASSES, evaluations={name: dict(runs=dict(main=recorded, ablation={}))
                                                 for name in ('frozen', 'probe')})
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(earlier))
    runs = load_earlier_runs(path, settings, CLASSES)
    # the data folder is compared by name; seed 3 and simclr are not asked for; the probe is not evaluated here
    assert runs == {'frozen': dict(main={'grass': {0: metrics(40.0, 60.0)}}, ablation={})}
    # a file from before machines were recorded: its runs' machine is unrecorded; a recorded one is carried
    assert taken_machines(path, runs) == {'grass': {0: UNRECORDED}}
    path.write_text(json.dumps(dict(earlier, machines={'grass': {'0': 'cpu A', '3': 'cpu B'}, 'r=0.5': {'0': 'x'}})))
    assert taken_machines(path, runs) == {'grass': {0: 'cpu A'}}
    ablation = {'frozen': dict(main={'grass': {0: {}}}, ablation={'r=0.5': {0: {}}, 'r=0.3': {1: {}}})}
    assert taken_machines(path, ablation, exclude='r=0.5') == {'grass': {0: 'cpu A'}, 'r=0.3': {1: UNRECORDED}}
    with pytest.raises(ValueError, match=r'setting evaluations.frozen.iters is 300 there, 200 here'):
        load_earlier_runs(path, dict(settings, evaluations={'frozen': dict(config='/a/frozen.py', iters=200,
                                                                             options='{}')}), CLASSES)
    with pytest.raises(ValueError, match=r'setting classes is'):
        load_earlier_runs(path, settings, ['land'])
    path.write_text('{"settings": {}}')
    with pytest.raises(ValueError, match=r'results.json: not a study results.json \(KeyError'):
        load_earlier_runs(path, settings, CLASSES)
    with pytest.raises(FileNotFoundError, match='nowhere.json not found'):
        load_earlier_runs(tmp_path / 'nowhere.json', settings, CLASSES)


def test_machines_lines_group_runs_by_machine_unrecorded_last():
    machines = {'simclr': {1: 'cpu B', 0: UNRECORDED}, 'grass': {0: UNRECORDED, 2: 'cpu A', 1: 'cpu B'}}
    assert machines_lines(machines) == ['- cpu B: simclr seeds 1; grass seeds 1', '- cpu A: grass seeds 2',
                                        '- unrecorded: simclr seeds 0; grass seeds 0']
