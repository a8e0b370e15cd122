"""Loads a random window of a remote-sensing image (large tiles need no pre-slicing)."""
import logging
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log
from mmpretrain.registry import TRANSFORMS

from grass_mm.rsi.reader import read_window


@TRANSFORMS.register_module()
class LoadRSIWindow(BaseTransform):
    """Reads a random ``window_size`` window of ``results['img_path']`` as an 8-bit, 3-band BGR image.

    Drop-in replacement for mmcv's ``LoadImageFromFile`` in pretraining pipelines: ``results['img']`` is
    ``(h, w, 3)`` uint8 in BGR order (the data preprocessor's ``to_rgb=True`` turns it to RGB), with
    ``img_shape`` and ``ori_shape`` set to the window's size, ``tile_shape`` to the whole image's size and
    ``window`` to ``(top, left, height, width)``.

    Windows: the top-left corner is drawn uniformly from numpy's global RNG (mmengine seeds it per worker,
    so a seeded run is reproducible). Along an axis where the image is not larger than the window, the
    whole axis is taken: a smaller image is returned whole, neither padded nor resized (the view pipeline's
    RandomResizedCrop brings every sample to the training size). Tiled TIFF/GeoTIFF tiles are read window
    by window (only the overlapping tiles are decoded, see :mod:`grass_mm.rsi.reader`).
    With ``align_windows=True`` a tiled TIFF's window offsets are drawn among multiples of its tile size
    (plus the last offset that reaches the image edge), so a window of k x k tiles decodes exactly k x k
    tiles instead of up to (k + 1) x (k + 1): the windows then are those of a pre-sliced grid whose stride
    is the tile size, at the decoding cost of pre-sliced patches. Other files ignore the option.

    Bands: ``bands`` indexes the file's stored band order (R, G, B for colour PNG/JPEG; as written for
    TIFF, e.g. R, G, B, IR for Potsdam RGBIR, IR, R, G for Vaihingen). The selected three bands become the
    model's R, G, B inputs. By default the first three bands are used and a one-band image is repeated
    three times. A band index outside the image raises ``ValueError`` naming the file and the band count.

    16-bit and float images: with ``value_range=(low, high)`` values map linearly, ``low -> 0`` and
    ``high -> 255``, clipped (the same rule for every window, best when the sensor's range is known);
    without it each band of each window is stretched between its ``percentiles`` (default 2 and 98), a
    per-window contrast normalisation. uint8 images are never rescaled.

    Corrupt files: with ``on_corrupt='skip'`` (default) an unreadable or truncated file logs a warning that
    names it and the number skipped so far in this process, and the transform returns ``None``, so
    mmengine's ``BaseDataset`` draws another index (up to its ``max_refetch``). With ``'raise'`` it raises
    ``OSError`` naming the file. Missing ``imagecodecs`` for LZW/JPEG TIFFs and bad ``bands`` always raise.

    Args:
        window_size (int | Sequence[int], optional): window (height, width); an int means a square.
            Defaults to None (the whole image).
        bands (Sequence[int], optional): three stored-band indices (or one, repeated). Defaults to None.
        value_range (Sequence[float], optional): fixed (low, high) for non-uint8 images. Defaults to None.
        percentiles (Sequence[float]): per-window stretch for non-uint8 images without ``value_range``.
            Defaults to (2.0, 98.0).
        on_corrupt (str): 'skip' or 'raise'. Defaults to 'skip'.
        align_windows (bool): align tiled-TIFF windows to the storage tiles. Defaults to False.
    """

    def __init__(self,
                 window_size: Union[int, Sequence[int], None] = None,
                 bands: Optional[Sequence[int]] = None,
                 value_range: Optional[Sequence[float]] = None,
                 percentiles: Sequence[float] = (2.0, 98.0),
                 on_corrupt: str = 'skip',
                 align_windows: bool = False) -> None:
        if isinstance(window_size, int):
            window_size = (window_size, window_size)
        if window_size is not None and (len(window_size) != 2 or min(window_size) < 1):
            raise ValueError(f'window_size must be a positive int or (height, width), got {window_size!r}')
        if bands is not None and len(bands) not in (1, 3):
            raise ValueError(f'bands must list 1 or 3 band indices, got {bands!r}')
        if value_range is not None and not value_range[1] > value_range[0]:
            raise ValueError(f'value_range must be (low, high) with high > low, got {value_range!r}')
        if on_corrupt not in ('skip', 'raise'):
            raise ValueError(f"on_corrupt must be 'skip' or 'raise', got {on_corrupt!r}")
        self.window_size = None if window_size is None else tuple(int(s) for s in window_size)
        self.bands = None if bands is None else tuple(int(b) for b in bands)
        self.value_range = None if value_range is None else tuple(float(v) for v in value_range)
        self.percentiles = tuple(float(p) for p in percentiles)
        self.on_corrupt = on_corrupt
        self.align_windows = bool(align_windows)
        self.num_corrupt = 0

    def _draw_start(self, length: int, window: int, step: int) -> int:
        """Draws a start in [0, length - window], among multiples of ``step`` when aligning."""
        last = length - window
        if not self.align_windows or step <= 1:
            return np.random.randint(0, last + 1)
        starts = list(range(0, last + 1, step))
        if starts[-1] != last:
            starts.append(last)
        return starts[np.random.randint(0, len(starts))]

    def _choose_window(self, height: int, width: int,
                       grid: Tuple[int, int]) -> Tuple[int, int, int, int]:
        """Draws the window's top-left corner; axes not larger than the window are taken whole."""
        if self.window_size is None:
            return 0, 0, height, width
        win_h, win_w = min(self.window_size[0], height), min(self.window_size[1], width)
        top = self._draw_start(height, win_h, grid[0])
        left = self._draw_start(width, win_w, grid[1])
        return top, left, win_h, win_w

    def _select_bands(self, img: np.ndarray, path: str) -> np.ndarray:
        """Returns the three selected bands (R, G, B order), validating the indices against the image."""
        count = img.shape[2]
        bands = self.bands if self.bands is not None else ((0, ) if count == 1 else (0, 1, 2))
        for band in bands:
            if not -count <= band < count:
                raise ValueError(f'{path}: band index {band} is out of range; the image has {count} '
                                 f'band(s) (valid indices 0..{count - 1}); set LoadRSIWindow(bands=...)')
        if len(bands) == 1:
            bands = bands * 3
        if count == 3 and bands in ((0, 1, 2), (-3, -2, -1)):
            return img
        return img[..., list(bands)]

    def _to_uint8(self, img: np.ndarray) -> np.ndarray:
        """Scales a non-uint8 window to uint8 by the fixed value range or per-band percentiles."""
        if img.dtype == np.uint8:
            return img
        img = img.astype(np.float32)
        if self.value_range is not None:
            low = np.full(img.shape[2], self.value_range[0], np.float32)
            high = np.full(img.shape[2], self.value_range[1], np.float32)
        else:
            low, high = np.percentile(img.reshape(-1, img.shape[2]), self.percentiles, axis=0)
        scale = np.where(high > low, 255.0 / np.maximum(high - low, 1e-12), 0.0)
        return np.clip(np.rint((img - low) * scale), 0, 255).astype(np.uint8)

    def transform(self, results: dict) -> Optional[dict]:
        """Loads the window.

        Args:
            results (dict): must hold ``img_path``.

        Returns:
            dict | None: ``results`` with ``img``, ``img_shape``, ``ori_shape``, ``tile_shape``, ``window``;
            None for a corrupt file under ``on_corrupt='skip'``.
        """
        path = results['img_path']
        try:
            img, tile_shape, window = read_window(path, self._choose_window)
        except OSError as exc:
            if self.on_corrupt == 'raise':
                raise OSError(f'LoadRSIWindow: corrupt or unreadable image {path}: {exc}') from exc
            self.num_corrupt += 1
            print_log(f'LoadRSIWindow: skipping corrupt or unreadable image {path} ({exc}); '
                      f'{self.num_corrupt} skipped so far in this process', logger='current',
                      level=logging.WARNING)
            return None
        img = self._to_uint8(self._select_bands(img, path))
        results['img'] = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)  # a contiguous BGR copy, like mmcv's
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        results['tile_shape'] = tile_shape
        results['window'] = window
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(window_size={self.window_size}, bands={self.bands}, '
                f'value_range={self.value_range}, percentiles={self.percentiles}, '
                f'on_corrupt={self.on_corrupt!r}, align_windows={self.align_windows})')
