"""mmseg hooks of grass_mm."""
from .pretrained_keys_check_hook import PretrainedKeysCheckHook

__all__ = ['PretrainedKeysCheckHook']
