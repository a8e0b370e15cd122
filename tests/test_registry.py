"""Every grass_mm config loads its plugin through custom_imports and builds from the hosts' registries."""
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.utils import import_modules_from_strings

REPO = Path(__file__).resolve().parents[1]
PRETRAIN_CONFIGS = sorted((REPO / 'configs' / 'grass').glob('*.py')) + sorted(
    (REPO / 'configs' / 'simclr').glob('*.py'))


def test_pretraining_side_never_imports_mmseg():
    code = ('import sys, grass_mm, grass_mm.pretrain; '
            'bad = sorted(m for m in sys.modules if m == "mmseg" or m.startswith("mmseg.")); '
            'assert not bad, bad')
    subprocess.run([sys.executable, '-c', code], check=True, cwd=REPO)


HEAVY = ('matplotlib', 'skimage', 'mmengine.runner')


def test_import_grass_mm_stays_light():
    """``import grass_mm`` loads no plotting, test-only or Runner module; ``grass_mm.pretrain`` loads none of
    them beyond what the host's own ``mmpretrain.models`` imports (mmpretrain 1.2 imports ``mmengine.runner``
    there itself, e.g. ``heads/margin_head.py``)."""
    code = f"""
import sys
loaded = lambda: sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in {HEAVY!r}))
import grass_mm
assert not loaded(), ('import grass_mm', loaded())
import mmpretrain.datasets, mmpretrain.engine, mmpretrain.models, mmpretrain.structures, mmpretrain.utils
host = set(loaded())
assert not [m for m in host if not m.startswith('mmengine.runner')], host
import grass_mm.pretrain
assert set(loaded()) == host, ('import grass_mm.pretrain', sorted(set(loaded()) - host))
"""
    subprocess.run([sys.executable, '-c', code], check=True, cwd=REPO)


@pytest.mark.parametrize('config', PRETRAIN_CONFIGS, ids=lambda p: p.stem)
def test_pretraining_config_builds(config, tmp_path):
    cfg = Config.fromfile(str(config))
    assert cfg.default_scope == 'mmpretrain'
    assert cfg.custom_imports == dict(imports=['grass_mm.pretrain'], allow_failed_imports=False)
    import_modules_from_strings(**cfg.custom_imports)
    init_default_scope(cfg.default_scope)
    from mmpretrain.registry import DATASETS, HOOKS, MODELS, TRANSFORMS
    model = MODELS.build(cfg.model)
    assert type(model).__name__ in ('GraSS', 'GraSSMoCo', 'GraSSBYOL')
    assert type(model).__name__ != 'GraSS' or model.head.temperature == 0.5
    assert type(model.sampler).__name__ == 'GradientGuidedSampler'
    for hook in cfg.get('custom_hooks', []):
        assert type(HOOKS.build(hook)).__name__ == 'GraSSHook'
    for transform in cfg.train_dataloader.dataset.pipeline:
        TRANSFORMS.build(transform)
    assert DATASETS.get(cfg.train_dataloader.dataset.type) is not None


def test_registered_names_are_in_the_hosts_registries():
    from mmpretrain.registry import DATASETS, HOOKS, MODELS, TRANSFORMS

    import grass_mm.pretrain  # noqa: F401
    expected = {
        MODELS: ['GraSS', 'GradientGuidedSampler', 'LinearProjectionNeck', 'BandDataPreprocessor', 'GraSSMoCo',
                 'GraSSBYOL', 'GraSSSimSiam', 'GraSSBarlowTwins'],
        HOOKS: ['GraSSHook', 'NonFiniteLossHook', 'SamplingVisualizationHook'],
        DATASETS: ['RSIImageFolder'],
        TRANSFORMS: ['LoadRSIWindow', 'BandwiseApply', 'BandColorJitter'],
    }
    for registry, names in expected.items():
        for name in names:
            assert name in registry.module_dict, f'{name} missing from mmpretrain {registry.name}'
    readme = (REPO / 'README.md').read_text()
    for names in expected.values():
        for name in names:
            assert f'`{name}`' in readme, f'{name} is not listed in README.md'
