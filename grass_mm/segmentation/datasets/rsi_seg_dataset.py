"""A labelled remote-sensing dataset described by a metadata file (users' own data, Dubai, the demo set)."""
import os.path as osp
from typing import List, Optional, Sequence, Union

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from grass_mm.rsi.layout import (
    IMAGE_DIR,
    IMAGE_EXTENSIONS,
    MASK_DIR,
    MASK_SUFFIX,
    META_FILE,
    SPLIT_DIR,
    find_image,
    image_candidates,
    read_meta,
    read_split,
)


@DATASETS.register_module()
class RSISegDataset(BaseSegDataset):
    """Images, class-index masks, split lists and a ``meta.json``, as in the Dubai aerial set::

        data_root/
          images/<stem>.png|jpg|tif   image
          masks/<stem>.png            uint8 class index per pixel (ignore_index for no-data)
          splits/<split>.txt          one stem per line
          meta.json                   {"classes": [...], "palette": [[r, g, b], ...], "ignore_index": 255}

    (the layout of :mod:`grass_mm.rsi.layout`). ``classes`` and ``palette`` of ``meta.json`` become the
    dataset's metainfo (a ``metainfo`` argument overrides them) and its ``ignore_index`` the dataset's
    (unless given as an argument). Each split file is listed by mmseg's ``BaseSegDataset`` (as its
    ``ann_file``); a stem's image is the first existing ``images/<stem><suffix>`` among ``img_suffixes``
    and its mask ``masks/<stem><seg_map_suffix>``. Listing only checks that files exist; the mask's size
    and label values are checked when a sample is loaded, by :class:`LoadRSIAnnotations` (the data infos
    carry ``num_classes`` and ``ignore_index`` for it).

    Args:
        data_root (str): dataset folder.
        split (str | Sequence[str]): split name(s) in ``splits/``. Defaults to 'train'.
        meta_file (str): metadata file, relative to ``data_root``. Defaults to 'meta.json'.
        img_dir (str): image folder. Defaults to 'images'.
        ann_dir (str): mask folder. Defaults to 'masks'.
        split_dir (str): split folder. Defaults to 'splits'.
        img_suffixes (Sequence[str]): image suffixes tried in order. Defaults to IMAGE_EXTENSIONS.
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
                 meta_file: str = META_FILE,
                 img_dir: str = IMAGE_DIR,
                 ann_dir: str = MASK_DIR,
                 split_dir: str = SPLIT_DIR,
                 img_suffixes: Sequence[str] = IMAGE_EXTENSIONS,
                 seg_map_suffix: str = MASK_SUFFIX,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        self.splits = [split] if isinstance(split, str) else list(split)
        self.split_dir = split_dir
        self.img_suffixes = tuple(img_suffixes)
        self.meta_file = osp.join(data_root, meta_file)  # named by NumClassesCheckHook's errors
        try:
            meta = read_meta(self.meta_file)
        except (FileNotFoundError, ValueError) as error:
            raise type(error)(f'RSISegDataset: {error}') from error
        merged = dict(classes=tuple(meta['classes']))
        if 'palette' in meta:  # else mmseg draws one
            merged['palette'] = [list(c) for c in meta['palette']]
        merged.update(metainfo or {})
        kwargs.setdefault('ignore_index', int(meta['ignore_index']))
        super().__init__(data_root=data_root, data_prefix=dict(img_path=img_dir, seg_map_path=ann_dir),
                         img_suffix='', seg_map_suffix=seg_map_suffix, metainfo=merged, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Lists image/mask pairs of the split(s), in split-file order.

        Returns:
            list[dict]: mmseg data infos, plus ``num_classes`` and ``ignore_index``.
        """
        data_list, seen = [], set()
        for split in self.splits:
            split_file = osp.join(self.data_root, self.split_dir, f'{split}.txt')
            try:
                read_split(split_file)  # named errors for a missing or empty split file
            except (FileNotFoundError, ValueError) as error:
                raise type(error)(f'RSISegDataset: {error} (split {split!r})') from error
            self.ann_file = split_file
            for info in super().load_data_list():  # img_suffix '': img_path is images/<stem>
                stem = osp.relpath(info['img_path'], self.data_prefix['img_path'])
                if stem == '.':
                    continue  # a blank line of the split file
                if stem in seen:
                    raise ValueError(f'RSISegDataset: stem {stem!r} is listed twice in splits {self.splits} of '
                                     f'{self.data_root}')
                seen.add(stem)
                image = find_image(self.data_prefix['img_path'], stem, self.img_suffixes)
                if image is None:
                    tried = ', '.join(str(p) for p in image_candidates(self.data_prefix['img_path'], stem,
                                                                       self.img_suffixes))
                    raise FileNotFoundError(f'RSISegDataset: no image for stem {stem!r} of split {split!r}; '
                                            f'tried {tried}')
                if not osp.isfile(info['seg_map_path']):
                    raise FileNotFoundError(f'RSISegDataset: mask {info["seg_map_path"]} of stem {stem!r} '
                                            f'(split {split!r}) does not exist')
                info.update(img_path=str(image), num_classes=len(self._metainfo['classes']),
                            ignore_index=self.ignore_index)
                data_list.append(info)
        return data_list
