"""Window reads of remote-sensing images: TIFF/GeoTIFF by segments, PNG/JPEG by full decode.

Why tifffile (and not rasterio/GDAL): it is pure Python on top of numpy, already pinned by grass_mm, has no
native GDAL stack to install, and exposes each TIFF segment (tile or strip) through ``TiffPage.dataoffsets``
/ ``databytecounts`` and the public ``TiffPage.decode`` closure, so a window decodes only the segments it
overlaps. For a *tiled* TIFF that is a few tiles per window, independent of the tile size; for a
*strip-organised* TIFF every strip spans the full image width, so a window decodes ``window_height x
image_width`` pixels (a single-strip TIFF decodes the whole image for every window). Uncompressed, Deflate
(zlib), LZMA and PackBits TIFFs decode without extra packages; LZW- or JPEG-compressed TIFFs need the
``imagecodecs`` package, and grass_mm says so with the file name instead of treating the file as corrupt.

Arrays come back as ``(height, width, bands)`` in the file's stored band order (RGB for colour PNG/JPEG).
Reading errors of a damaged file are raised as ``OSError`` naming the file, so that callers can apply a
corrupt-file policy; configuration problems (unsupported compression) are raised as ``RuntimeError``.
"""
from pathlib import Path
from typing import Callable, Tuple

import cv2
import numpy as np
import tifffile
from tifffile import TIFF

TIFF_EXTENSIONS = ('.tif', '.tiff')

# (height, width) of the whole image, (height, width) of its storage tiles ((1, 1) when it has none)
# -> (top, left, height, width) of the window to read.
WindowChooser = Callable[[int, int, Tuple[int, int]], Tuple[int, int, int, int]]
# (window array, (height, width) of the whole image, (top, left, height, width) of the window).
WindowRead = Tuple[np.ndarray, Tuple[int, int], Tuple[int, int, int, int]]


def _read_tiff_window(path: Path, choose: WindowChooser) -> WindowRead:
    """Decodes only the TIFF segments that overlap the chosen window of the first page."""
    with tifffile.TiffFile(path) as tif:
        page = tif.pages.first
        if page.compression not in TIFF.DECOMPRESSORS:
            raise RuntimeError(
                f'{path}: TIFF compression {page.compression!r} cannot be decoded without the '
                "'imagecodecs' package; install it or re-save the tile uncompressed or with Deflate")
        separate, depth, height, width, contig = page.shaped
        if depth != 1:
            raise RuntimeError(f'{path}: volumetric TIFFs (depth {depth}) are not supported')
        if page.is_tiled:
            seg_h, seg_w = page.tilelength, page.tilewidth
        else:
            seg_h, seg_w = min(page.rowsperstrip, height), width
        top, left, win_h, win_w = choose(height, width, (seg_h, seg_w) if page.is_tiled else (1, 1))
        out = np.zeros((separate, win_h, win_w, contig), dtype=page.dtype)
        rows_of_segments = -(-height // seg_h)
        cols_of_segments = -(-width // seg_w)
        decode = page.decode
        fh = tif.filehandle
        for plane in range(separate):
            for seg_row in range(top // seg_h, (top + win_h - 1) // seg_h + 1):
                for seg_col in range(left // seg_w, (left + win_w - 1) // seg_w + 1):
                    index = (plane * rows_of_segments + seg_row) * cols_of_segments + seg_col
                    nbytes = page.databytecounts[index]
                    if nbytes == 0:
                        continue  # sparse segment: stays zero
                    fh.seek(page.dataoffsets[index])
                    data = fh.read(nbytes)
                    segment, (_, _, y0, x0, _), _ = decode(data, index, jpegtables=page.jpegtables)
                    seg = segment[0]
                    ys, ye = max(top, y0), min(top + win_h, y0 + seg.shape[0], height)
                    xs, xe = max(left, x0), min(left + win_w, x0 + seg.shape[1], width)
                    out[plane, ys - top:ye - top, xs - left:xe - left] = \
                        seg[ys - y0:ye - y0, xs - x0:xe - x0]
    window = np.moveaxis(out, 0, 2).reshape(win_h, win_w, separate * contig)
    return window, (height, width), (top, left, win_h, win_w)


def _read_other_window(path: Path, choose: WindowChooser) -> WindowRead:
    """Decodes a PNG/JPEG fully (8 or 16 bit, alpha dropped) and crops the chosen window."""
    img = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_ANYDEPTH | cv2.IMREAD_ANYCOLOR)
    if img is None:
        raise OSError(f'{path}: OpenCV could not decode the image (truncated or not an image)')
    if img.ndim == 2:
        img = img[..., None]
    else:  # OpenCV's BGR(A) -> stored RGB(A) order
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB if img.shape[2] == 3 else cv2.COLOR_BGRA2RGBA)
    height, width = img.shape[:2]
    top, left, win_h, win_w = choose(height, width, (1, 1))
    window = np.ascontiguousarray(img[top:top + win_h, left:left + win_w])
    return window, (height, width), (top, left, win_h, win_w)


def read_window(path, choose: WindowChooser) -> WindowRead:
    """Reads a window of an image without decoding more of a tiled TIFF than the window needs.

    Args:
        path (str | Path): image file (png, jpg, jpeg, tif, tiff).
        choose (WindowChooser): called with the image's (height, width) and its storage tile size
            ((tile height, tile width) for a tiled TIFF, else (1, 1)); returns the window as
            (top, left, height, width), inside the image.

    Returns:
        WindowRead: the window as (h, w, bands) in stored band order and the file's dtype; the
        (height, width) of the whole image; the window as (top, left, height, width).
    """
    path = Path(path)
    reader = _read_tiff_window if path.suffix.lower() in TIFF_EXTENSIONS else _read_other_window
    try:
        return reader(path, choose)
    except (OSError, RuntimeError):
        raise
    except Exception as exc:  # damaged file: tifffile/struct/zlib/numpy errors
        raise OSError(f'{path}: cannot decode image ({type(exc).__name__}: {exc})') from exc
