"""Where an output may go: never onto the file it is made from."""

from __future__ import annotations

import os
from pathlib import Path

from geo.errors import RegisterError

__all__ = ["refuse_input"]


def refuse_input(output: str | Path, source: str | Path) -> None:
    """Refuse an ``output`` that is the input ``source`` itself: the same name, or a path that resolves to it
    (``./``, ``..``, a symlink, a hard link). Both existing: :func:`os.path.samefile`; else the resolved paths.

    Raises
    ------
    RegisterError
        Naming both files.

    >>> refuse_input("parks.html", "parks.csv")  # another file: nothing to say
    >>> refuse_input("parks.csv", "./parks.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.RegisterError: parks.csv: the output would overwrite the input parks.csv; write to another file / ...
    """
    output, source = Path(output), Path(source)
    if output.exists() and source.exists():
        same = os.path.samefile(output, source)
    else:
        same = output.resolve() == source.resolve()
    if same:
        raise RegisterError(f"{output}: the output would overwrite the input {source}; write to another file "
                            f"/ 输出文件会覆盖输入文件 {source}，请写到另一个文件")
