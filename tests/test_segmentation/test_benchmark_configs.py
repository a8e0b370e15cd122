"""The DeepLabV3+ benchmark configs and the model-zoo metafile: consistent, and wired for exact transfer."""
from pathlib import Path

import pytest
import yaml
from mmengine.config import Config

from grass_mm.utils.config_settings import check_settings
from grass_mm.utils.schedule import fit_schedule

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = sorted((REPO / 'configs' / 'benchmarks' / 'deeplabv3plus').glob('*.py'))
NUM_CLASSES = {'potsdam': 6, 'potsdam-rgbir': 6, 'loveda-urban': 7, 'loveda-rural': 7, 'dubai': 6, 'rsi': 6}


@pytest.mark.parametrize('path', BENCHMARKS, ids=[p.stem for p in BENCHMARKS])
def test_benchmark_config(path):
    cfg = Config.fromfile(str(path))
    name = path.stem
    backbone = cfg.model.backbone
    assert backbone.type == 'ResNet' and backbone.init_cfg.type == 'Pretrained'  # 7x7 stem, as pretrained
    assert (backbone.dilations, backbone.strides, backbone.contract_dilation) == ((1, 1, 2, 4), (1, 2, 1, 1), True)
    assert backbone.depth == (18 if '_r18b-' in name else 50)
    assert (backbone.get('frozen_stages', -1), backbone.norm_eval) == ((4, True) if '_frozen_' in name else (-1, False))
    assert cfg.model.decode_head.type == 'DepthwiseSeparableASPPHead' and cfg.model.auxiliary_head.type == 'FCNHead'
    dataset = name.split('_')[-1].rsplit('-', 1)[0].replace('-labels1pct', '').replace('-labels10pct', '')
    assert cfg.model.decode_head.num_classes == cfg.model.auxiliary_head.num_classes == NUM_CLASSES[dataset]
    crop = int(name.rsplit('x', 1)[1])
    train = cfg.train_dataloader
    inner = train.dataset.get('dataset', train.dataset)
    assert [t.crop_size for t in inner.pipeline if t.type == 'RandomCrop'] == [(crop, crop)]
    assert cfg.model.data_preprocessor.size == (crop, crop)
    iters = {'80k': 80000, '1.3k': 1300, '200it': 200}[next(k for k in ('80k', '1.3k', '200it') if k in name)]
    assert cfg.train_cfg.max_iters == iters and 'end' not in cfg.param_scheduler[0]  # PolyLR ends with training
    check_settings(cfg)  # top-level data_root / num_classes / crop_size agree with the keys that read them
    fit_schedule(cfg)
    assert train.batch_size == int(name.split('xb')[1].split('-')[0])
    fraction = 0.01 if 'labels1pct' in name else 0.1 if 'labels10pct' in name else 1.0
    assert train.dataset.type == 'LabelFractionDataset' and train.dataset.fraction == fraction
    assert 'grass_mm.segmentation' in cfg.custom_imports.imports
    assert {h.type for h in cfg.custom_hooks} == {'PretrainedKeysCheckHook', 'NumClassesCheckHook'}
    assert cfg.val_evaluator.type == 'PerClassIoUMetric'
    assert ('SyncBN' if '_r50b-' in name else 'BN') == backbone.norm_cfg.type == cfg.model.decode_head.norm_cfg.type
    # the stem takes the loader's bands; N bands come in listed order, three in BGR order
    preprocessor, loader = cfg.model.data_preprocessor, inner.pipeline[0]
    bands = loader.bands or (0, 1, 2)
    assert loader.type == cfg.val_dataloader.dataset.pipeline[0].type == 'LoadRSIImage'
    assert backbone.get('in_channels', 3) == len(bands) == len(preprocessor.mean) == len(preprocessor.std)
    assert preprocessor.bgr_to_rgb == (len(bands) == 3)


def test_metafile_points_at_existing_configs_and_invents_no_results():
    meta = yaml.safe_load((REPO / 'configs' / 'grass' / 'metafile.yml').read_text())
    names = {model['Name'] for model in meta['Models']}
    for model in meta['Models']:
        assert (REPO / model['Config']).is_file(), model['Config']
        Config.fromfile(str(REPO / model['Config']))
        assert set(model.get('Downstream', [])) <= names
        results = model['Results'] or []
        assert all(value is None for result in results for value in result['Metrics'].values())
    readme = (REPO / 'configs' / 'grass' / 'README.md').read_text()
    assert 'not yet measured' in readme and 'not yet released' in readme
