"""Labelled remote-sensing datasets (mmseg registries)."""
from .label_fraction import LabelFractionDataset, label_fraction_order
from .loveda_domain import LoveDADomainDataset
from .rsi_seg_dataset import RSISegDataset
from .transforms import LoadRSIAnnotations, LoadRSIImage

__all__ = [
    'LabelFractionDataset', 'label_fraction_order', 'LoveDADomainDataset', 'RSISegDataset',
    'LoadRSIAnnotations', 'LoadRSIImage'
]
