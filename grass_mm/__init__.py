"""grass_mm: GraSS for OpenMMLab (placeholder during setup)."""
from .version import __version__


def check_environment(strict: bool = False) -> None:
    pass
