"""The band, value and nodata rule that turns raster windows into the 8-bit arrays the networks see.

One rule, one implementation: the pretraining loader (``LoadRSIWindow``) and the segmentation loader
(``LoadRSIImage``) both read through :meth:`RasterRule.read`, so with the same arguments they give the
same pixels for the same file. In a config the rule is one variable passed to both loader entries, e.g.
``raster = dict(bands=(0, 1, 2, 3), value_range=(0, 2047))`` and ``dict(type='LoadRSIWindow', **raster)``.
"""
import math
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from .reader import RasterFile, WindowBox

Range = Tuple[float, float]


class RulePixels(NamedTuple):
    """A window after the rule: ``img`` (h, w, bands) uint8, ``valid`` (h, w) bool or None (all valid),
    ``valid_fraction`` in [0, 1]."""
    img: np.ndarray
    valid: Optional[np.ndarray]
    valid_fraction: float


class RasterRule:
    """Which bands, how their values become 0..255, and which pixels are no-data.

    Bands: ``bands`` lists 0-based indices of the file's stored bands (R, G, B for colour PNG/JPEG; as
    written for TIFF, e.g. R, G, B, IR for Potsdam's ``4_Ortho_RGBIR``); any length, repeats allowed; the
    network gets ``len(bands)`` channels in that order. Default (None): the first three bands, or a
    one-band image's band three times. An index outside a file raises ``ValueError`` naming the file.
    Three output bands come back reversed (BGR, mmcv's order for colour images, which the data
    preprocessors' ``to_rgb=True`` / ``bgr_to_rgb=True`` undo); other counts come back in the listed
    order (set ``to_rgb`` / ``bgr_to_rgb`` to False).

    Values: uint8 bands are used as stored. Other dtypes need a rule, else ``ValueError`` names the file:
    ``value_range=(low, high)`` (or one pair per listed band) maps ``low -> 0`` and ``high -> 255``
    linearly, clipped, the same for every read; ``percentiles=(p_low, p_high)`` stretches each band of
    each read between its own percentiles over the valid pixels (a window and the whole image then differ).

    No-data: the file's nodata value, mask or alpha band (GDAL's rule: a pixel is valid when one of the
    chosen bands is), and with ``nodata=v`` also pixels whose chosen bands all equal ``v`` (files that
    declare none, e.g. JPEGs with black borders; NaN allowed). No-data pixels become 0 in the output.

    Args:
        bands (Sequence[int], optional): stored-band indices. Defaults to None.
        value_range (Sequence, optional): (low, high) or per-band pairs. Defaults to None.
        percentiles (Sequence[float], optional): (p_low, p_high) in [0, 100]. Defaults to None.
        nodata (float, optional): an extra no-data value. Defaults to None.
    """

    def __init__(self,
                 bands: Optional[Sequence[int]] = None,
                 value_range: Union[Range, Sequence[Range], None] = None,
                 percentiles: Optional[Sequence[float]] = None,
                 nodata: Optional[float] = None) -> None:
        if bands is not None and (len(bands) == 0 or not all(isinstance(b, int) for b in bands)):
            raise ValueError(f'bands must list at least one int band index, got {bands!r}')
        if value_range is not None and percentiles is not None:
            raise ValueError('set value_range or percentiles, not both')
        self.bands = None if bands is None else tuple(bands)
        self.value_range = None if value_range is None else self._ranges(value_range)
        if percentiles is not None and not (len(percentiles) == 2 and 0 <= percentiles[0] < percentiles[1] <= 100):
            raise ValueError(f'percentiles must be (low, high) with 0 <= low < high <= 100, got {percentiles!r}')
        self.percentiles = None if percentiles is None else tuple(float(p) for p in percentiles)
        self.nodata = None if nodata is None else float(nodata)

    def _ranges(self, value_range) -> Tuple[Range, ...]:
        """Checks ``value_range``; returns one (low, high) per listed band, or a single pair for all."""
        pairs = [value_range] if isinstance(value_range[0], (int, float)) else list(value_range)
        if not all(len(pair) == 2 and pair[1] > pair[0] for pair in pairs):
            raise ValueError(f'value_range must be (low, high) with high > low, or one such pair per band; '
                             f'got {value_range!r}')
        if len(pairs) > 1 and (self.bands is None or len(pairs) != len(self.bands)):
            raise ValueError(f'value_range lists {len(pairs)} (low, high) pairs: expected one per listed band '
                             f'(bands={self.bands!r}) or a single pair for all bands')
        return tuple((float(low), float(high)) for low, high in pairs)

    def band_indices(self, raster: RasterFile) -> Tuple[int, ...]:
        """Returns the 0-based bands to read from ``raster``, in output order (reversed when three).

        Raises:
            ValueError: a listed band the file does not have, or no default for its band count.
        """
        count = raster.count
        bands = self.bands
        if bands is None:
            if count == 2:
                raise ValueError(f'{raster.path} has 2 bands: there is no default choice; list them in the '
                                 'raster rule, e.g. bands=(0, 1) or bands=(0, 0, 1)')
            bands = (0, 0, 0) if count == 1 else (0, 1, 2)
        for band in bands:
            if not -count <= band < count:
                raise ValueError(f'{raster.path}: band index {band} is out of range: the file has {count} '
                                 f'band(s) (valid indices 0..{count - 1}) but the raster rule lists '
                                 f'bands={bands!r}, which needs at least {max(bands) + 1} bands')
        bands = tuple(b % count for b in bands)
        return bands[::-1] if len(bands) == 3 else bands

    def _limits(self, data: np.ndarray, valid: Optional[np.ndarray], path) -> Tuple[np.ndarray, np.ndarray]:
        """Returns per-band (low, high) of the value rule for a non-uint8 window (in output order)."""
        count = data.shape[2]
        if self.value_range is not None:
            pairs = self.value_range * count if len(self.value_range) == 1 else self.value_range
            pairs = pairs[::-1] if count == 3 else pairs
            return np.array([p[0] for p in pairs], np.float64), np.array([p[1] for p in pairs], np.float64)
        if self.percentiles is None:
            raise ValueError(f'{path} holds {data.dtype} values: set value_range=(low, high) (e.g. (0, 2047) '
                             'for 11-bit data, see tools/compute_band_stats.py) or percentiles=(2, 98) in the '
                             'raster rule; only uint8 images are used as stored')
        pixels = data.reshape(-1, count)
        if valid is not None and valid.any():
            pixels = pixels[valid.ravel()]
        low, high = np.nanpercentile(pixels.astype(np.float64), self.percentiles, axis=0)
        return low, high

    def to_uint8(self, data: np.ndarray, valid: Optional[np.ndarray], path) -> np.ndarray:
        """Applies the value rule to a window (h, w, bands) of output-ordered bands; no-data becomes 0."""
        if data.dtype != np.uint8:
            low, high = self._limits(data, valid, path)
            scale = np.where(high > low, 255.0 / np.maximum(high - low, 1e-12), 0.0).astype(np.float32)
            scaled = (data.astype(np.float32) - low.astype(np.float32)) * scale
            data = np.clip(np.rint(np.nan_to_num(scaled, nan=0.0)), 0, 255).astype(np.uint8)
        if valid is not None and not valid.all():
            data[~valid] = 0  # data is this read's own array
        return data

    def validity(self, raster: RasterFile, bands: Sequence[int], box: WindowBox, data: np.ndarray,
                 out_shape: Optional[Tuple[int, int]] = None) -> Optional[np.ndarray]:
        """Returns the valid pixels of a window: the file's mask, and the rule's nodata value if set."""
        valid = raster.read_validity(bands, box, out_shape)
        if self.nodata is not None:
            nodata = np.isnan(data) if math.isnan(self.nodata) else data == self.nodata
            rule_valid = ~nodata.all(axis=2)
            valid = rule_valid if valid is None else valid & rule_valid
        return valid

    def read(self, raster: RasterFile, box: WindowBox, bands: Optional[Sequence[int]] = None) -> RulePixels:
        """Reads a window through the rule.

        Args:
            raster (RasterFile): an open file.
            box (WindowBox): (top, left, height, width).
            bands (Sequence[int], optional): :meth:`band_indices` of the file, if already known.

        Returns:
            RulePixels: the uint8 window, its valid pixels and their fraction.
        """
        bands = self.band_indices(raster) if bands is None else bands
        data = raster.read(bands, box)
        valid = self.validity(raster, bands, box, data)
        fraction = 1.0 if valid is None else float(valid.mean())
        return RulePixels(self.to_uint8(data, valid, raster.path), valid, fraction)

    def to_dict(self) -> dict:
        """The rule's arguments, e.g. for ``__repr__`` and for tools that print it."""
        return dict(bands=self.bands, value_range=self.value_range, percentiles=self.percentiles,
                    nodata=self.nodata)
