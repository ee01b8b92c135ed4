"""The one file policy: how faqbot replaces files (atomically) and keeps private ones private."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import DataFileError


def write_atomic(path: Path, text: str) -> None:
    """Replace a file in one step. The file keeps its permissions, or gets the usual ones (umask)
    when new: mkstemp's owner-only mode would hide intents from the service that reads them."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when the block completes: written to a temporary
    file in the same folder and renamed over ``path``, so an interrupted run (Ctrl-C, a crash, a
    full disk) never leaves a half file that looks whole. The file is owner-only (0600): it holds
    what patients asked."""
    target = Path(path)
    if target.is_dir():
        raise DataFileError(target, None, "is a directory; give a file name for the output")
    if target.exists() and not target.is_file():
        # A device or a pipe (-o /dev/null, -o /dev/stdout): renaming a file over it would destroy
        # it (as root, /dev/null itself), so it is written as it is.
        with open(target, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    # Through a symbolic link to the file it names: the link stays a link.
    target = Path(os.path.realpath(target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DataFileError(target, None, f"folder {folder} does not exist")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise DataFileError(target, None, f"cannot write here: {exc.strerror or exc}") from None
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
