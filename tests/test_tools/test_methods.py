"""The method table: one entry per method drives the study tools' choices, help, configs and the model zoo."""
from pathlib import Path

import pytest
import yaml
from mmengine.config import Config

from tools import pipeline, study
from tools.harness import methods
from tools.harness.methods import METHODS, RANDOM, Method, get_method, pretrain_configs
from tools.harness.pipeline import StudyPipeline
from tools.harness.stage_configs import pretrain_config, scale_iterations, view_size_options

REPO = Path(__file__).resolve().parents[2]
BASELINES = ['simclr', 'mocov2', 'byol', 'simsiam', 'barlowtwins', 'swav', 'densecl']  # the paper's seven


def test_table_holds_grass_the_seven_baselines_the_plugin_variants_and_random():
    assert set(BASELINES + ['grass', 'mocov3', 'grass-mocov2', 'grass-byol', RANDOM]) == set(METHODS)
    assert len({METHODS[name].family for name in BASELINES}) == 5  # five families
    assert all(name == method.name for name, method in METHODS.items())
    assert list(pretrain_configs()) == [name for name in METHODS if name != RANDOM]
    assert all(path.is_file() for path in pretrain_configs().values())


def test_unknown_method_is_an_error_listing_the_known_ones(tmp_path, capsys):
    with pytest.raises(ValueError, match='unknown method .moco.; known methods: grass, simclr, mocov2, '):
        get_method('moco')
    for tool in (pipeline, study):
        with pytest.raises(SystemExit):
            tool.main(['--work-dir', str(tmp_path), '--methods', 'grass', 'moco'])
        err = capsys.readouterr().err
        assert "invalid choice: 'moco'" in err and all(f"'{name}'" in err for name in METHODS)
    with pytest.raises(ValueError, match='unknown method'):
        StudyPipeline(tmp_path, pretrain_configs(), 'seg.py', methods=['moco'])


@pytest.mark.parametrize('tool', [pipeline, study])
def test_help_lists_every_method_with_its_family(tool, capsys):
    with pytest.raises(SystemExit):
        tool.parse_args(['--help'])
    text = ''.join(capsys.readouterr().out.split())  # argparse wraps lines at spaces and hyphens
    for name, method in METHODS.items():
        assert ''.join(f'{name} ({method.family})'.split()) in text


def test_a_new_method_is_one_table_entry(monkeypatch, tmp_path):
    monkeypatch.setitem(METHODS, 'newmethod', Method('newmethod', 'contrastive', METHODS['simclr'].config))
    args = pipeline.parse_args(['--work-dir', str(tmp_path), '--methods', 'newmethod', 'random'])
    assert args.methods == ['newmethod', 'random']
    assert pretrain_configs()['newmethod'] == methods.REPO / METHODS['simclr'].config
    assert 'newmethod (contrastive)' in methods.methods_help()


@pytest.mark.parametrize('name', list(pretrain_configs()))
def test_cpu_config_rescales_with_the_study_and_takes_a_view_size(name, tmp_path):
    """Every CPU config is iteration-based, so the study scales its schedule, and its views follow --view-size."""
    cfg = Config.fromfile(str(pretrain_configs()[name]))
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    old = cfg.train_cfg.max_iters
    def bounds(iters: int) -> list:
        scaled = scale_iterations(Config.fromfile(str(pretrain_configs()[name])), iters)
        assert scaled.train_cfg.max_iters == iters
        return [bound for s in scaled.param_scheduler for bound in (s.get('begin', 0), s.get('end', iters))]

    # the schedule keeps its shape: every bound doubles (up to rounding to whole iterations)
    assert [2 * bound for bound in bounds(old)] == pytest.approx(bounds(old * 2), abs=1)

    stage = pretrain_config(pretrain_configs()[name], tmp_path, tmp_path / 'work', 4, 0, 'x', view_size=64)
    views = stage.train_dataloader.dataset.pipeline[1]
    sides = [steps[0].scale for steps in views.transforms]
    original = [steps[0].scale for steps in cfg.train_dataloader.dataset.pipeline[1].transforms]
    assert sides[0] == 64 and [round(64 * side / original[0]) for side in original] == sides


def test_view_size_options_keep_the_ratios():
    swav = Config.fromfile(str(pretrain_configs()['swav']))
    assert list(view_size_options(swav, 192).values()) == [192, 82]  # 2 large + 6 small crops, 96 : 41
    byol = Config.fromfile(str(pretrain_configs()['byol']))
    assert view_size_options(byol, 48) == {f'train_dataloader.dataset.pipeline.1.transforms.{i}.0.scale': 48
                                           for i in (0, 1)}
    with pytest.raises(ValueError, match='>= 1'):
        view_size_options(byol, 0)
    byol.train_dataloader.dataset.pipeline = [dict(type='LoadRSIWindow', window_size=64)]
    with pytest.raises(ValueError, match='no MultiView'):
        view_size_options(byol, 48)


def test_model_zoo_lists_every_method_and_config():
    readme = (REPO / 'configs' / 'grass' / 'README.md').read_text()
    rows = [line for line in readme.splitlines() if line.startswith('| ')]
    for name, method in METHODS.items():
        assert any(f'(`{name}`)' in row and f'| {method.family} |' in row for row in rows), name
    index = yaml.safe_load((REPO / 'model-index.yml').read_text())['Import']
    for name in ('mocov2', 'byol', 'simsiam', 'barlowtwins', 'swav', 'densecl', 'mocov3'):  # folders with a metafile
        assert f'configs/{name}/metafile.yml' in index
        metafile = yaml.safe_load((REPO / 'configs' / name / 'metafile.yml').read_text())
        listed = {model['Config'] for model in metafile['Models']}
        assert listed == {f'configs/{name}/{path.name}' for path in (REPO / 'configs' / name).glob('*.py')}
        assert (REPO / 'configs' / name / 'README.md').is_file()
