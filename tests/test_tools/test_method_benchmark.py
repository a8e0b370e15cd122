"""``python -m tools.benchmark methods``: every method's real training step from its CPU config, against SimCLR's."""
import pytest
import torch
from mmengine.config import Config

from tools.harness.method_benchmark import bench_methods, build_step, methods_table, view_sides
from tools.harness.methods import pretrain_configs


def test_views_follow_the_config():
    assert view_sides(Config.fromfile(str(pretrain_configs()['swav']))) == [96, 96] + [41] * 6
    assert view_sides(Config.fromfile(str(pretrain_configs()['byol']))) == [96, 96]


def test_a_step_trains_the_model():
    built = build_step('mocov2', images=2, device=torch.device('cpu'))
    assert built['images'] == 2 and built['sides'] == [96, 96] and built['params'] > 11e6
    log_vars = built['step']()
    assert torch.isfinite(log_vars['loss']) and built['step']()['loss'] != log_vars['loss']


def test_bench_methods_reports_ratios_to_simclr():
    lines = []
    results = bench_methods(['grass'], images=2, repeats=1, device=torch.device('cpu'), log=lines.append)
    assert list(results) == ['simclr', 'grass'] and 'round 1/1' in lines
    assert results['simclr']['ratio'] == pytest.approx(1.0)
    for row in results.values():
        assert row['seconds'] > 0 and row['ratio_min'] <= row['ratio'] <= row['ratio_max'] and row['images'] == 2
    table = methods_table(results).splitlines()
    assert table[0].startswith('| method | family |') and len(table) == 2 + 2
    assert table[3].startswith('| grass | contrastive + gradient guided sampling | 2 x 96 |')


def test_study_views_are_timed_in_the_same_rounds():
    results = bench_methods(['grass'], images=2, repeats=1, device=torch.device('cpu'), log=[].append,
                            views=(64, 16))
    assert list(results) == ['simclr', 'grass', 'simclr 64px/os16', 'grass 64px/os16']
    assert results['grass 64px/os16']['sides'] == [64, 64] and results['grass']['sides'] == [96, 96]
    assert results['grass 64px/os16']['family'] == results['grass']['family']
    dilated = build_step('grass', images=1, device=torch.device('cpu'), size=64, output_stride=16)
    assert dilated['sides'] == [64, 64]


def test_each_method_is_timed_in_the_phase_it_trains_in():
    """GraSS and the plug-ins after their warm-up (GS); SimCLR, the same model without GraSSHook, in ID."""
    cpu = torch.device('cpu')
    names = ('simclr', 'grass', 'grass-byol', 'byol')
    phases = {name: build_step(name, images=1, device=cpu)['phase'] for name in names}
    assert phases == {'simclr': 'id', 'grass': 'gs', 'grass-byol': 'gs', 'byol': None}
