"""The reliability tests build pretraining models and Runners in mmpretrain's scope."""
import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(scope='module', autouse=True)
def mmpretrain_scope():
    """mmpretrain's scope for every fixture and test of a module, whatever scope an earlier test left current."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield
