"""Unlabeled remote-sensing images from a folder tree, for self-supervised pretraining."""
from pathlib import Path
from typing import List, Union

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from grass_mm.rsi.layout import IMAGE_EXTENSIONS, find_image, is_image_file, list_images


@DATASETS.register_module()
class RSIImageFolder(BaseDataset):
    """Every image under a folder tree (or the ones an ``ann_file`` lists), with no labels.

    The image folder is ``data_root`` joined with ``data_prefix``. Without ``ann_file`` the folder is
    walked recursively (following symlinks); files whose extension (case-insensitive) is one of
    ``.png .jpg .jpeg .tif .tiff .jp2 .vrt`` are listed, sorted by their path relative to the folder, so the
    list is the same on every machine. Other files (``README``, ``.tfw`` world files, ``.aux.xml``, ``.msk``
    masks, ``.ovr`` overviews) and hidden files and folders (names starting with '.') are ignored. A VRT
    and the tiles it mosaics are both listed when they share the folder: point ``data_prefix`` at one.
    With ``ann_file`` (relative to ``data_root``), each non-empty line is one image path relative to the
    image folder, used in the file's order; a line without extension is a stem (as in ``splits/train.txt``
    of the Dubai layout), resolved to the first existing file among the accepted extensions.

    Each data info is ``dict(img_path=...)``; reading, windowing and the corrupt-file policy belong to
    the pipeline (see :class:`LoadRSIWindow`). For large tiles set ``samples_per_image`` so that one
    epoch draws several random windows per tile.

    Args:
        data_root (str): dataset root. Defaults to ''.
        data_prefix (str | dict): image folder relative to ``data_root`` (or ``dict(img_path=...)``).
            Defaults to ''.
        ann_file (str): optional list of image paths, one per line. Defaults to ''.
        samples_per_image (int): how many times each image appears in one epoch. Defaults to 1.
        **kwargs: other arguments of mmpretrain's ``BaseDataset`` (``pipeline``, ``indices``, ...).

    Raises:
        FileNotFoundError: the image folder, the ``ann_file`` or an image it lists does not exist.
        ValueError: the folder is empty or holds no image, or an ``ann_file`` entry is not an image.
    """

    def __init__(self,
                 data_root: str = '',
                 data_prefix: Union[str, dict] = '',
                 ann_file: str = '',
                 samples_per_image: int = 1,
                 **kwargs) -> None:
        if int(samples_per_image) < 1:
            raise ValueError(f'samples_per_image must be >= 1, got {samples_per_image!r}')
        self.samples_per_image = int(samples_per_image)
        super().__init__(ann_file=ann_file, data_root=data_root, data_prefix=data_prefix, **kwargs)

    def _walk(self, root: Path) -> List[str]:
        """Returns the sorted relative paths of the images under ``root``."""
        images, others = list_images(root)
        if not images and not others:
            raise ValueError(f'RSIImageFolder: the image folder {root} is empty; expected image files '
                             f'with extensions {", ".join(IMAGE_EXTENSIONS)}')
        if not images:
            examples = ', '.join(others[:5])
            raise ValueError(f'RSIImageFolder: no images under {root}: expected files with extensions '
                             f'{", ".join(IMAGE_EXTENSIONS)} but found only {len(others)} other '
                             f'file(s), e.g. {examples}')
        return images

    def _read_ann_file(self, root: Path) -> List[str]:
        """Returns the image paths an ``ann_file`` lists, checking that each one is an existing image."""
        ann_file = Path(self.ann_file)
        if not ann_file.is_file():
            raise FileNotFoundError(f'RSIImageFolder: ann_file {ann_file} does not exist')
        entries = []
        for number, line in enumerate(ann_file.read_text().splitlines(), start=1):
            entry = line.strip()
            if not entry:
                continue
            if not Path(entry).suffix:  # a stem, as in the split files of RSISegDataset's layout
                found = find_image(root, entry)
                entry = found.relative_to(root).as_posix() if found else entry + IMAGE_EXTENSIONS[0]
            elif not is_image_file(Path(entry)):
                raise ValueError(f'RSIImageFolder: {ann_file} line {number}: {entry!r} is not an image '
                                 f'(expected extensions {", ".join(IMAGE_EXTENSIONS)})')
            if not (root / entry).is_file():
                raise FileNotFoundError(f'RSIImageFolder: {ann_file} line {number}: image '
                                        f'{root / entry} does not exist')
            entries.append(entry)
        if not entries:
            raise ValueError(f'RSIImageFolder: ann_file {ann_file} lists no images')
        return entries

    def load_data_list(self) -> List[dict]:
        """Lists the images.

        Returns:
            list[dict]: ``dict(img_path=...)`` per image, repeated ``samples_per_image`` times.
        """
        if not self.img_prefix:
            raise ValueError('RSIImageFolder: set data_root (and optionally data_prefix) to the image folder')
        root = Path(self.img_prefix)
        if not root.is_dir():
            raise FileNotFoundError(f'RSIImageFolder: image folder {root} does not exist or is not a '
                                    f'folder (data_root={self.data_root!r})')
        entries = self._read_ann_file(root) if self.ann_file else self._walk(root)
        infos = [dict(img_path=str(root / entry)) for entry in entries]
        return infos * self.samples_per_image

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return super().extra_repr() + [f'Samples per image: \t{self.samples_per_image}']
