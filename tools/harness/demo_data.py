"""Renders a small, deterministic, RSI-like labelled data set: the quickstart's default data.

The layout is the one of the real Dubai aerial set (``images/``, ``masks/``, ``splits/``, ``meta.json``),
so the generic labelled RSI dataset and the unlabeled folder dataset read both. Scenes are synthetic aerial
views: textured bare land, a water body, vegetation blobs, roads with lane marks, buildings with shaded
roofs and cast shadows, cars on the roads, and in some scenes a black no-data corner (label 255).
Rendering uses only numpy and OpenCV (no mmseg, no torch) and depends only on the arguments.
"""
import json
from pathlib import Path
from typing import Dict, List

import cv2
import numpy as np

from grass_mm.rsi.layout import IMAGE_DIR, MASK_DIR, MASK_SUFFIX, META_FILE, SPLIT_DIR

CLASSES = ('land', 'building', 'road', 'vegetation', 'water', 'car')
PALETTE = ((222, 184, 135), (220, 20, 60), (128, 128, 128), (34, 139, 34), (30, 144, 255), (255, 215, 0))
IGNORE_INDEX = 255
RENDER_VERSION = 1
LAND, BUILDING, ROAD, VEGETATION, WATER, CAR = range(6)


def _smooth_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Returns a size x size field in [0, 1] of bicubically upsampled random values."""
    grid = rng.random((cells + 3, cells + 3)).astype(np.float32)
    field = cv2.resize(grid, (size + 3 * size // cells, ) * 2, interpolation=cv2.INTER_CUBIC)
    offset = size // cells
    field = field[offset:offset + size, offset:offset + size]
    return (field - field.min()) / max(float(field.max() - field.min()), 1e-6)


def _paint(img: np.ndarray, region: np.ndarray, rgb, rng: np.random.Generator, grain: float) -> None:
    """Fills ``region`` of ``img`` with a colour plus per-pixel grain."""
    count = int(region.sum())
    noise = rng.normal(0.0, grain, (count, 1)).astype(np.float32)
    img[region] = np.asarray(rgb, np.float32) * (1.0 + noise)


def _render_scene(rng: np.random.Generator, size: int) -> tuple:
    """Renders one scene; returns (RGB uint8 image, uint8 mask)."""
    mask = np.full((size, size), LAND, np.uint8)
    img = np.zeros((size, size, 3), np.float32)
    land_tone = np.array([196, 172, 136]) * (0.85 + 0.3 * rng.random())
    img[:] = land_tone * (0.8 + 0.4 * _smooth_noise(rng, size, 6))[..., None]
    img *= 1.0 + rng.normal(0.0, 0.04, (size, size, 1)).astype(np.float32)
    if rng.random() < 0.7:
        water = _smooth_noise(rng, size, 3) > 0.72
        mask[water] = WATER
        _paint(img, water, (40, 90 + 40 * rng.random(), 140), rng, 0.03)
    vegetation = (_smooth_noise(rng, size, 8) > 0.7) & (mask == LAND)
    mask[vegetation] = VEGETATION
    _paint(img, vegetation, (60, 110 + 30 * rng.random(), 50), rng, 0.12)
    roads, lanes = np.zeros((size, size), np.uint8), np.zeros((size, size), np.uint8)
    for _ in range(rng.integers(1, 4)):
        angle, offset = rng.uniform(0, np.pi), rng.uniform(-0.3, 0.3) * size
        direction = np.array([np.cos(angle), np.sin(angle)])
        centre = size / 2 + offset * np.array([-direction[1], direction[0]])
        ends = [tuple(int(v) for v in centre + s * 1.5 * size * direction) for s in (-1, 1)]
        cv2.line(roads, ends[0], ends[1], 1, int(rng.integers(10, 20)))
        cv2.line(lanes, ends[0], ends[1], 1, 1)
    roads = roads.astype(bool)
    mask[roads] = ROAD
    _paint(img, roads, (105, 105, 110), rng, 0.05)
    img[roads & lanes.astype(bool)] = (235, 235, 225)
    for _ in range(rng.integers(4, 12)):
        h, w = rng.integers(14, 40, 2)
        top, left = rng.integers(0, size - h), rng.integers(0, size - w)
        if (mask[top:top + h, left:left + w] != LAND).mean() > 0.2:
            continue
        shade = (0.6 + 0.4 * rng.random()) * np.array(
            [(230, 230, 225), (180, 90, 70), (150, 150, 160)][rng.integers(0, 3)])
        shadow = (slice(top + 4, min(top + h + 4, size)), slice(left + 4, min(left + w + 4, size)))
        img[shadow] *= np.where((mask[shadow] == LAND)[..., None], 0.55, 1.0)
        mask[top:top + h, left:left + w] = BUILDING
        img[top:top + h, left:left + w] = shade
        img[top:top + h // 2, left:left + w] *= 0.8  # the sun-facing and the shaded roof half
    road_pixels = np.argwhere(mask == ROAD)
    for index in rng.integers(0, max(len(road_pixels), 1), rng.integers(2, 8) * (len(road_pixels) > 0)):
        y, x = road_pixels[index]
        car = (slice(y, y + 4), slice(x, x + 7)) if rng.random() < 0.5 else (slice(y, y + 7), slice(x, x + 4))
        mask[car] = CAR
        img[car] = rng.integers(20, 250, 3)
    img = cv2.GaussianBlur(img, (3, 3), 0.7)
    if rng.random() < 0.25:
        corner = np.add.outer(np.arange(size), np.arange(size)) < rng.integers(size // 6, size // 3)
        img[corner], mask[corner] = 0, IGNORE_INDEX
    return np.clip(img, 0, 255).astype(np.uint8), mask


def _is_complete(root: Path, params: Dict) -> bool:
    """Returns whether ``root`` already holds a full render with these parameters."""
    meta_file = root / META_FILE
    if not meta_file.is_file():
        return False
    meta = json.loads(meta_file.read_text())
    if meta.get('demo') != params:
        raise FileExistsError(f'{root} holds a demo render with other parameters ({meta.get("demo")}); '
                              f'wanted {params}: choose another folder or delete this one')
    stems = [line for split in ('train', 'val') for line in (root / SPLIT_DIR / f'{split}.txt')
             .read_text().split()] if (root / SPLIT_DIR).is_dir() else []
    return len(stems) == params['num_train'] + params['num_val'] and all(
        (root / IMAGE_DIR / f'{s}.png').is_file() and (root / MASK_DIR / f'{s}{MASK_SUFFIX}').is_file()
        for s in stems)


def render_demo_dataset(root, num_train: int = 36, num_val: int = 12, size: int = 256,
                        seed: int = 0) -> Path:
    """Renders the demo data set into ``root``, or does nothing when a complete render is there.

    Args:
        root (str | Path): output folder (created).
        num_train (int): training scenes. Defaults to 36.
        num_val (int): validation scenes. Defaults to 12.
        size (int): scene side in pixels. Defaults to 256.
        seed (int): random seed; the same arguments give byte-identical files. Defaults to 0.

    Returns:
        Path: ``root``.
    """
    root = Path(root)
    params = dict(num_train=num_train, num_val=num_val, size=size, seed=seed, version=RENDER_VERSION)
    if num_train < 1 or num_val < 1 or size < 64:
        raise ValueError(f'need num_train >= 1, num_val >= 1 and size >= 64, got {params}')
    if _is_complete(root, params):
        return root
    for sub in (IMAGE_DIR, MASK_DIR, SPLIT_DIR):
        (root / sub).mkdir(parents=True, exist_ok=True)
    stems: List[str] = [f'demo_{i:04d}' for i in range(num_train + num_val)]
    hist = np.zeros(256, np.int64)
    for index, stem in enumerate(stems):
        img, mask = _render_scene(np.random.default_rng([seed, index]), size)
        cv2.imwrite(str(root / IMAGE_DIR / f'{stem}.png'), img[..., ::-1])
        cv2.imwrite(str(root / MASK_DIR / f'{stem}{MASK_SUFFIX}'), mask)
        hist += np.bincount(mask.ravel(), minlength=256)
    (root / SPLIT_DIR / 'train.txt').write_text('\n'.join(stems[:num_train]) + '\n')
    (root / SPLIT_DIR / 'val.txt').write_text('\n'.join(stems[num_train:]) + '\n')
    meta = dict(classes=list(CLASSES), palette=[list(c) for c in PALETTE], ignore_index=IGNORE_INDEX,
                hist={str(k): int(v) for k, v in enumerate(hist) if v}, demo=params)
    (root / META_FILE).write_text(json.dumps(meta, indent=1))  # written last: marks a complete render
    return root
