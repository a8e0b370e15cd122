"""Shared pytest options and fixtures for grass_mm."""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DUBAI = REPO_ROOT.parent / 'shared' / 'data' / 'dubai_aerial'


def pytest_addoption(parser):
    parser.addoption(
        '--dubai-root',
        default=os.environ.get('GRASS_MM_DUBAI', str(DEFAULT_DUBAI)),
        help='folder of the real Dubai aerial imagery (images/, masks/, splits/, meta.json); '
        'tests that need it skip when it is absent')


@pytest.fixture(scope='session')
def dubai_root(request) -> Path:
    """The real Dubai aerial imagery, read-only; skips the test when it is absent."""
    root = Path(request.config.getoption('--dubai-root'))
    if not (root / 'images').is_dir():
        pytest.skip(f'real imagery not found at {root} (set --dubai-root or GRASS_MM_DUBAI)')
    return root
