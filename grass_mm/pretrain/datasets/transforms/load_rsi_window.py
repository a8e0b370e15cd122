"""Loads a random window of valid data from a remote-sensing raster (large tiles need no pre-slicing)."""
import logging
import math
from typing import Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log
from mmpretrain.registry import TRANSFORMS

from grass_mm.rsi.corrupt_file_policy import CorruptFilePolicy
from grass_mm.rsi.raster_rule import RasterRule, RulePixels
from grass_mm.rsi.reader import RasterFile, UnreadableRasterError, WindowBox

MASK_SEARCH_SIZE = 1024  # long side of the subsampled mask searched when random windows find no data


@TRANSFORMS.register_module()
class LoadRSIWindow(BaseTransform):
    """Reads a random ``window_size`` window of ``results['img_path']`` through the raster rule.

    Replaces mmcv's ``LoadImageFromFile`` in pretraining pipelines. ``results['img']`` is ``(h, w, C)``
    uint8 with ``C = len(bands)`` (see :class:`~grass_mm.rsi.raster_rule.RasterRule` for bands, the value
    rule, no-data and the BGR order of three bands); ``img_shape`` and ``ori_shape`` are the window's size,
    ``tile_shape`` the whole image's, ``window`` is ``(top, left, height, width)`` and ``valid_fraction``
    the window's share of valid pixels. Files are read with rasterio (GDAL): any GeoTIFF compression,
    tiled or striped, BigTIFF, COG, JPEG2000, VRT, PNG; only the storage blocks a window overlaps are
    decoded. JPEGs are decoded whole by OpenCV.

    Windows: the top-left corner is drawn uniformly from numpy's global RNG (mmengine seeds it per worker).
    Along an axis where the image is not larger than the window the whole axis is taken, neither padded
    nor resized. With ``align_windows=True`` a tiled file's offsets are drawn among multiples of its tile
    size (plus the last offset that reaches the edge), so a window of k x k tiles decodes k x k tiles.

    No-data: a window whose valid fraction is below ``min_valid_fraction`` is drawn again, up to
    ``max_tries`` windows; then the best one is used and counted (logged at the 1st, 2nd, 4th, ... such
    window). When no drawn window holds a valid pixel, a window is placed on a valid pixel of the
    image's mask (searched on a subsampled mask); an image with no valid pixel is unusable.

    Unusable files (GDAL cannot open or decode them, or no valid pixel) follow ``on_corrupt``: 'skip'
    warns, counts and returns None (mmengine's dataset draws another index); 'raise' raises ``OSError``.
    Configuration errors (a band index out of range, a non-uint8 image without value rule) always raise.

    Args:
        window_size (int | Sequence[int], optional): window (height, width); an int means a square.
            Defaults to None (the whole image).
        bands, value_range, percentiles, nodata: the raster rule (:class:`RasterRule`). Default None.
        min_valid_fraction (float): least share of valid pixels in a window. Defaults to 0.95.
        max_tries (int): windows drawn at most per sample. Defaults to 10.
        on_corrupt (str): 'skip' or 'raise'. Defaults to 'skip'.
        align_windows (bool): align a tiled file's windows to its tiles. Defaults to False.
    """

    def __init__(self,
                 window_size: Union[int, Sequence[int], None] = None,
                 bands: Optional[Sequence[int]] = None,
                 value_range: Optional[Sequence] = None,
                 percentiles: Optional[Sequence[float]] = None,
                 nodata: Optional[float] = None,
                 min_valid_fraction: float = 0.95,
                 max_tries: int = 10,
                 on_corrupt: str = 'skip',
                 align_windows: bool = False) -> None:
        if isinstance(window_size, int):
            window_size = (window_size, window_size)
        if window_size is not None and (len(window_size) != 2 or min(window_size) < 1):
            raise ValueError(f'window_size must be a positive int or (height, width), got {window_size!r}')
        if not 0.0 <= min_valid_fraction <= 1.0:
            raise ValueError(f'min_valid_fraction must be in [0, 1], got {min_valid_fraction!r}')
        if int(max_tries) < 1:
            raise ValueError(f'max_tries must be >= 1, got {max_tries!r}')
        self.window_size = None if window_size is None else tuple(int(s) for s in window_size)
        self.rule = RasterRule(bands=bands, value_range=value_range, percentiles=percentiles, nodata=nodata)
        self.min_valid_fraction = float(min_valid_fraction)
        self.max_tries = int(max_tries)
        self.policy = CorruptFilePolicy(on_corrupt, type(self).__name__)
        self.align_windows = bool(align_windows)
        self.num_below_min = 0

    def _draw_start(self, length: int, window: int, step: int) -> int:
        """Draws a start in [0, length - window], among multiples of ``step`` when aligning."""
        last = length - window
        if not self.align_windows or step <= 1:
            return np.random.randint(0, last + 1)
        starts = list(range(0, last + 1, step))
        if starts[-1] != last:
            starts.append(last)
        return starts[np.random.randint(0, len(starts))]

    def _window_shape(self, raster: RasterFile) -> Tuple[int, int]:
        """The window's (height, width): ``window_size`` clipped to the image, or the whole image."""
        height, width = raster.shape
        if self.window_size is None:
            return height, width
        return min(self.window_size[0], height), min(self.window_size[1], width)

    def _draw_window(self, raster: RasterFile) -> WindowBox:
        """Draws a window's top-left corner."""
        (height, width), (win_h, win_w) = raster.shape, self._window_shape(raster)
        grid = raster.block_shape
        return self._draw_start(height, win_h, grid[0]), self._draw_start(width, win_w, grid[1]), win_h, win_w

    def _window_on_valid_pixel(self, raster: RasterFile, bands: Sequence[int]) -> Optional[WindowBox]:
        """Places a window on a random valid pixel of the subsampled image mask; None if there is none."""
        height, width = raster.shape
        factor = max(1, math.ceil(max(height, width) / MASK_SEARCH_SIZE))
        small, whole = (max(1, height // factor), max(1, width // factor)), (0, 0, height, width)
        valid = self.rule.validity(raster, bands, whole, raster.read(bands, whole, small), small)
        rows, cols = np.nonzero(np.ones(small, bool) if valid is None else valid)
        if rows.size == 0:
            return None
        pick = np.random.randint(rows.size)
        win_h, win_w = self._window_shape(raster)
        top = (rows[pick] + 0.5) * height / valid.shape[0] - win_h / 2
        left = (cols[pick] + 0.5) * width / valid.shape[1] - win_w / 2
        return int(np.clip(top, 0, height - win_h)), int(np.clip(left, 0, width - win_w)), win_h, win_w

    def _read_valid_window(self, raster: RasterFile) -> Optional[Tuple[RulePixels, WindowBox]]:
        """Draws windows until one is valid enough (see the class doc); None when the image has no data."""
        bands = self.rule.band_indices(raster)
        whole = self._window_shape(raster) == raster.shape
        best = None
        for _ in range(1 if whole else self.max_tries):
            box = self._draw_window(raster)
            pixels = self.rule.read(raster, box, bands)
            if best is None or pixels.valid_fraction > best[0].valid_fraction:
                best = pixels, box
            if pixels.valid_fraction >= self.min_valid_fraction:
                return best
        if best[0].valid_fraction == 0 and not whole:
            box = self._window_on_valid_pixel(raster, bands)
            best = (self.rule.read(raster, box, bands), box) if box is not None else best
        if best[0].valid_fraction == 0:
            return None
        self.num_below_min += 1
        if self.num_below_min & (self.num_below_min - 1) == 0:  # 1, 2, 4, 8, ...
            print_log(f'{type(self).__name__}: {raster.path}: the best window drawn has '
                      f'{best[0].valid_fraction:.1%} valid pixels (< min_valid_fraction={self.min_valid_fraction}); '
                      f'{self.num_below_min} such window(s) used so far in this process',
                      logger='current', level=logging.WARNING)
        return best

    def transform(self, results: dict) -> Optional[dict]:
        """Loads the window.

        Args:
            results (dict): must hold ``img_path``.

        Returns:
            dict | None: ``results`` with ``img``, ``img_shape``, ``ori_shape``, ``tile_shape``, ``window``,
            ``valid_fraction``; None for an unusable file under ``on_corrupt='skip'``.
        """
        path = results['img_path']
        try:
            with RasterFile(path) as raster:
                found = self._read_valid_window(raster)
                tile_shape = raster.shape
        except UnreadableRasterError as exc:
            self.policy(path, str(exc))
            return None
        if found is None:
            self.policy(path, 'no valid pixel: every pixel is no-data (nodata value, mask or alpha)')
            return None
        pixels, box = found
        results['img'] = pixels.img
        results['img_shape'] = results['ori_shape'] = pixels.img.shape[:2]
        results['tile_shape'] = tile_shape
        results['window'] = box
        results['valid_fraction'] = pixels.valid_fraction
        return results

    def __repr__(self) -> str:
        rule = ', '.join(f'{key}={value!r}' for key, value in self.rule.to_dict().items())
        return (f'{type(self).__name__}(window_size={self.window_size}, {rule}, '
                f'min_valid_fraction={self.min_valid_fraction}, max_tries={self.max_tries}, '
                f'on_corrupt={self.policy.on_corrupt!r}, align_windows={self.align_windows})')
