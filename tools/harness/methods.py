"""The pretraining methods the study tools and the benchmark compare: one table, name -> config and family.

Adding a method is one ``Method`` entry in ``METHODS``: its name becomes a ``--methods`` choice of
``tools/pipeline.py`` and ``tools/study.py`` and a row of ``python -m tools.benchmark methods``. The config is
the method's CPU-size pretraining config (ResNet-18, iteration-based, an ``RSIImageFolder`` of images); the
paper-size ResNet-50 configs live next to it and are listed in the model-zoo README.
"""
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[2]
RANDOM = 'random'


@dataclass(frozen=True)
class Method:
    """One row of the method table.

    Args:
        name (str): The name users type (``--methods NAME``).
        family (str): The self-supervised family the method belongs to, as the comparison table groups them.
        config (str, optional): The CPU-size pretraining config, relative to the repository root; None for
            random initialisation (no pretraining).
    """
    name: str
    family: str
    config: Optional[str]

    @property
    def config_path(self) -> Optional[Path]:
        """The config's absolute path (None for random initialisation)."""
        return None if self.config is None else REPO / self.config


METHODS: Dict[str, Method] = {method.name: method for method in (
    Method('grass', 'contrastive + gradient guided sampling', 'configs/grass/grass_resnet18_cpu_rsi-folder.py'),
    Method('simclr', 'contrastive', 'configs/simclr/simclr_resnet18_cpu_rsi-folder.py'),
    Method('mocov2', 'contrastive', 'configs/mocov2/mocov2_resnet18_cpu_rsi-folder.py'),
    Method('byol', 'siamese / self-distillation', 'configs/byol/byol_resnet18_cpu_rsi-folder.py'),
    Method('simsiam', 'siamese / self-distillation', 'configs/simsiam/simsiam_resnet18_cpu_rsi-folder.py'),
    Method('barlowtwins', 'redundancy reduction', 'configs/barlowtwins/barlowtwins_resnet18_cpu_rsi-folder.py'),
    Method('swav', 'clustering', 'configs/swav/swav_resnet18_cpu_rsi-folder.py'),
    Method('densecl', 'dense contrastive', 'configs/densecl/densecl_resnet18_cpu_rsi-folder.py'),
    Method('mocov3', 'contrastive', 'configs/mocov3/mocov3_resnet18_cpu_rsi-folder.py'),
    Method('grass-mocov2', 'contrastive + gradient guided sampling',
           'configs/grass/grass-mocov2_resnet18_cpu_rsi-folder.py'),
    Method('grass-byol', 'siamese / self-distillation + gradient guided sampling',
           'configs/grass/grass-byol_resnet18_cpu_rsi-folder.py'),
    Method(RANDOM, 'no pretraining', None),
)}


def get_method(name: str) -> Method:
    """Looks a method up by name.

    Args:
        name (str): A method name.

    Returns:
        Method: Its table entry.

    Raises:
        ValueError: If the name is not in the table; the message lists the known names.
    """
    if name not in METHODS:
        raise ValueError(f'unknown method {name!r}; known methods: {", ".join(METHODS)}')
    return METHODS[name]


def pretrain_configs() -> Dict[str, Path]:
    """Method name -> CPU-size pretraining config of every method that pretrains (all but ``random``).

    Returns:
        dict: Name -> absolute config path, in table order.
    """
    return {name: method.config_path for name, method in METHODS.items() if method.config is not None}


def methods_help() -> str:
    """The ``--methods`` help text: every name with its family.

    Returns:
        str: ``'name (family), ...'`` in table order.
    """
    return ', '.join(f'{name} ({method.family})' for name, method in METHODS.items())


def default_pairs(methods: Sequence[str]) -> List[Tuple[str, str]]:
    """The paired differences a study reports: GraSS against SimCLR, each ``grass-<base>`` against its base
    and each method against random initialisation, for the methods that are present.

    Args:
        methods (Sequence[str]): The study's methods.

    Returns:
        list[tuple[str, str]]: ``(a, b)`` pairs, reported as ``a - b``.
    """
    pairs = []
    for method in methods:
        base = 'simclr' if method == 'grass' else method[len('grass-'):] if method.startswith('grass-') else None
        if base in methods:
            pairs.append((method, base))
    return pairs + [(method, RANDOM) for method in methods if method != RANDOM and RANDOM in methods]

