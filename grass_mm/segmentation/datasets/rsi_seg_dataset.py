"""A labelled remote-sensing dataset described by a metadata file (users' own data, Dubai, the demo set)."""
import json
from pathlib import Path
from typing import List, Optional, Sequence, Union

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

IMAGE_SUFFIXES = ('.jpg', '.png', '.tif', '.tiff', '.jpeg')


@DATASETS.register_module()
class RSISegDataset(BaseSegDataset):
    """Images, class-index masks, split lists and a ``meta.json``, as in the Dubai aerial set::

        data_root/
          images/<stem>.jpg|png|tif   image
          masks/<stem>.png            uint8 class index per pixel (ignore_index for no-data)
          splits/<split>.txt          one stem per line
          meta.json                   {"classes": [...], "palette": [[r, g, b], ...], "ignore_index": 255}

    ``classes`` and ``palette`` of ``meta.json`` become the dataset's metainfo (a ``metainfo`` argument
    overrides them) and its ``ignore_index`` the dataset's (unless given as an argument). Each split stem
    is resolved to the first existing ``images/<stem><suffix>`` among ``img_suffixes`` and to
    ``masks/<stem><seg_map_suffix>``. Listing only checks that files exist; the mask's size and label
    values are checked when a sample is loaded, by :class:`LoadRSIAnnotations` (the data infos carry
    ``num_classes`` and ``ignore_index`` for it).

    Args:
        data_root (str): dataset folder.
        split (str | Sequence[str]): split name(s) in ``splits/``. Defaults to 'train'.
        meta_file (str): metadata file, relative to ``data_root``. Defaults to 'meta.json'.
        img_dir (str): image folder. Defaults to 'images'.
        ann_dir (str): mask folder. Defaults to 'masks'.
        split_dir (str): split folder. Defaults to 'splits'.
        img_suffixes (Sequence[str]): image suffixes tried in order. Defaults to IMAGE_SUFFIXES.
        seg_map_suffix (str): mask suffix. Defaults to '.png'.
        metainfo (dict, optional): overrides of the metadata. Defaults to None.
        **kwargs: other arguments of mmseg's ``BaseSegDataset`` (``pipeline``, ``test_mode``, ...).

    Raises:
        FileNotFoundError: missing metadata file, split file, image or mask (named in the message).
        ValueError: metadata without classes or with a palette of another length, an empty split file
            or a stem listed twice.
    """

    def __init__(self,
                 data_root: str,
                 split: Union[str, Sequence[str]] = 'train',
                 meta_file: str = 'meta.json',
                 img_dir: str = 'images',
                 ann_dir: str = 'masks',
                 split_dir: str = 'splits',
                 img_suffixes: Sequence[str] = IMAGE_SUFFIXES,
                 seg_map_suffix: str = '.png',
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        self.splits = [split] if isinstance(split, str) else list(split)
        self.split_dir = split_dir
        self.img_suffixes = tuple(img_suffixes)
        meta = self._read_meta(Path(data_root) / meta_file)
        merged = dict(classes=tuple(meta['classes']), palette=[list(c) for c in meta['palette']])
        merged.update(metainfo or {})
        kwargs.setdefault('ignore_index', int(meta.get('ignore_index', 255)))
        super().__init__(data_root=data_root, data_prefix=dict(img_path=img_dir, seg_map_path=ann_dir),
                         seg_map_suffix=seg_map_suffix, metainfo=merged, **kwargs)

    @staticmethod
    def _read_meta(meta_file: Path) -> dict:
        """Reads and checks the metadata file."""
        if not meta_file.is_file():
            raise FileNotFoundError(f'RSISegDataset: metadata file {meta_file} does not exist; expected '
                                    'JSON with "classes", "palette" and optionally "ignore_index"')
        meta = json.loads(meta_file.read_text())
        if not meta.get('classes'):
            raise ValueError(f'RSISegDataset: {meta_file} has no "classes" list')
        if len(meta.get('palette', [])) != len(meta['classes']):
            raise ValueError(f'RSISegDataset: {meta_file} has {len(meta.get("palette", []))} palette '
                             f'colours for {len(meta["classes"])} classes; expected one [r, g, b] per class')
        return meta

    def _read_split(self, split: str) -> List[str]:
        """Returns the stems of one split file."""
        split_file = Path(self.data_root) / self.split_dir / f'{split}.txt'
        if not split_file.is_file():
            raise FileNotFoundError(f'RSISegDataset: split file {split_file} does not exist (split '
                                    f'{split!r}); expected one image stem per line')
        stems = [line.strip() for line in split_file.read_text().splitlines() if line.strip()]
        if not stems:
            raise ValueError(f'RSISegDataset: split file {split_file} is empty; expected one image stem '
                             'per line')
        return stems

    def _find_image(self, stem: str, split: str) -> Path:
        """Returns the image of a stem, trying each suffix."""
        candidates = [Path(self.data_prefix['img_path']) / f'{stem}{s}' for s in self.img_suffixes]
        for path in candidates:
            if path.is_file():
                return path
        raise FileNotFoundError(f'RSISegDataset: no image for stem {stem!r} of split {split!r}; tried '
                                f'{", ".join(str(p) for p in candidates)}')

    def load_data_list(self) -> List[dict]:
        """Lists image/mask pairs of the split(s), in split-file order.

        Returns:
            list[dict]: mmseg data infos, plus ``num_classes`` and ``ignore_index``.
        """
        data_list, seen = [], set()
        for split in self.splits:
            for stem in self._read_split(split):
                if stem in seen:
                    raise ValueError(f'RSISegDataset: stem {stem!r} is listed twice in splits '
                                     f'{self.splits} of {self.data_root}')
                seen.add(stem)
                seg_map = Path(self.data_prefix['seg_map_path']) / f'{stem}{self.seg_map_suffix}'
                if not seg_map.is_file():
                    raise FileNotFoundError(f'RSISegDataset: mask {seg_map} of stem {stem!r} (split '
                                            f'{split!r}) does not exist')
                data_list.append(dict(
                    img_path=str(self._find_image(stem, split)), seg_map_path=str(seg_map),
                    label_map=self.label_map, reduce_zero_label=self.reduce_zero_label, seg_fields=[],
                    num_classes=len(self._metainfo['classes']), ignore_index=self.ignore_index))
        return data_list
