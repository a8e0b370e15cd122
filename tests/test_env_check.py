"""The version check says what to install when a host library is missing or of a wrong version."""
from unittest import mock

import pytest

from grass_mm import env_check


def test_current_environment_passes():
    env_check.check_environment(need_mmcv_ops=True)


@pytest.mark.parametrize('installed, message', [
    ({'mmcv': '2.2.0'}, r'mmcv==2.2.0 is installed, but grass_mm needs mmcv>=2.0.0,<2.2.0'),
    ({'mmcv': '', 'mmcv-lite': '2.1.0'}, 'mmcv-lite is installed, but grass_mm needs full mmcv'),
    ({'mmsegmentation': ''}, r'mmsegmentation is not installed \(need >=1.2.0,<1.3.0\)'),
])
def test_wrong_versions_are_named_with_the_fix(installed, message):
    real = env_check._installed_version
    with mock.patch.object(env_check, '_installed_version', side_effect=lambda d: installed.get(d, real(d))):
        with pytest.raises(ImportError, match=message) as info:
            env_check.check_environment()
    assert 'tools/setup_env.sh' in str(info.value)
