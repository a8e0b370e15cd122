"""A GraSS pretraining checkpoint through mmpretrain's own APIs: get_model(...).extract_feat, FeatureExtractor."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain import FeatureExtractor, get_model


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory, grass_cpu_config, small_options, run_train) -> tuple:
    """``(config, checkpoint, image)``: 2 iterations of the CPU GraSS config with tools/train.py."""
    root = tmp_path_factory.mktemp('features')
    tiles = root / 'tiles'
    tiles.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        cv2.imwrite(str(tiles / f'tile{i}.png'), rng.integers(0, 256, (96, 128, 3), dtype=np.uint8))
    run_train(grass_cpu_config, root / 'work', small_options(tiles, max_iters=2, warmup=1))
    return grass_cpu_config, root / 'work' / 'iter_2.pth', tiles / 'tile0.png'


def test_get_model_extract_feat_uses_the_pretrained_backbone(pretrained):
    config, checkpoint, _ = pretrained
    model = get_model(str(config), pretrained=str(checkpoint), device='cpu')
    saved = torch.load(checkpoint, weights_only=True)['state_dict']
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, saved[f'backbone.{key}']), key
    feats = model.extract_feat(torch.rand(2, 3, 64, 64))
    assert isinstance(feats, tuple) and tuple(feats[-1].shape) == (2, 512, 2, 2)  # ResNet-18's last stage


def test_feature_extractor_with_a_test_pipeline(pretrained):
    """mmpretrain's FeatureExtractor builds its pipeline from test_dataloader.dataset.pipeline, which a
    self-supervised config has none of (the Runner would then need a test loop): one line adds it."""
    config, checkpoint, image = pretrained
    cfg = Config.fromfile(str(config))
    cfg.test_dataloader = dict(dataset=dict(type='RSIImageFolder', pipeline=[dict(type='PackInputs')]))
    extractor = FeatureExtractor(cfg, pretrained=str(checkpoint), device='cpu')
    feats = extractor(str(image))[0]
    assert tuple(feats[-1].shape) == (512, 3, 4)  # 96 x 128 px / 32
    # the same features as the model on the image normalised by the config's data preprocessor (BGR -> RGB)
    model = extractor.model
    pixels = torch.from_numpy(cv2.imread(str(image))[..., ::-1].copy()).permute(2, 0, 1).float()[None]
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in (cfg.model.data_preprocessor.mean,
                                                            cfg.model.data_preprocessor.std))
    with torch.no_grad():
        expected = model.extract_feat((pixels - mean) / std)
    torch.testing.assert_close(feats[-1], expected[-1][0])
