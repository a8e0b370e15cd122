"""mmpretrain's ColorJitter, with a defined behaviour for images that are not 3-band colour images."""
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from mmpretrain.datasets.transforms import ColorJitter
from mmpretrain.registry import TRANSFORMS
from PIL import Image, ImageEnhance

N_BAND_MODES = ('per_band', 'shared', 'off')


@TRANSFORMS.register_module()
class BandColorJitter(ColorJitter):
    """Colour jitter of 3-band images as mmpretrain's ``ColorJitter``; brightness/contrast for N bands.

    A 3-band image is jittered by mmpretrain's ``ColorJitter`` unchanged (brightness, contrast, saturation,
    hue in random order). mmcv's implementations of all four build an RGB image (3 channels only), and
    saturation and hue are colour-wheel operations with no meaning for other band counts, so an N-band
    image (N != 3) gets, by ``n_band_mode``:

    - ``'per_band'`` (default): each band its own brightness and contrast factors, drawn from the same
      ranges, applied in random order with Pillow's ``ImageEnhance`` (the operations the 3-band jitter
      applies to each channel; contrast blends towards the band's own mean). Independent factors change
      the ratios between bands, as saturation and hue jitter change the ratios between R, G and B;
    - ``'shared'``: one brightness and one contrast factor for all bands;
    - ``'off'``: the image is left as it is.

    Args:
        brightness, contrast, saturation, hue: as mmpretrain's ``ColorJitter``. Default 0.
        n_band_mode (str): 'per_band', 'shared' or 'off'. Defaults to 'per_band'.
        **kwargs: other arguments of ``ColorJitter`` (``backend``).
    """

    def __init__(self,
                 brightness: Union[float, Sequence[float]] = 0.,
                 contrast: Union[float, Sequence[float]] = 0.,
                 saturation: Union[float, Sequence[float]] = 0.,
                 hue: Union[float, Sequence[float]] = 0.,
                 n_band_mode: str = 'per_band',
                 **kwargs) -> None:
        super().__init__(brightness=brightness, contrast=contrast, saturation=saturation, hue=hue, **kwargs)
        if n_band_mode not in N_BAND_MODES:
            raise ValueError(f'n_band_mode must be one of {N_BAND_MODES}, got {n_band_mode!r}')
        self.n_band_mode = n_band_mode

    def _band_params(self) -> Tuple[np.ndarray, Optional[float], Optional[float]]:
        """Draws the order of brightness and contrast and their factors, for one band or all."""
        order = np.random.permutation(2)
        brightness = None if self.brightness is None else np.random.uniform(*self.brightness)
        contrast = None if self.contrast is None else np.random.uniform(*self.contrast)
        return order, brightness, contrast

    @staticmethod
    def _jitter_band(band: np.ndarray, params: Tuple[np.ndarray, Optional[float], Optional[float]]) -> np.ndarray:
        """Applies brightness and contrast to one uint8 band with Pillow."""
        order, brightness, contrast = params
        image = Image.fromarray(np.ascontiguousarray(band))
        for index in order:
            if index == 0 and brightness is not None:
                image = ImageEnhance.Brightness(image).enhance(brightness)
            elif index == 1 and contrast is not None:
                image = ImageEnhance.Contrast(image).enhance(contrast)
        return np.asarray(image)

    def transform(self, results: Dict) -> Dict:
        """Jitters ``results['img']``.

        Args:
            results (dict): must hold ``img``, uint8 (h, w) or (h, w, bands).

        Returns:
            dict: ``results`` with the jittered ``img``.
        """
        img = results['img']
        if img.ndim == 3 and img.shape[2] == 3:
            return super().transform(results)
        if self.n_band_mode == 'off':
            return results
        bands = img[..., None] if img.ndim == 2 else img
        shared = self._band_params() if self.n_band_mode == 'shared' else None
        jittered = [self._jitter_band(bands[..., b], shared or self._band_params()) for b in range(bands.shape[2])]
        results['img'] = np.stack(jittered, axis=2).reshape(img.shape)
        return results

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f', n_band_mode={self.n_band_mode!r})'
