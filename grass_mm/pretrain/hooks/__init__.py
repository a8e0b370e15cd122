"""GraSS hooks (mmpretrain HOOKS registry)."""
from .grass_hook import GraSSHook

__all__ = ['GraSSHook']
