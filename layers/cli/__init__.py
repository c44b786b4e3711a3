"""Command line: ``kunshan-heatmap demo | build | validate | geocode | convert | embed | assets``.

The top of the stack: it calls the public functions of :mod:`geo` (read, locate, join) and
:mod:`layers` (compose, write); no other module of ``layers`` reads register files.
"""

from __future__ import annotations

import sys
import warnings

from layers.cli.commands import run
from layers.cli.options import parser

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code (0 done, 1 rows rejected by ``validate``, 2 error, 130 interrupted)."""
    args = parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # the project's warnings are UserWarnings
        code = run(args)
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            print(f"kunshan-heatmap: warning: {warning.message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
