"""One LoveDA domain (Urban or Rural) at a time, on mmseg's LoveDADataset."""
import os.path as osp
from typing import List

from mmseg.datasets import LoveDADataset
from mmseg.registry import DATASETS


@DATASETS.register_module()
class LoveDADomainDataset(LoveDADataset):
    """LoveDA Urban or LoveDA Rural, kept apart as the GraSS paper trains and evaluates them.

    Reads the tree written by ``tools/dataset_converters/loveda.py``::

        data_root/img_dir/{train,val}/{urban,rural}/<n>.png
        data_root/ann_dir/{train,val}/{urban,rural}/<n>.png

    Classes, palette and ``reduce_zero_label=True`` (mask value 0 is no-data) are mmseg's
    ``LoveDADataset``'s. mmseg's own ``LoveDADataset`` pointed at ``img_dir/train`` still reads both
    domains together (it lists folders recursively). Listing checks that the domain folder exists, is
    not empty and that every image has its mask.

    Args:
        domain (str): 'urban' or 'rural'.
        split (str): 'train' or 'val' (the test split has no public masks). Defaults to 'train'.
        data_root (str): converter output folder. Defaults to 'data/loveda'.
        **kwargs: other arguments of mmseg's ``LoveDADataset``/``BaseSegDataset``.
    """

    DOMAINS = ('urban', 'rural')
    SPLITS = ('train', 'val')

    def __init__(self, domain: str, split: str = 'train', data_root: str = 'data/loveda',
                 **kwargs) -> None:
        domain = domain.lower()
        if domain not in self.DOMAINS:
            raise ValueError(f'LoveDADomainDataset: domain must be one of {self.DOMAINS}, got {domain!r}')
        if split not in self.SPLITS:
            raise ValueError(f'LoveDADomainDataset: split must be one of {self.SPLITS}, got {split!r}')
        self.domain, self.split = domain, split
        kwargs.setdefault('data_prefix', dict(img_path=f'img_dir/{split}/{domain}',
                                              seg_map_path=f'ann_dir/{split}/{domain}'))
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Lists the domain's image/mask pairs (sorted, as mmseg does).

        Returns:
            list[dict]: mmseg data infos.
        """
        img_dir = self.data_prefix['img_path']
        if not osp.isdir(img_dir):
            raise FileNotFoundError(f'LoveDADomainDataset: {img_dir} does not exist; convert Train.zip and '
                                    'Val.zip with tools/dataset_converters/loveda.py')
        data_list = super().load_data_list()
        if not data_list:
            raise ValueError(f'LoveDADomainDataset: no {self.img_suffix} images in {img_dir}')
        for info in data_list:
            if not osp.isfile(info['seg_map_path']):
                raise FileNotFoundError(f'LoveDADomainDataset: mask {info["seg_map_path"]} of image '
                                        f'{info["img_path"]} does not exist')
        return data_list
