"""The one file policy: every file faqbot writes, and the limits of every file it reads.

Writing. Every writer goes through this module (batch and coverage ``-o``, extract, import and init,
the REPL history, the unanswered log), so they all follow the same rules:

- a regular file (or a new one) is replaced in one step: written beside it under a hidden name
  and renamed over it, so an interruption, a crash or a full disk never leaves half a file that
  looks whole;
- a symbolic link stays a link: the file it names is the one replaced, and its mode is kept;
- a device, a FIFO or a socket (``-o /dev/null``, ``-o /dev/stdout``) is written through, never
  replaced and never chmod-ed: renaming a file over ``/dev/null`` as root would destroy it. Files
  read back later (history, the log) refuse a FIFO, which would block them;
- an output that is also an input (the same inode, directly or through a link) is refused before
  anything is read, as is writing into a folder that does not exist;
- files that hold what patients typed (batch output, history, log) are owner-only (0600); intent
  files keep their mode, or get the usual one (umask), because a service must read them;
- every error is a ``DataFileError`` naming the file that actually failed;
- files only faqbot reads back and trusts (the compiled index and its key, matching/cache.py) are
  stricter still: always owner-only, and only a regular file of the user's own, or none, is ever
  replaced there: a link, a device or a FIFO in its place is refused, never followed nor written
  through; the key is created once, whole, and never replaced.

Reading. The limits below hold for regular files, standard input and devices alike (a device's
size is 0 to ``stat``, so they are counted as the bytes arrive, never trusted from metadata).
"""

from __future__ import annotations

import codecs
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import DataFileError

MAX_LINE_BYTES = 1024 * 1024               # one line of a question file or log: a question is far shorter
MAX_TEXT_BYTES = 20 * 1024 * 1024          # a file read whole (YAML, an FAQ table, a review log, a document)
MAX_STREAM_BYTES = 16 * 1024 ** 3          # one streamed batch input (16 GiB: about 200 million questions)
MAX_NESTING = 100                          # JSON/YAML nesting depth; real files use 4

PRIVATE_MODE = 0o600


