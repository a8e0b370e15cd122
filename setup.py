"""Installs grass_mm, the OpenMMLab plugin for GraSS pretraining on remote-sensing images."""
import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_version() -> str:
    """Returns the version string declared in ``grass_mm/version.py``."""
    text = (HERE / 'grass_mm' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


def read_requirements(name: str) -> list:
    """Returns the package names listed in ``requirements/<name>.txt``.

    The exact pins are applied by ``tools/setup_env.sh``; the package itself only declares what it needs so
    that it installs into an existing OpenMMLab environment too.

    Args:
        name (str): ``runtime``, ``tools`` or ``tests``.

    Returns:
        list[str]: Distribution names.
    """
    names = []
    for line in (HERE / 'requirements' / f'{name}.txt').read_text().splitlines():
        line = line.split('#')[0].strip()
        if line:
            names.append(re.split(r'[=<>!,]', line)[0])
    return names


setup(
    name='grass_mm',
    version=read_version(),
    description='GraSS (gradient guided sampling contrastive pretraining) for OpenMMLab',
    long_description=(HERE / 'README.md').read_text() if (HERE / 'README.md').exists() else '',
    long_description_content_type='text/markdown',
    packages=find_packages(include=('grass_mm', 'grass_mm.*')),
    python_requires='>=3.10',
    install_requires=read_requirements('runtime'),
    # tensorboard: optional visualisation backend (tools/train.py --tensorboard)
    extras_require=dict(tools=read_requirements('tools'), tests=read_requirements('tests'),
                        tensorboard=['tensorboard']),
    license='Apache-2.0',
)
