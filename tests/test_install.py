"""The installable package: a non-editable install holds grass_mm only and imports from outside the repo."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_holds_the_library_only_and_imports_from_outside(tmp_path):
    source = tmp_path / 'source'  # build from a copy: setuptools writes build/ and egg-info beside setup.py
    shutil.copytree(REPO / 'grass_mm', source / 'grass_mm', ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copytree(REPO / 'requirements', source / 'requirements')
    for name in ('setup.py', 'README.md'):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w',
                    str(tmp_path / 'dist'), str(source)], check=True)
    wheel = next((tmp_path / 'dist').glob('grass_mm-*.whl'))
    top_level = {name.split('/')[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {name for name in top_level if not name.endswith('.dist-info')} == {'grass_mm'}
    site = tmp_path / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q', '--target', str(site), str(wheel)],
                   check=True)
    # outside the repository, with the installed copy first on the path (the editable install stays behind it)
    code = 'import grass_mm, grass_mm.pretrain, grass_mm.segmentation; print(grass_mm.__file__)'
    out = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, env={'PYTHONPATH': str(site)}, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == str(site / 'grass_mm' / '__init__.py')
