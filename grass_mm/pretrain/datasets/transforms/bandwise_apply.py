"""Applies colour-image transforms to N-band images band by band, with the same random parameters."""
import random
from typing import Callable, Dict, List, Optional, Union

import numpy as np
from mmcv.transforms import BaseTransform, Compose
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class BandwiseApply(BaseTransform):
    """Runs transforms written for 3-channel images on images of any band count.

    A 3-band image goes through the wrapped transforms as it is, so a 3-band pipeline is unchanged. Any other
    band count (1, 2, 4, 13, ...) is split into single-band images, each goes through the transforms, and
    the results are stacked back. With ``share_random_params=True`` (default) every band gets the same
    random parameters, so a crop, a resize or a blur is the same on all bands: the random number generators
    the transforms draw from (numpy's and Python's) are set back to their state before the first band for
    each further band. (mmcv's ``cache_random_params`` cannot be used: it double-counts mmpretrain's
    ``RandomResizedCrop.rand_crop_params``, registered twice through a subclass, and raises.)

    Needed where the host transforms assume 3 channels:

    - ``RandomResizedCrop(backend='pillow')``: Pillow takes a 4-band array as RGBA and resizes it with the
      colour premultiplied by the 4th band (an infrared band would act as alpha), and refuses 5+ bands;
      band by band it is Pillow's resize of each band, exactly what it does to each channel of RGB;
    - ``GaussianBlur`` (Pillow): refuses ``(h, w, 1)`` and 5+ band arrays; band by band it equals the RGB
      blur per channel.

    Args:
        transforms (list[dict | callable]): the wrapped transforms.
        share_random_params (bool): the same random parameters for all bands. Defaults to True.
    """

    def __init__(self, transforms: List[Union[Dict, Callable[[Dict], Dict]]],
                 share_random_params: bool = True) -> None:
        # built from mmpretrain's registry (its parent holds mmcv's), whatever the default scope
        self.transforms = Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t for t in transforms])
        self.share_random_params = bool(share_random_params)

    def transform(self, results: Dict) -> Optional[Dict]:
        """Applies the transforms to the image, or to each of its bands.

        Args:
            results (dict): must hold ``img`` (h, w) or (h, w, bands).

        Returns:
            dict | None: ``results`` with the transformed ``img`` and its ``img_shape``; None if a wrapped
            transform returns None.
        """
        img = results['img']
        if img.ndim == 3 and img.shape[2] == 3:
            return self.transforms(results)
        bands = img[..., None] if img.ndim == 2 else img
        start = np.random.get_state(), random.getstate()
        outputs = []
        for index in range(bands.shape[2]):
            if self.share_random_params and index:
                np.random.set_state(start[0])
                random.setstate(start[1])
            output = self.transforms(dict(results, img=np.ascontiguousarray(bands[..., index])))
            if output is None:
                return None
            outputs.append(output)
        stacked = np.stack([out['img'].reshape(out['img'].shape[:2]) for out in outputs], axis=2)
        results.update(outputs[0])
        results['img'] = stacked.reshape(stacked.shape[:2]) if img.ndim == 2 else stacked
        results['img_shape'] = stacked.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(transforms={self.transforms}, '
                f'share_random_params={self.share_random_params})')