def describe(mode: int) -> str:
    """What a non-regular file is, in words for a message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _resolved(path: Path) -> Path:
    """The file a path finally names, through every symbolic link (even one to a file not yet made)."""
    return Path(os.path.realpath(path))


def _kind(path: Path, output: bool = True) -> str:
    """'new', 'regular' or 'special' for a path to write; refuses a folder or a missing parent
    (``output`` False: a file appended to, such as history, named in the messages as a file)."""
    real = _resolved(path)
    try:
        # stat the path itself: /dev/stdout -> /proc/self/fd/1 -> "pipe:[...]" resolves to no name
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        folder = real.parent
        if not folder.is_dir():
            raise DataFileError(path, None, f"folder {folder} does not exist" if output
                                else "folder does not exist") from None
        return "new"
    except OSError as exc:
        raise DataFileError(path, None, f"cannot {'write' if output else 'open'}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise DataFileError(path, None, "is a directory; give a file name for the output" if output
                            else "is a directory, not a file")
    if not stat.S_ISREG(mode) or _names_a_descriptor(path):
        return "special"
    return "regular"


def _names_a_descriptor(path: Path) -> bool:
    """Whether the path reaches its file through an open descriptor (/dev/stdout, /dev/fd/N,
    /proc/self/fd/N): that is a stream someone redirected (``> report.txt``, ``>> log``), written
    through, not replaced, or an appending redirection would lose its earlier content."""
    current, seen = os.path.abspath(path), 0
    while seen < 40:
        if current.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(current):
            return False
        target = os.readlink(current)
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
        seen += 1
    return False


def refuse_same_file(path, inputs: Iterable, role: str = "output") -> None:
    """Refuse writing ``path`` when it is one of ``inputs`` (paths or open file descriptors): the
    same inode, so a hard link or a symbolic link is caught too; a path not yet made is compared by
    where it resolves. Writing over an input while reading it loses it (or, appending, never ends)."""
    target = _identity(path)
    if target is None and (isinstance(path, int) or os.path.exists(path)):
        return          # a device or a pipe: two writers of /dev/null do not share data
    real = None if isinstance(path, int) else str(_resolved(Path(path)))
    for source in inputs:
        if source is None or source == "-":
            continue
        same = (target is not None and _identity(source) == target) or (
            real is not None and not isinstance(source, int) and str(_resolved(Path(source))) == real)
        if same:
            shown = f"file descriptor {source}" if isinstance(source, int) else str(source)
            raise DataFileError(path, None, f"the {role} is also an input ({shown}); "
                                            f"write the {role} to another file")


def _identity(source) -> tuple[int, int] | None:
    """(device, inode) of a regular file, or None (missing, or a device: two readers of /dev/null
    are not the same data)."""
    try:
        info = os.fstat(source) if isinstance(source, int) else os.stat(source)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def write_atomic(path, text: str, private: bool = False, inputs: Iterable = (), make_folder: bool = True) -> None:
    """Write ``text`` to ``path`` by the policy above. A replaced file keeps its mode; a new one is
    owner-only when ``private``, else gets the usual mode (umask): mkstemp's owner-only mode would
    hide intents from the service that reads them. ``make_folder`` creates missing folders (an
    intents folder being made); report outputs pass False, so a mistyped folder is an error."""
    if make_folder:
        folder = _resolved(Path(path)).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataFileError(path, None, f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    with atomic_output(path, private=private, inputs=inputs) as out:
        out.write(text)


@contextmanager
def atomic_output(path, private: bool = True, inputs: Iterable = ()) -> Iterator[IO[str]]:
    """A text stream whose content appears at ``path`` only when the block completes (see the
    module's policy); an exception inside the block leaves ``path`` as it was and no temporary file.
    Owner-only by default: batch output holds what patients asked."""
    path = Path(path)
    refuse_same_file(path, inputs)
    kind = _kind(path)
    if kind == "special":
        try:
            # Appending, not truncating: through /dev/stdout a "w" would empty the file that a
            # ">> report.txt" redirection points at; for a device or a FIFO both are the same.
            out = open(path, "a", encoding="utf-8", newline="")
        except OSError as exc:
            raise DataFileError(path, None, f"cannot write: {exc.strerror or exc}") from None
        with _named_errors(path), out:
            yield out
        return
    target = _resolved(path)
    if kind == "regular":
        mode = os.stat(target).st_mode & 0o7777
    else:
        mode = PRIVATE_MODE if private else 0o666 & ~_umask()
    with _replacing(path, target, mode) as out:
        yield out


@contextmanager
def _replacing(path: Path, target: Path, mode: int, binary: bool = False) -> Iterator[IO]:
    """A stream on a hidden temporary file beside ``target`` (mode ``mode``), renamed over it when
    the block completes; on any exception ``target`` is left as it was and the temporary removed.
    Errors name ``path``, the file the user gave."""
    import tempfile   # here, not at the top: most starts write nothing, and it imports random and shutil

    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise DataFileError(path, None, f"cannot write in its folder {target.parent}: "
                                        f"{exc.strerror or exc}") from None
    try:
        with _named_errors(path):
            os.fchmod(fd, mode)
            with (open(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="")) as out:
                yield out
            os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_private_bytes(path, data: bytes) -> None:
    """Replace a file that only faqbot reads back and trusts (a compiled index) with ``data``, in
    one step and owner-only (0600, whatever the old file's mode). Only a regular file the user owns,
    or no file, is replaced: a symbolic link, a device, a FIFO or a folder at ``path`` is refused
    with a DataFileError and left as it is (the caller then does without the file)."""
    path = Path(path)
    _refuse_all_but_own_regular(path)
    with _replacing(path, path, PRIVATE_MODE, binary=True) as out:
        out.write(data)


def create_private_once(path, data: bytes) -> bool:
    """Create ``path`` owner-only holding ``data`` unless it exists: True when this call made it,
    False when it was already there (left untouched, whatever it is). The file appears whole or not
    at all: written under a hidden name, then hard-linked into place, which never replaces anything,
    so two processes creating it together agree on one content and a crash never leaves it short.
    Where hard links are not supported it is created with ``O_EXCL`` instead."""
    import tempfile

    path = Path(path)
    try:
        fd, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise DataFileError(path, None, f"cannot write in its folder {path.parent}: {exc.strerror or exc}") from None
    try:
        with _named_errors(path), open(fd, "wb") as out:     # mkstemp's mode is 0600
            out.write(data)
        try:
            os.link(staged, path, follow_symlinks=False)
            return True
        except FileExistsError:
            return False
        except OSError:
            return _create_exclusive(path, data)
    finally:
        try:
            os.unlink(staged)
        except OSError:
            pass


def _create_exclusive(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_MODE)
    except FileExistsError:
        return False
    except OSError as exc:
        raise DataFileError(path, None, f"cannot write: {exc.strerror or exc}") from None
    with _named_errors(path), os.fdopen(fd, "wb") as out:
        out.write(data)
    return True


def _refuse_all_but_own_regular(path: Path) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DataFileError(path, None, f"cannot write: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise DataFileError(path, None, "is a symbolic link; faqbot's own files are never written through one")
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(path, None, f"is {describe(info.st_mode)}, not a file faqbot wrote; left as it is")
    if info.st_uid != os.getuid():
        raise DataFileError(path, None, "belongs to another user; left as it is")


@contextmanager
def _named_errors(path: Path) -> Iterator[None]:
    """An OSError while writing (a full disk, a quota) as a one-line error naming ``path``."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise DataFileError(path, None, f"cannot write: {exc.strerror or exc}") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def prepare_private_file(path, what: str, inputs: Iterable = ()) -> None:
    """Make ready a file that faqbot appends to and may read back (REPL history, unanswered log).

    A new file is created owner-only; an existing regular file is made owner-only (it holds what
    patients typed), unless it is reached through a symbolic link, whose target is never chmod-ed.
    A device (``/dev/null``) is used as it is. A folder or a FIFO is refused: reading a FIFO back
    would block the prompt. Opened for reading and writing, so a file that could not be read back
    fails here, with one line, rather than later inside the prompt.
    """
    path = Path(path)
    refuse_same_file(path, inputs, what)
    kind = _kind(path, output=False)
    real = _resolved(path)
    if kind == "special":
        mode = os.stat(real).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
            raise DataFileError(path, None, f"is {describe(mode)}; the {what} must be a regular file (or /dev/null)")
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, PRIVATE_MODE)
        try:
            if kind == "regular" and not os.path.islink(path) and os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, PRIVATE_MODE)
        finally:
            os.close(fd)
    except PermissionError:
        raise DataFileError(path, None, "permission denied") from None
    except OSError as exc:
        raise DataFileError(path, None, f"cannot open: {exc.strerror or exc}") from None


