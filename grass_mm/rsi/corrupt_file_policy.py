"""One policy for image files a loader cannot use: skip them (warn and count) or raise."""
import logging
from pathlib import Path
from typing import Union

from mmengine.logging import print_log

ON_CORRUPT = ('skip', 'raise')


class CorruptFilePolicy:
    """Applies ``on_corrupt`` to a file that cannot be opened or decoded, or holds no valid pixel.

    ``'skip'`` logs a warning naming the file, the reason and the number of files skipped so far by this
    loader in this process, and lets the loader return None: mmengine's ``BaseDataset`` then draws another
    index (up to its ``max_refetch``), so a long run goes on. ``'raise'`` raises ``OSError`` naming the
    file. Configuration errors (bands, value rule) are never handled here: they always raise.

    Args:
        on_corrupt (str): 'skip' or 'raise'.
        owner (str): the loader's name, for the messages.
    """

    def __init__(self, on_corrupt: str, owner: str) -> None:
        if on_corrupt not in ON_CORRUPT:
            raise ValueError(f'on_corrupt must be one of {ON_CORRUPT}, got {on_corrupt!r}')
        self.on_corrupt = on_corrupt
        self.owner = owner
        self.num_skipped = 0

    def __call__(self, path: Union[str, Path], reason: str) -> None:
        """Skips (warns and counts) or raises.

        Args:
            path (str | Path): the file.
            reason (str): what is wrong with it.

        Raises:
            OSError: under ``on_corrupt='raise'``.
        """
        if self.on_corrupt == 'raise':
            raise OSError(f'{self.owner}: unusable image {path}: {reason}')
        self.num_skipped += 1
        print_log(f'{self.owner}: skipping unusable image {path} ({reason}); {self.num_skipped} skipped so far '
                  'in this process', logger='current', level=logging.WARNING)
