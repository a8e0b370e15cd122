"""Every tool answers --help with its usage and exit status 0 (Python tools as `python -m tools.<name>`)."""
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / 'tools'
PYTHON_TOOLS = sorted(p for folder in (TOOLS, TOOLS / 'dataset_converters') for p in folder.glob('*.py')
                      if p.name != '__init__.py')
SHELL_TOOLS = sorted(TOOLS.glob('*.sh'))


def module_name(path: Path) -> str:
    return '.'.join(path.relative_to(TOOLS.parent).with_suffix('').parts)


@pytest.mark.parametrize('path', PYTHON_TOOLS, ids=module_name)
@pytest.mark.filterwarnings('ignore:.*found in sys.modules after import of package:RuntimeWarning')  # run twice
def test_python_tool_help(path, monkeypatch, capsys):
    name = module_name(path)
    monkeypatch.setattr(sys, 'argv', [name, '--help'])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module(name, run_name='__main__')
    assert exit_info.value.code in (0, None)
    assert capsys.readouterr().out.startswith('usage:')


@pytest.mark.parametrize('path', SHELL_TOOLS, ids=lambda p: p.name)
def test_shell_tool_help(path):
    proc = subprocess.run(['bash', str(path), '--help'], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() and not proc.stderr
    # nothing was started: the usage text only
    assert 'usage:' in proc.stdout or path.name == 'setup_env.sh'