def append_private_line(path, line: str) -> None:
    """Append one line (``line`` ends with a newline) to an owner-only file, all or nothing: a write
    cut short (a full disk, a quota) is taken back, so the file never ends in half a record. The
    file is opened for each line and closed again: a crash loses nothing, and a file removed since
    is created again owner-only."""
    path = Path(path)
    data = line.encode("utf-8", "backslashreplace")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, PRIVATE_MODE)
    except OSError as exc:
        raise DataFileError(path, None, f"cannot write: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        regular = stat.S_ISREG(info.st_mode)
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            raise DataFileError(path, None, f"is {describe(info.st_mode)}; it must be a regular file (or /dev/null)")
        before = info.st_size
        written = 0
        try:
            while written < len(data):
                count = os.write(fd, data[written:])
                if count <= 0:
                    raise OSError(28, os.strerror(28))
                written += count
        except OSError as exc:
            if regular and written:
                try:
                    os.ftruncate(fd, before)
                except OSError:
                    pass
            raise DataFileError(path, None, f"cannot write: {exc.strerror or exc}; "
                                            "the line was not logged") from None
    finally:
        os.close(fd)


def open_for_reading(path, streams: bool = True) -> IO[bytes]:
    """A binary stream of ``path`` without blocking on a FIFO that has no writer yet: ``streams``
    False refuses anything but a regular file (files in an intents folder, which a FIFO would hang);
    True accepts FIFOs and devices (``/dev/stdin``, a process substitution), read with the limits."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise unreadable(path, exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise DataFileError(path, None, "is a directory, not a file")
        if not stat.S_ISREG(mode) and not streams:
            raise DataFileError(path, None, f"is {describe(mode)}, not a regular file")
        os.set_blocking(fd, True)
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path, limit: int = MAX_TEXT_BYTES, streams: bool = True) -> bytes:
    """The bytes of a file read whole, at most ``limit``: counted while reading, so a device or a
    pipe without end (/dev/zero) is refused as promptly as a huge regular file."""
    with open_for_reading(path, streams) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise unreadable(path, exc) from None
    if len(data) > limit:
        raise DataFileError(path, None, f"file is larger than {size_text(limit)}")
    return data


def size_text(limit: int) -> str:
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def unreadable(path, exc: OSError) -> DataFileError:
    """The one-line error for a file the system would not let us read."""
    if isinstance(exc, FileNotFoundError):
        return DataFileError(path, None, "no such file")
    if isinstance(exc, PermissionError):
        return DataFileError(path, None, "permission denied")
    if isinstance(exc, IsADirectoryError):
        return DataFileError(path, None, "is a directory, not a file")
    return DataFileError(path, None, f"cannot read: {exc.strerror or exc}")



# Byte-order marks, longest first (UTF-32 LE begins with the UTF-16 LE mark).
BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                    (codecs.BOM_UTF16_BE, "utf-16-be"))
SNIFF_BYTES = 4096         # how much of the start of a file is checked for NUL bytes


def byte_order_mark(head: bytes) -> tuple[str, int]:
    """(encoding, length of its mark) from the first bytes of a file; UTF-8 when there is none."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return encoding, len(mark)
    return "utf-8", 0


def nul_problem(head: bytes, any_nul: bool = True) -> str | None:
    """Why text starting with ``head`` is refused for its NUL bytes, or None. UTF-16 and UTF-32
    without a byte-order mark show as a NUL beside (nearly) every ASCII character; otherwise it is
    binary: with ``any_nul`` (a data file read whole, where no NUL is legitimate) at the first NUL,
    else (a question stream, where a stray NUL is one odd question) when NULs are a tenth of it."""
    nuls = head.count(0)
    if not nuls:
        return None
    sample = head[: len(head) - len(head) % 4]
    if len(sample) >= 8:
        quarter = len(sample) // 4
        zeros = [sample[offset::4].count(0) for offset in range(4)]
        mostly = [count >= 0.9 * quarter for count in zeros]
        rarely = [count <= 0.1 * quarter for count in zeros]
        if sum(mostly) == 3 and sum(rarely) == 1:
            return ("looks like UTF-32 text without a byte-order mark; save it as UTF-8 "
                    "(or UTF-32 with a byte-order mark)")
        even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
        if (even >= 1.2 * quarter and odd <= 0.4 * quarter) or (odd >= 1.2 * quarter and even <= 0.4 * quarter):
            return ("looks like UTF-16 text without a byte-order mark; save it as UTF-8 "
                    "(or UTF-16 with a byte-order mark)")
    if any_nul or (len(head) >= 16 and nuls * 10 >= len(head)):
        return "binary file (contains NUL bytes), expected UTF-8 text"
    return None


def decode_text(data: bytes, path) -> str:
    """Text of a file read whole: UTF-8 (a BOM allowed), or UTF-16/UTF-32 with a byte-order mark;
    NUL bytes and invalid text are refused naming the line."""
    encoding, skip = byte_order_mark(data[:4])
    if encoding == "utf-8":
        nul = data.find(b"\x00")
        if 0 <= nul < SNIFF_BYTES:          # at the start: the file as a whole is not UTF-8 text
            raise DataFileError(path, None, nul_problem(data[:SNIFF_BYTES]))
        if nul >= 0:
            raise DataFileError(path, line_at(data, nul), "NUL byte in the text (binary data?), expected UTF-8 text")
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
        raise DataFileError(path, line_at(data[skip:skip + exc.start].decode(encoding, "replace"), None),
                            f"invalid {name} text") from None
    if "\x00" in text:
        raise DataFileError(path, line_at(text, text.index("\x00")),
                            "binary data (contains NUL characters), expected text")
    return text


def line_at(text, position: int | None) -> int:
    """The line number (from 1; LF, CRLF and CR end lines) at ``position`` of text or bytes (its
    end when None)."""
    before = text if position is None else text[:position]
    lines = len(before.splitlines())
    if before and not before.endswith(("\n", "\r") if isinstance(before, str) else (b"\n", b"\r")):
        lines -= 1
    return lines + 1


def read_text(path, limit: int = MAX_TEXT_BYTES, streams: bool = False) -> str:
    """A text file read whole, within the limits and refusals above, or a DataFileError naming it."""
    return decode_text(read_bounded(path, limit, streams), path)


def stream_lines(raw, name: str, line_limit: int = MAX_LINE_BYTES,
                 total_limit: int = MAX_STREAM_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """(line number, the line's UTF-8 bytes without its line break) for each line of a binary
    stream (or an iterable of byte chunks), streaming, in bounded memory whatever the input.

    Line breaks are LF, CRLF or a lone CR (old Mac exports). A line longer than ``line_limit`` is
    yielded once as None and its bytes skipped; a stream longer than ``total_limit`` stops with a
    DataFileError, so neither a 5 GB line nor an endless device can fill memory. UTF-16/UTF-32
    with a byte-order mark is decoded; NUL bytes at the start (binary data, or UTF-16/32 without
    a mark) refuse the whole stream with the reason; a UTF-8 BOM is dropped.
    """
    chunks = _chunks(raw)
    head = b""
    for chunk in chunks:
        head += chunk
        # Four bytes tell the byte-order mark; with a NUL among them, a few kilobytes tell what the
        # file is (the stream is refused, so waiting for them costs nothing).
        if len(head) >= (SNIFF_BYTES if b"\x00" in head else 4):
            break
    encoding, skip = byte_order_mark(head)
    total = len(head)
    if encoding == "utf-8":
        problem = nul_problem(head[:SNIFF_BYTES], any_nul=False)
        if problem:
            raise DataFileError(name, None, problem)
        first = [head[skip:]]
        utf8 = None
    else:
        decoder = codecs.getincrementaldecoder(encoding)("replace")
        first = [decoder.decode(head[skip:]).encode("utf-8", "surrogatepass")]
        utf8 = decoder

    pending = b""            # the start of the line being read
    skipping = False         # in a line over the limit: drop bytes up to its end
    drop_lf = False          # the last line ended with CR at a chunk's end: a LF next is its CRLF
    number = 0
    seen = total

    def pieces():
        nonlocal seen
        yield from first
        for chunk in chunks:
            seen += len(chunk)
            if seen > total_limit:
                raise DataFileError(name, number + 1, f"input is larger than {size_text(total_limit)}; "
                                                      "split it into smaller files")
            yield utf8.decode(chunk).encode("utf-8", "surrogatepass") if utf8 is not None else chunk
        if utf8 is not None:
            yield utf8.decode(b"", final=True).encode("utf-8", "surrogatepass")

    for data in pieces():
        if not data:
            continue
        if drop_lf:
            drop_lf = False
            if data.startswith(b"\n"):
                data = data[1:]
        if skipping:
            cut = _first_break(data)
            if cut < 0:
                continue
            skipping = False
            if data[cut] == 0x0D:
                if cut + 1 == len(data):
                    drop_lf = True
                elif data[cut + 1] == 0x0A:
                    cut += 1
            data = data[cut + 1:]
        lines = (pending + data).splitlines(keepends=True)
        pending = b""
        if lines and not lines[-1].endswith(b"\n"):
            pending = lines.pop()         # unfinished (a CR may be the first half of a CRLF)
        for line in lines:
            number += 1
            content = _without_break(line)
            yield number, (None if len(content) > line_limit else content)
        if len(_without_break(pending)) > line_limit:
            number += 1
            yield number, None
            skipping, drop_lf = not pending.endswith(b"\r"), pending.endswith(b"\r")
            pending = b""
    if pending:
        number += 1
        content = _without_break(pending)
        yield number, (None if len(content) > line_limit else content)


def _chunks(raw) -> Iterator[bytes]:
    """Byte chunks of a binary stream as they arrive (``read1`` does not wait for a full block, so
    questions piped in one at a time are answered one at a time), or of an iterable of bytes."""
    if hasattr(raw, "read"):
        read = getattr(raw, "read1", raw.read)
        while True:
            chunk = read(64 * 1024)
            if not chunk:
                return
            yield chunk
    else:
        for chunk in raw:
            if chunk:
                yield chunk


def _first_break(data: bytes) -> int:
    positions = [p for p in (data.find(b"\n"), data.find(b"\r")) if p >= 0]
    return min(positions) if positions else -1


def _without_break(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith((b"\n", b"\r")):
        return line[:-1]
    return line
