"""Raster files read window by window: GDAL through rasterio, OpenCV for JPEG.

GDAL opens what remote-sensing data comes as: GeoTIFF with any compression (none, Deflate, LZW, JPEG in
YCbCr, ZSTD, WebP, LERC, ...), tiled or striped, BigTIFF, Cloud-Optimized GeoTIFF, JPEG2000 (the driver
of the GDAL bundled in rasterio's wheels), VRT mosaics, PNG. A window read decodes only the storage blocks
the window overlaps. JPEG files are decoded whole by OpenCV and cropped: measured faster than GDAL's JPEG
driver (``python -m tools.benchmark_data``) and the same pixels as mmcv's ``LoadImageFromFile``.

Arrays come back as ``(height, width, bands)`` in the order asked for and the file's dtype. GDAL returns
bands as planes; OpenCV's ``merge`` interleaves them (a numpy transpose of a 512 px, 3-band window costs
about 20 times as much). A file that cannot be opened or decoded raises :class:`UnreadableRasterError`
(an ``OSError``) naming it, so that the loaders can apply their corrupt-file policy.
"""
import contextlib
import warnings
from pathlib import Path
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import rasterio
from rasterio.enums import MaskFlags
from rasterio.errors import NodataShadowWarning, NotGeoreferencedWarning, RasterioError
from rasterio.windows import Window

JPEG_EXTENSIONS = ('.jpg', '.jpeg')
# Do not list the file's folder on open (slow in folders of thousands of tiles); sidecar files such as
# .msk masks and .aux.xml metadata are still found by name.
GDAL_OPTIONS = dict(GDAL_DISABLE_READDIR_ON_OPEN='TRUE')
# (top, left, height, width) of a window inside the image.
WindowBox = Tuple[int, int, int, int]
# dtypes and band counts cv2.merge takes (CV_8U ... CV_64F, CV_CN_MAX)
MERGE_DTYPES = tuple(np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32, np.float64))
MERGE_MAX_BANDS = 512


