"""Loads a whole remote-sensing raster for mmseg with the raster rule of the pretraining loader."""
from typing import Optional, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from grass_mm.rsi.corrupt_file_policy import CorruptFilePolicy
from grass_mm.rsi.raster_rule import RasterRule
from grass_mm.rsi.reader import RasterFile, UnreadableRasterError


@TRANSFORMS.register_module()
class LoadRSIImage(BaseTransform):
    """Reads ``results['img_path']`` whole through the raster rule: N-band rasters for mmseg datasets.

    Replaces mmcv's ``LoadImageFromFile`` in segmentation pipelines (``RSISegDataset``, ``PotsdamDataset``,
    ...). ``results['img']`` is ``(h, w, C)`` uint8, ``C = len(bands)``, exactly what the pretraining
    loader ``LoadRSIWindow`` gives for the same file and rule (both read through
    :meth:`~grass_mm.rsi.raster_rule.RasterRule.read`): bands, value rule, no-data pixels set to 0 and the
    BGR order of three bands are described there. Files are read with rasterio (GDAL; JPEGs with OpenCV),
    so GeoTIFFs of any compression, BigTIFF, COG, JPEG2000 and VRT load too. Sets ``img_shape``,
    ``ori_shape`` and ``valid_fraction``.

    Unusable files (GDAL cannot open or decode them, or no valid pixel) follow ``on_corrupt``: 'skip'
    warns, counts and returns None, so a training dataset draws another index; mmengine refuses None at
    test time, so validation and test pipelines should use 'raise' (an ``OSError`` naming the file).
    Configuration errors (a band index out of range, a non-uint8 image without value rule) always raise.

    Args:
        bands, value_range, percentiles, nodata: the raster rule (:class:`RasterRule`). Default None.
        on_corrupt (str): 'skip' or 'raise'. Defaults to 'skip'.
    """

    def __init__(self,
                 bands: Optional[Sequence[int]] = None,
                 value_range: Optional[Sequence] = None,
                 percentiles: Optional[Sequence[float]] = None,
                 nodata: Optional[float] = None,
                 on_corrupt: str = 'skip') -> None:
        self.rule = RasterRule(bands=bands, value_range=value_range, percentiles=percentiles, nodata=nodata)
        self.policy = CorruptFilePolicy(on_corrupt, type(self).__name__)

    def transform(self, results: Union[dict, str, np.ndarray]) -> Optional[dict]:
        """Loads the image.

        Args:
            results (dict | str | np.ndarray): a data info holding ``img_path``; or, as an inferencer feeds
                it (:class:`~grass_mm.segmentation.apis.RSISegInferencer`), an image path, or an image
                already loaded as ``(h, w, C)`` uint8 in the network's band order, which is taken as it is.

        Returns:
            dict | None: ``results`` with ``img``, ``img_shape``, ``ori_shape``, ``valid_fraction``; None for
            an unusable file under ``on_corrupt='skip'``.
        """
        if isinstance(results, np.ndarray):
            return dict(img=results, img_path=None, img_shape=results.shape[:2], ori_shape=results.shape[:2],
                        valid_fraction=1.0)
        if isinstance(results, str):
            results = dict(img_path=results)
        path = results['img_path']
        try:
            with RasterFile(path) as raster:
                pixels = self.rule.read(raster, (0, 0, *raster.shape))
        except UnreadableRasterError as exc:
            self.policy(path, str(exc))
            return None
        if pixels.valid_fraction == 0:
            self.policy(path, 'no valid pixel: every pixel is no-data (nodata value, mask or alpha)')
            return None
        results['img'] = pixels.img
        results['img_shape'] = results['ori_shape'] = pixels.img.shape[:2]
        results['valid_fraction'] = pixels.valid_fraction
        return results

    def __repr__(self) -> str:
        rule = ', '.join(f'{key}={value!r}' for key, value in self.rule.to_dict().items())
        return f'{type(self).__name__}({rule}, on_corrupt={self.policy.on_corrupt!r})'
