"""Checks that the OpenMMLab stack grass_mm needs is installed, and says what to install when it is not."""
from importlib import metadata
from typing import Dict, Iterable, Tuple

from packaging.version import Version

SETUP_HINT = 'run `bash tools/setup_env.sh` (see README), or install the versions in requirements/runtime.txt'

# distribution name -> (import name, lowest supported, first unsupported); the pins sit inside these ranges.
SUPPORTED: Dict[str, Tuple[str, str, str]] = {
    'mmcv': ('mmcv', '2.0.0', '2.2.0'),
    'mmengine': ('mmengine', '0.10.0', '1.0.0'),
    'mmpretrain': ('mmpretrain', '1.2.0', '1.3.0'),
    'mmsegmentation': ('mmseg', '1.2.0', '1.3.0'),
}


def _installed_version(dist: str) -> str:
    """Returns the installed version of ``dist`` or an empty string."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ''


def check_environment(packages: Iterable[str] = tuple(SUPPORTED), need_mmcv_ops: bool = False) -> None:
    """Raises ``ImportError`` with install advice when a host library is missing or of a wrong version.

    Args:
        packages (Iterable[str]): Distribution names to check, keys of ``SUPPORTED``. Defaults to all.
        need_mmcv_ops (bool): Also require full mmcv with compiled ops (mmseg imports ``mmcv.ops``).
            Defaults to False.
    """
    problems = []
    for dist in packages:
        _, low, high = SUPPORTED[dist]
        found = _installed_version(dist)
        if not found:
            if dist == 'mmcv' and _installed_version('mmcv-lite'):
                problems.append('mmcv-lite is installed, but grass_mm needs full mmcv (with compiled ops) '
                                f'>={low},<{high}')
            else:
                problems.append(f'{dist} is not installed (need >={low},<{high})')
        elif not Version(low) <= Version(found) < Version(high):
            problems.append(f'{dist}=={found} is installed, but grass_mm needs {dist}>={low},<{high}')
    if need_mmcv_ops and not problems:
        try:
            import mmcv.ops  # noqa: F401
        except ImportError as err:
            problems.append(f'mmcv has no compiled ops ({err}); mmseg needs full mmcv built with MMCV_WITH_OPS=1')
    if problems:
        raise ImportError('grass_mm: incompatible environment:\n  - ' + '\n  - '.join(problems) +
                          f'\nTo fix it, {SETUP_HINT}.')
