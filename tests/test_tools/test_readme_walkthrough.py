"""The README's walkthrough names configs and tools that exist, with flags the tools accept."""
import importlib
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def walkthrough_commands() -> list:
    """The `python tools/<name>.py ...` commands of the walkthrough, continuation lines joined."""
    text = (REPO / 'README.md').read_text()
    block = text.split('At CPU size (ResNet-18), as written')[1].split('```bash')[1].split('```')[0]
    variables = {'$DATA': '../shared/data/dubai_aerial', '$WORK': 'work_dirs/walkthrough'}
    commands = []
    for line in block.replace('\\\n', ' ').splitlines():
        if line.startswith('python tools/'):
            for name, value in variables.items():
                line = line.replace(name, value)
            commands.append(shlex.split(line.split('#')[0]))
    return commands


COMMANDS = walkthrough_commands()


def test_the_walkthrough_has_its_steps():
    assert [Path(argv[1]).stem for argv in COMMANDS] == ['train', 'extract_backbone', 'train', 'test']


@pytest.mark.parametrize('argv', COMMANDS, ids=lambda argv: Path(argv[1]).stem)
def test_walkthrough_command_parses(argv):
    tool = importlib.import_module(f'tools.{Path(argv[1]).stem}')
    args = tool.parse_args(argv[2:])
    config = getattr(args, 'config', None)
    if config is not None and config.startswith('configs/'):
        assert (REPO / config).is_file(), config
