"""BandDataPreprocessor: one mean/std per band, SelfSupDataPreprocessor's behaviour for 3 bands, clear errors."""
import pytest
import torch
from mmpretrain.models.utils import SelfSupDataPreprocessor

from grass_mm.pretrain.models import BandDataPreprocessor

MEAN, STD = [10.0, 20.0, 30.0, 40.0], [1.0, 2.0, 4.0, 8.0]


def _views(channels: int) -> dict:
    gen = torch.Generator().manual_seed(0)
    return dict(inputs=[torch.randint(0, 256, (2, channels, 8, 8), generator=gen, dtype=torch.uint8)
                        for _ in range(2)], data_samples=None)


def test_normalises_each_band_and_matches_the_host_for_three_bands():
    data = _views(4)
    out = BandDataPreprocessor(mean=MEAN, std=STD)(data)['inputs']
    for view, raw in zip(out, data['inputs']):
        expected = (raw.float() - torch.tensor(MEAN).view(1, 4, 1, 1)) / torch.tensor(STD).view(1, 4, 1, 1)
        assert torch.equal(view, expected)
    data = _views(3)
    ours = BandDataPreprocessor(mean=MEAN[:3], std=STD[:3], to_rgb=True)(data)['inputs']
    host = SelfSupDataPreprocessor(mean=MEAN[:3], std=STD[:3], to_rgb=True)(data)['inputs']
    assert all(torch.equal(a, b) for a, b in zip(ours, host))


def test_errors_name_the_mismatch():
    with pytest.raises(ValueError, match='to_rgb.*4 values'):
        BandDataPreprocessor(mean=MEAN, std=STD, to_rgb=True)
    with pytest.raises(ValueError, match='one value per band'):
        BandDataPreprocessor(mean=MEAN, std=STD[:3])
    with pytest.raises(ValueError, match='3 channels .* 4 mean/std values'):
        BandDataPreprocessor(mean=MEAN, std=STD)(_views(3))
