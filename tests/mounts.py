"""Small real file systems for the tests of failed writes: a tmpfs of a few pages (disk full) or a read-only one.

Mounting needs root (the CI runs the tests as root); elsewhere the test is skipped, saying why.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest

PAGE = 4096


@contextlib.contextmanager
def tmpfs(folder: Path, *, size: int = 16 * PAGE, readonly: bool = False):
    """Mount a tmpfs of ``size`` bytes (whole pages) on ``folder`` (created), read-only if asked; unmount after."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if readonly else "")
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                              text=True)
    except FileNotFoundError:
        pytest.skip("cannot mount a tmpfs here: no mount command")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root; the CI runs as root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)
