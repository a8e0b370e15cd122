"""N-band view transforms: BandwiseApply and BandColorJitter leave 3-band images to the host transforms and
give other band counts their documented behaviour."""
import numpy as np
import pytest
from mmcv.transforms import RandomGrayscale
from mmpretrain.datasets.transforms import ColorJitter, GaussianBlur, RandomResizedCrop
from PIL import Image, ImageEnhance

from grass_mm.pretrain.datasets import BandColorJitter, BandwiseApply

CROP = dict(type='RandomResizedCrop', scale=40, backend='pillow')
JITTER = dict(brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2)


def _img(bands: int, size: int = 64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 255, (size, size, bands), dtype=np.uint8)


def _run(transform, img: np.ndarray, seed: int) -> np.ndarray:
    np.random.seed(seed)
    return transform(dict(img=img.copy()))['img']


def test_three_bands_go_through_the_host_transform_unchanged():
    rgb = _img(3)
    for seed in range(3):
        np.testing.assert_array_equal(_run(BandwiseApply([CROP]), rgb, seed),
                                      _run(RandomResizedCrop(scale=40, backend='pillow'), rgb, seed))
        np.testing.assert_array_equal(_run(BandColorJitter(**JITTER), rgb, seed),
                                      _run(ColorJitter(**JITTER), rgb, seed))


def test_n_band_crop_is_pillows_resize_of_each_band_with_one_crop():
    four = _img(4)
    for seed in range(3):
        out = _run(BandwiseApply([CROP]), four, seed)
        assert out.shape == (40, 40, 4)
        # R, G, B as the host crops an RGB image; the 4th band with the same crop
        np.testing.assert_array_equal(out[..., :3], _run(RandomResizedCrop(scale=40, backend='pillow'),
                                                        np.ascontiguousarray(four[..., :3]), seed))
        np.testing.assert_array_equal(out[..., 3:].repeat(3, 2), _run(BandwiseApply([CROP]),
                                                                       four[..., [3, 3, 3]], seed))
    # why the wrapper: Pillow resizes a 4-band array as RGBA, premultiplied by the 4th band
    host = _run(RandomResizedCrop(scale=40, backend='pillow'), four, 0)
    assert np.abs(host[..., :3].astype(int) - _run(BandwiseApply([CROP]), four, 0)[..., :3]).max() > 20


def test_any_band_count_and_independent_parameters():
    blur = dict(type='GaussianBlur', radius=1.5, prob=1.0)
    thirteen = _img(13)
    out = _run(BandwiseApply([blur]), thirteen, 0)
    for band in (0, 12):
        np.testing.assert_array_equal(out[..., band], _run(GaussianBlur(radius=1.5, prob=1.0), thirteen[..., band], 0))
    gray = _img(1)[..., 0]
    assert _run(BandwiseApply([CROP]), gray, 0).shape == (40, 40)
    same = _img(1).repeat(4, 2)
    shared = _run(BandwiseApply([CROP]), same, 1)
    assert all(np.array_equal(shared[..., 0], shared[..., b]) for b in range(4))
    independent = _run(BandwiseApply([CROP], share_random_params=False), same, 1)
    assert not all(np.array_equal(independent[..., 0], independent[..., b]) for b in range(4))


def _enhance(band: np.ndarray, brightness: float, contrast: float, order) -> np.ndarray:
    image = Image.fromarray(band)
    for index in order:
        image = (ImageEnhance.Brightness(image).enhance(brightness) if index == 0
                 else ImageEnhance.Contrast(image).enhance(contrast))
    return np.asarray(image)


def test_n_band_jitter_modes():
    same = _img(1).repeat(5, 2)
    per_band = _run(BandColorJitter(**JITTER), same, 0)
    assert len({per_band[..., b].tobytes() for b in range(5)}) == 5  # own factors per band
    np.random.seed(0)
    order, brightness, contrast = np.random.permutation(2), np.random.uniform(0.2, 1.8), np.random.uniform(0.2, 1.8)
    np.testing.assert_array_equal(per_band[..., 0], _enhance(same[..., 0], brightness, contrast, order))
    shared = _run(BandColorJitter(n_band_mode='shared', **JITTER), same, 0)
    assert all(np.array_equal(shared[..., 0], shared[..., b]) for b in range(5))
    np.testing.assert_array_equal(shared[..., 0], per_band[..., 0])
    np.testing.assert_array_equal(_run(BandColorJitter(n_band_mode='off', **JITTER), same, 0), same)
    with pytest.raises(ValueError, match='n_band_mode'):
        BandColorJitter(n_band_mode='hsv')


def test_host_grayscale_takes_n_band_weights():
    four = _img(4)
    out = RandomGrayscale(prob=1.0, keep_channels=True, channel_weights=(1, 1, 1, 1))(dict(img=four.copy()))['img']
    np.testing.assert_array_equal(out[..., 2], four.mean(axis=2).astype(np.uint8))
