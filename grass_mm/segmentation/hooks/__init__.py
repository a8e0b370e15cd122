"""mmseg hooks of grass_mm."""
from .num_classes_check_hook import NumClassesCheckHook
from .pretrained_keys_check_hook import PretrainedKeysCheckHook

__all__ = ['NumClassesCheckHook', 'PretrainedKeysCheckHook']
