"""tools/publish_model.py: training state dropped, sha256 prefix in the name, weights unchanged."""
import hashlib
import os
import re
from pathlib import Path

import pytest
import torch
from mmengine.logging import MessageHub

from grass_mm.checkpoint import publish_checkpoint
from tools import publish_model

REPO = Path(__file__).resolve().parents[2]


def runner_like_checkpoint(path: Path) -> dict:
    """Saves a small checkpoint with the entries mmengine's Runner writes; returns its state dict."""
    layer = torch.nn.Linear(4, 3)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)
    layer(torch.ones(2, 4)).sum().backward()
    optimizer.step()
    hub = MessageHub('test_publish')
    hub.update_scalar('train/loss', 0.5)
    state = {f'backbone.{key}': value for key, value in layer.state_dict().items()}
    torch.save(dict(meta=dict(iter=3, seed=0), state_dict=state, optimizer=optimizer.state_dict(),
                    message_hub=hub.state_dict(), param_schedulers=[dict(last_epoch=3)]), path)
    return state


def test_publish_drops_training_state_and_names_by_sha(tmp_path):
    state = runner_like_checkpoint(tmp_path / 'iter_3.pth')
    (tmp_path / 'release').mkdir()
    final, dropped = publish_checkpoint(tmp_path / 'iter_3.pth', tmp_path / 'release' / 'grass_r18_demo.pth')

    assert set(dropped) == {'optimizer', 'message_hub', 'param_schedulers'}
    assert re.fullmatch(r'grass_r18_demo-[0-9a-f]{8}\.pth', final.name), final.name
    assert hashlib.sha256(final.read_bytes()).hexdigest()[:8] == final.stem.rsplit('-', 1)[1]
    assert [p.name for p in final.parent.iterdir()] == [final.name]  # no temporary file left
    umask = os.umask(0o022)
    os.umask(umask)
    assert final.stat().st_mode & 0o777 == 0o666 & ~umask  # like open(), not mkstemp's 0600
    published = torch.load(final, weights_only=True)
    assert set(published) == {'meta', 'state_dict'} and published['meta']['iter'] == 3
    assert all(torch.equal(published['state_dict'][k], v) for k, v in state.items())


def test_publish_wraps_a_bare_state_dict_and_cli(tmp_path, capsys):
    torch.save({'conv1.weight': torch.ones(2)}, tmp_path / 'backbone.pth')
    assert publish_model.main([str(tmp_path / 'backbone.pth'), str(tmp_path / 'bb')]) == 0
    final = next(tmp_path.glob('bb-*.pth'))
    assert f'published {final}' in capsys.readouterr().out
    assert torch.equal(torch.load(final, weights_only=True)['state_dict']['conv1.weight'], torch.ones(2))
    assert publish_model.main([str(tmp_path / 'backbone.pth'), str(tmp_path / 'missing' / 'x.pth')]) == 1
    assert 'output folder does not exist' in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match='checkpoint not found'):
        publish_checkpoint(tmp_path / 'nope.pth', tmp_path / 'x.pth')
