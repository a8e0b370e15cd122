"""grass_mm's previous window reader (tifffile, TIFF segments decoded by hand), kept only as the reference
of ``tools/benchmark_data.py``; the package reads rasters with rasterio (``grass_mm.rsi.reader``).

It decodes the TIFF tiles or strips a window overlaps through ``TiffPage.decode``; it reads only what
tifffile decodes without ``imagecodecs`` (none, Deflate, LZMA, PackBits: not LZW, JPEG, ZSTD or WebP).
"""
from pathlib import Path
from typing import Callable, Tuple

import cv2
import numpy as np
import tifffile
from tifffile import TIFF

# (height, width) of the whole image, (height, width) of its storage tiles ((1, 1) when it has none)
# -> (top, left, height, width) of the window to read.
WindowChooser = Callable[[int, int, Tuple[int, int]], Tuple[int, int, int, int]]
# (window array, (height, width) of the whole image, (top, left, height, width) of the window).
WindowRead = Tuple[np.ndarray, Tuple[int, int], Tuple[int, int, int, int]]


def read_tiff_window(path: Path, choose: WindowChooser) -> WindowRead:
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


class TifffileWindowLoader:
    """The previous ``LoadRSIWindow`` for 8-bit 3-band TIFFs: a random window, BGR, as a pipeline callable.

    Args:
        window_size (int): square window side.
        align_windows (bool): offsets on the storage-tile grid (plus the last one reaching the edge).
    """

    def __init__(self, window_size: int, align_windows: bool = False) -> None:
        self.window_size = window_size
        self.align_windows = align_windows

    def _start(self, length: int, window: int, step: int) -> int:
        last = length - window
        if not self.align_windows or step <= 1:
            return np.random.randint(0, last + 1)
        starts = list(range(0, last + 1, step))
        starts += [last] if starts[-1] != last else []
        return starts[np.random.randint(0, len(starts))]

    def _choose(self, height: int, width: int, grid: Tuple[int, int]) -> Tuple[int, int, int, int]:
        win_h, win_w = min(self.window_size, height), min(self.window_size, width)
        return self._start(height, win_h, grid[0]), self._start(width, win_w, grid[1]), win_h, win_w

    def __call__(self, results: dict) -> dict:
        img, tile_shape, window = read_tiff_window(Path(results['img_path']), self._choose)
        results['img'] = cv2.cvtColor(img[..., :3], cv2.COLOR_RGB2BGR)
        results['img_shape'] = results['ori_shape'] = results['img'].shape[:2]
        results['tile_shape'], results['window'] = tile_shape, window
        return results
