"""What ``tools/train.py`` and ``tools/test.py`` do to a config before building mmengine's Runner.

Both tools load the config with the same checks (:func:`load_config`), choose the work dir the same way as
mmpretrain's and mmseg's tools (:func:`set_work_dir`) and, under ``torchrun`` on a machine without CUDA,
start a gloo process group themselves (:func:`init_cpu_process_group`), since mmengine's launcher calls
``torch.cuda.set_device``.
"""
import os.path as osp
from typing import Any, Dict, Optional

import torch.distributed as dist
from mmengine.config import Config

from .config_check import check_cfg_options, check_config_types
from .config_settings import check_settings, set_data_root, sync_settings


def load_config(path: str, cfg_options: Optional[Dict[str, Any]] = None, data_root: Optional[str] = None) -> Config:
    """Loads a config file, sets the data root, merges ``--cfg-options`` and checks the result.

    Checks, each naming the key: the file's top-level settings agree with the dicts that use them
    (:func:`~grass_mm.utils.config_settings.check_settings`); every option's top-level key is read by the
    Runner (:func:`~grass_mm.utils.config_check.check_cfg_options`); Runner-level values have the right
    type and range (:func:`~grass_mm.utils.config_check.check_config_types`).

    Args:
        path (str): The config file.
        cfg_options (dict, optional): Parsed ``--cfg-options``, merged last. Defaults to None.
        data_root (str, optional): ``--data-root``: the data root of every train/val/test dataset.
            Defaults to None (the config's).

    Returns:
        Config: The merged config.

    Raises:
        FileNotFoundError: If ``path`` is not a file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    check_settings(cfg)
    if data_root is not None:
        set_data_root(cfg, data_root)
    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
        sync_settings(cfg)
    check_config_types(cfg)
    return cfg


def set_work_dir(cfg: Config, config_path: str, work_dir: Optional[str] = None) -> str:
    """Sets ``cfg.work_dir``: the flag, else the config's own, else ``work_dirs/<config name>``.

    Args:
        cfg (Config): The config, changed in place.
        config_path (str): The config file (its name gives the default).
        work_dir (str, optional): ``--work-dir``. Defaults to None.

    Returns:
        str: The work dir.
    """
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs', osp.splitext(osp.basename(config_path))[0])
    return cfg.work_dir


def init_cpu_process_group(cfg: Config) -> None:
    """Starts a gloo process group from torchrun's variables and sets DDP up without device ids.

    Args:
        cfg (Config): The config; its ``model_wrapper_cfg`` gets ``device_ids=None``.
    """
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel', broadcast_buffers=False)
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
