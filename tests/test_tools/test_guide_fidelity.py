"""tools/benchmark.py guide-fidelity: the boxes of the cheaper guide passes against the float32 one."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from tools.harness.guide_fidelity import VARIANTS, box_iou, guide_fidelity

REPO = Path(__file__).resolve().parents[2]


def test_box_iou():
    a = torch.tensor([[0, 10, 0, 10], [0, 10, 0, 10], [0, 10, 0, 10]])
    b = torch.tensor([[0, 10, 0, 10], [10, 20, 0, 10], [0, 10, 5, 15]])
    torch.testing.assert_close(box_iou(a, b), torch.tensor([1.0, 0.0, 1 / 3], dtype=torch.float64))


@pytest.fixture
def images(tmp_path) -> Path:
    folder = tmp_path / 'images'
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        cv2.imwrite(str(folder / f'{i}.png'), rng.integers(0, 255, (120, 140, 3), dtype=np.uint8))
    return folder


@pytest.mark.parametrize('config', ['grass/grass_resnet18_cpu_rsi-folder.py',
                                    'grass/grass-mocov2_resnet18_cpu_rsi-folder.py'])
def test_guide_fidelity_reports_every_variant(config, images):
    result = guide_fidelity(str(REPO / 'configs' / config), None, str(images), batch_size=2, batches=2,
                            repeats=1, device=torch.device('cpu'))
    assert result['views'] == 8
    for name in VARIANTS:
        assert 0 <= result[f'{name}_boxes_equal'] <= 1
        assert 0 <= result[f'{name}_box_iou_min'] <= result[f'{name}_box_iou_mean'] <= 1
        assert result[f'{name}_time_over_float32'] > 0


def test_guide_fidelity_needs_gradient_guided_sampling(images):
    config = REPO / 'configs' / 'mocov2' / 'mocov2_resnet18_cpu_rsi-folder.py'
    with pytest.raises(TypeError, match='mocov2_resnet18_cpu_rsi-folder.py: model type MoCo has no gradient'):
        guide_fidelity(str(config), None, str(images), 2, 1, 1, torch.device('cpu'))
