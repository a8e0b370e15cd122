"""The paper-size baseline configs: the GraSS configs' data, batch and epochs, and mmpretrain's reference model,
views, optimiser and hooks, with the learning rate scaled linearly to the batch."""
from pathlib import Path

import mmpretrain
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.utils import import_modules_from_strings

REPO = Path(__file__).resolve().parents[2]
REFERENCE_ROOT = Path(mmpretrain.__file__).parent / '.mim' / 'configs'
# method -> (mmpretrain's reference config, its global batch, the algorithm)
REFERENCES = {
    'mocov2': ('mocov2/mocov2_resnet50_8xb32-coslr-200e_in1k.py', 256, 'MoCo'),
    'byol': ('byol/byol_resnet50_16xb256-coslr-200e_in1k.py', 4096, 'BYOL'),
    'simsiam': ('simsiam/simsiam_resnet50_8xb32-coslr-200e_in1k.py', 256, 'SimSiam'),
    'barlowtwins': ('barlowtwins/barlowtwins_resnet50_8xb256-coslr-300e_in1k.py', 2048, 'BarlowTwins'),
    'swav': ('swav/swav_resnet50_8xb32-mcrop-coslr-200e_in1k-224px-96px.py', 256, 'SwAV'),
    'densecl': ('densecl/densecl_resnet50_8xb32-coslr-200e_in1k.py', 256, 'DenseCL'),
    'mocov3': ('mocov3/mocov3_resnet50_8xb512-amp-coslr-300e_in1k.py', 4096, 'MoCoV3'),
}
GRASS_DATASETS = ['potsdam', 'vaihingen', 'loveda-urban', 'loveda-rural']
BATCH = 256


def paper_configs(method: str) -> dict:
    """Dataset name -> the method's ResNet-50 config for it."""
    configs = {}
    for path in sorted((REPO / 'configs' / method).glob(f'{method}_resnet50_*.py')):
        data = [name for name in GRASS_DATASETS if f'_{name}' in path.stem]
        assert len(data) == 1, f'{path.name}: no single GraSS dataset in the name'
        configs[data[0]] = path
    return configs


PAPER = [(method, data, path) for method in REFERENCES for data, path in paper_configs(method).items()]


def reference(method: str) -> Config:
    """mmpretrain's reference config of a method (skips when the installed mmpretrain ships no configs)."""
    path = REFERENCE_ROOT / REFERENCES[method][0]
    if not path.is_file():
        pytest.skip(f'mmpretrain reference config not installed: {path}')
    return Config.fromfile(str(path))


def without_preprocessor(model: dict) -> dict:
    return {key: value for key, value in model.items() if key != 'data_preprocessor'}


@pytest.mark.parametrize('method', list(REFERENCES))
def test_one_paper_config_per_grass_dataset(method):
    grass = sorted(p.stem.rsplit('_', 1)[1] for p in (REPO / 'configs' / 'grass').glob('grass_resnet50_*.py'))
    assert sorted(GRASS_DATASETS) == grass
    assert sorted(paper_configs(method)) == grass


@pytest.mark.parametrize('method,data,path', PAPER, ids=[path.stem for _, _, path in PAPER])
def test_paper_config_follows_the_grass_protocol(method, data, path):
    cfg = Config.fromfile(str(path))
    grass = Config.fromfile(str(REPO / 'configs' / 'grass' / f'grass_resnet50_1xb256-coslr-350e_{data}.py'))
    assert cfg.train_dataloader.batch_size == grass.train_dataloader.batch_size == BATCH
    assert cfg.train_cfg == grass.train_cfg == dict(type='EpochBasedTrainLoop', max_epochs=350)
    ours, theirs = cfg.train_dataloader.dataset, grass.train_dataloader.dataset
    for key in ('type', 'data_root', 'data_prefix', 'ann_file', 'samples_per_image'):
        assert ours.get(key) == theirs.get(key), key
    for key in ('type', 'window_size'):
        assert ours.pipeline[0][key] == theirs.pipeline[0][key], key
    assert cfg.auto_scale_lr == dict(base_batch_size=BATCH)

    assert (cfg.default_scope, cfg.custom_imports) == ('mmpretrain', grass.custom_imports)
    import_modules_from_strings(**cfg.custom_imports)
    from mmpretrain.registry import DATASETS, HOOKS, MODELS, TRANSFORMS
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        assert MODELS.get(cfg.model.type).__module__.startswith('mmpretrain.models.selfsup.')
        assert DATASETS.get(ours.type) is not None
        for transform in ours.pipeline:
            TRANSFORMS.build(transform)
        for hook in cfg.get('custom_hooks', []):
            HOOKS.build({key: value for key, value in hook.items() if key != 'priority'})  # the Runner's way


@pytest.mark.parametrize('method', list(REFERENCES))
def test_paper_configs_use_the_reference_settings_with_the_lr_scaled(method):
    ref = reference(method)
    ref_batch, algorithm = REFERENCES[method][1:]
    scale = BATCH / ref_batch
    configs = [Config.fromfile(str(path)) for path in paper_configs(method).values()]
    for cfg in configs:
        assert without_preprocessor(cfg.model) == without_preprocessor(ref.model)
        assert cfg.train_dataloader.dataset.pipeline[1] == ref.train_dataloader.dataset.pipeline[1]  # views
        assert cfg.train_dataloader.get('drop_last', False) == ref.train_dataloader.get('drop_last', False)

        ours, theirs = cfg.optim_wrapper, ref.optim_wrapper
        assert ours.type == 'OptimWrapper'  # fp32 like every grass_mm config (MoCo v3's reference uses AMP)
        assert ours.optimizer.lr == pytest.approx(theirs.optimizer.lr * scale)
        for key in ('type', 'momentum', 'weight_decay'):
            assert ours.optimizer[key] == theirs.optimizer[key], key
        assert ours.get('paramwise_cfg') == theirs.get('paramwise_cfg')

        assert [s.type for s in cfg.param_scheduler] == [s.type for s in ref.param_scheduler]
        for mine, base in zip(cfg.param_scheduler, ref.param_scheduler):
            assert mine.get('eta_min', 0) == pytest.approx(base.get('eta_min', 0) * scale)
            if mine.type == 'LinearLR':  # the warm-up: same start and length in epochs
                assert (mine.start_factor, mine.begin, mine.end) == (base.start_factor, base.begin, base.end)

        hooks, ref_hooks = cfg.get('custom_hooks', []), ref.get('custom_hooks', [])
        assert [h.type for h in hooks] == [h.type for h in ref_hooks]
        for hook, ref_hook in zip(hooks, ref_hooks):
            if hook.type == 'SimSiamHook':
                assert hook.lr == cfg.optim_wrapper.optimizer.lr
            if hook.type == 'SwAVHook':  # the reference's batch_size is per GPU (8 x 32)
                assert hook.batch_size == BATCH == ref_hook.batch_size * 8
                for key in ('epoch_queue_starts', 'crops_for_assign', 'feat_dim', 'queue_length', 'priority'):
                    assert hook[key] == ref_hook[key], key
    assert all(cfg.model == configs[0].model for cfg in configs)  # one model for every dataset

    import_modules_from_strings(**configs[0].custom_imports)
    from mmpretrain.registry import MODELS
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(configs[0].model)
    assert type(model).__name__ == algorithm and type(model).__module__.startswith('mmpretrain.models.selfsup.')
    assert type(model.backbone).__name__ == 'ResNet' and model.backbone.depth == 50
    assert model.backbone.conv1.kernel_size == (7, 7)  # the stem every DeepLabV3+ benchmark config expects