def interleave(planes: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Returns planes ``(n, h, w)`` as a C-contiguous ``(h, w, len(order))`` image of ``planes[order]``."""
    if planes.dtype in MERGE_DTYPES and len(order) <= MERGE_MAX_BANDS:
        merged = cv2.merge([planes[i] for i in order])
        return merged[..., None] if merged.ndim == 2 else merged
    return np.ascontiguousarray(np.moveaxis(planes[list(order)], 0, 2))


class UnreadableRasterError(OSError):
    """A raster file could not be opened or decoded (damaged, truncated or not a raster)."""


class RasterFile:
    """An open raster file: its size, bands and storage blocks, and reads of windows of chosen bands.

    Use it as a context manager; reads outside the ``with`` block fail. Band indices are 0-based.

    Args:
        path (str | Path): the file.
    """

    def __init__(self, path: Union[str, Path]) -> None:
        self.path = Path(path)
        self._dataset = None
        self._array: Optional[np.ndarray] = None  # a JPEG as OpenCV decodes it (B, G, R for colour)
        self._context = contextlib.ExitStack()

    def __enter__(self) -> 'RasterFile':
        if self.path.suffix.lower() in JPEG_EXTENSIONS:
            flags = cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR
            img = cv2.imdecode(np.fromfile(self.path, dtype=np.uint8), flags) if self.path.is_file() else None
            if img is None:
                raise UnreadableRasterError(f'{self.path}: OpenCV could not decode the JPEG (missing, '
                                            'truncated or not an image)')
            self._array = img[..., None] if img.ndim == 2 else img
            return self
        self._context.enter_context(rasterio.Env(**GDAL_OPTIONS))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', NotGeoreferencedWarning)  # plain TIFF/PNG: no geotransform
                self._dataset = self._context.enter_context(self._call(lambda: rasterio.open(self.path),
                                                                       'cannot open it'))
        except BaseException:
            self._context.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._context.close()
        self._dataset = self._array = None

    def _call(self, read, what: str):
        """Runs a GDAL call, turning any failure into an :class:`UnreadableRasterError` naming the file."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', NodataShadowWarning)  # GDAL's rule, documented in read_validity
                return read()
        except (RasterioError, OSError, ValueError, RuntimeError) as exc:
            raise UnreadableRasterError(f'{self.path}: {what} ({type(exc).__name__}: {exc})') from exc

    @property
    def shape(self) -> Tuple[int, int]:
        """(height, width) of the whole image."""
        if self._array is not None:
            return self._array.shape[:2]
        return self._dataset.height, self._dataset.width

    @property
    def count(self) -> int:
        """Number of bands (an alpha band counts as one)."""
        return self._array.shape[2] if self._array is not None else self._dataset.count

    @property
    def dtype(self) -> np.dtype:
        """The data type of the bands."""
        return self._array.dtype if self._array is not None else np.dtype(self._dataset.dtypes[0])

    @property
    def block_shape(self) -> Tuple[int, int]:
        """(height, width) of the storage tiles; (1, 1) when the file is not tiled (strips, JPEG, PNG)."""
        if self._array is not None:
            return 1, 1
        height, width = self._dataset.block_shapes[0]
        return (height, width) if width < self._dataset.width else (1, 1)

    def read(self, bands: Sequence[int], box: WindowBox,
             out_shape: Optional[Tuple[int, int]] = None) -> np.ndarray:
        """Reads a window of some bands.

        Args:
            bands (Sequence[int]): 0-based band indices, in the order wanted (repeats allowed).
            box (WindowBox): (top, left, height, width), inside the image.
            out_shape (tuple[int, int], optional): (height, width) to read the window at, decimated by
                GDAL (overviews when the file has them). Defaults to None (full resolution).

        Returns:
            np.ndarray: ``(height, width, len(bands))`` in the file's dtype, C-contiguous.
        """
        top, left, height, width = box
        if self._array is not None:
            window = self._array[top:top + height, left:left + width]
            if out_shape is not None:
                window = window[::max(1, height // out_shape[0]), ::max(1, width // out_shape[1])]
            channels = [2 - b if window.shape[2] == 3 else b for b in bands]  # OpenCV's B, G, R
            return window.copy() if channels == [0, 1, 2] else np.ascontiguousarray(window[..., channels])
        unique = sorted(set(bands))  # GDAL reads pixel-interleaved files fastest in stored order
        shape = None if out_shape is None else (len(unique), *out_shape)
        planes = self._call(
            lambda: self._dataset.read([b + 1 for b in unique], window=Window(left, top, width, height),
                                       out_shape=shape), 'cannot decode it')
        return interleave(planes, [unique.index(b) for b in bands])

    def read_validity(self, bands: Sequence[int], box: WindowBox,
                      out_shape: Optional[Tuple[int, int]] = None) -> Optional[np.ndarray]:
        """Reads which pixels of a window hold data, from the file's nodata value, mask or alpha band.

        GDAL's dataset-mask rule over the chosen bands: a pixel is valid when at least one band is valid, so
        a band without nodata value or mask makes every pixel valid. An alpha band has no mask itself, so
        listing it in ``bands`` takes it as data (GDAL writes 4-band 8-bit GeoTIFFs as RGBA by default: an
        R, G, B, NIR file often has its NIR band flagged as alpha, and its NIR is then not used as a mask).

        Args:
            bands (Sequence[int]): 0-based band indices.
            box (WindowBox): (top, left, height, width).
            out_shape (tuple[int, int], optional): decimated (height, width), as :meth:`read`.

        Returns:
            np.ndarray | None: bool ``(height, width)``; None when every pixel is valid by this rule (no
            nodata value, mask or alpha band).
        """
        if self._array is not None:
            return None
        flags = self._dataset.mask_flag_enums
        if any(flags[b] == [MaskFlags.all_valid] for b in bands):
            return None
        top, left, height, width = box
        # one mask serves all bands when it is per dataset (alpha band, internal or .msk mask)
        indexes = [bands[0] + 1] if MaskFlags.per_dataset in flags[bands[0]] else sorted({b + 1 for b in bands})
        shape = None if out_shape is None else (len(indexes), *out_shape)
        masks = self._call(
            lambda: self._dataset.read_masks(indexes, window=Window(left, top, width, height), out_shape=shape),
            'cannot decode its mask')
        return masks.any(axis=0)
