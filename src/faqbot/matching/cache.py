"""The compiled index: a folder's loaded and indexed state kept on disk, so a start reads one file
instead of parsing every YAML file and rebuilding the index (77,759 intents: about 60 s of YAML
and indexing became about 1 s of reading).

Never stale: an entry is used only when its fingerprint, taken afresh at every start, matches.
The fingerprint hashes the content (not the dates) of every YAML file the folder holds,
faqbot's version, its own source code and package data and the Python version, so an edited
intent, a new faqbot, a changed tuning number or an edited built-in rule rebuilds it.

Never unpickled unless faqbot wrote it: pickle runs code from the file it reads, so an entry
carries a keyed BLAKE2b MAC over its header and body, with a 32-byte secret created once per
user (``secret``, owner-only, beside the entries). The MAC is checked before any byte is
unpickled; a file that fails it (foreign, tampered, truncated, another user's) is ignored and
rebuilt. The cache folder and its files are owner-only; a folder or secret someone else owns,
or that others may write, disables the cache instead of being trusted.

Where: ``$FAQBOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/faqbot``, else ``~/.cache/faqbot``: never
inside the package (often read-only) nor the intents folder (often shared or versioned). One
entry per folder (named by a hash of its absolute path and of the path as given), replaced on
rebuild, so the cache does not grow with each edit. Nothing here knows what is stored; ``Bot.from_folder`` decides that.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFileError
from ..files import create_private_once, write_private_bytes
from ..yamlfile import gc_paused

MAGIC = b"FAQBOT-INDEX-1\n"
DIGEST = 32
SECRET_BYTES = 32
_CODE_SUFFIXES = (".py", ".txt", ".yaml")   # modules, the word list, package data (code_files)
_HEADER = len(MAGIC) + 2 * DIGEST     # magic, fingerprint, MAC


@dataclass
class Lookup:
    """What reading the cache gave: the stored object, or None and why (for the user's message)."""

    value: object | None
    reason: str          # "hit", "missing", "stale", "rejected", "unavailable"


def cache_folder() -> Path:
    """Where compiled indexes live (see the module docstring)."""
    given = os.environ.get("FAQBOT_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "faqbot"


def folder_files(folder: Path) -> list[Path]:
    """The files a fingerprint covers: every YAML file directly in the folder (intents and the
    reserved files alike), in name order."""
    return [Path(entry.path) for entry in _yaml_entries(folder)]


def folder_bytes(folder: Path) -> int:
    """The size of the files a fingerprint covers, to tell a large folder from a small one
    (one scandir: no per-file stat beyond what the directory listing gives)."""
    return sum(entry.stat().st_size for entry in _yaml_entries(folder))


def _yaml_entries(folder: Path, strict: bool = False) -> list[os.DirEntry]:
    """The folder's YAML files; ``strict``: an OSError for a YAML name that is not a regular file
    (a FIFO, a folder), which loading refuses by name, so that no index stands for that folder."""
    found = []
    with os.scandir(folder) as listing:
        for entry in listing:
            if not entry.name.endswith((".yaml", ".yml")) or entry.name.startswith("."):
                continue
            if entry.is_file():
                found.append(entry)
            elif strict:
                raise OSError(f"{entry.path}: not a regular file")
    return sorted(found, key=lambda entry: entry.name)


def fingerprint(folder: Path) -> bytes:
    """A digest of everything the compiled index depends on; raises OSError when a file cannot be
    read (the caller then loads without the cache, and loading names the file)."""
    digest = hashlib.blake2b(digest_size=DIGEST)
    digest.update(MAGIC + sys.version.encode() + _code_digest())
    for entry in _yaml_entries(folder, strict=True):
        path = Path(entry.path)
        with open(path, "rb") as source:
            data = source.read()
        digest.update(b"\0%s\0%d\0" % (path.name.encode("utf-8", "surrogateescape"), len(data)))
        digest.update(data)
    return digest.digest()


_code: bytes | None = None


def code_files() -> list[Path]:
    """faqbot's own files that shape what is compiled: its modules, its word list and its package
    data (the built-in emergency rules, section kinds and lay terms are YAML: editing
    safety/emergency.yaml must rebuild an index whose triage was built from the old rules)."""
    package = Path(__file__).resolve().parent.parent
    found = []
    # os.walk, not Path.rglob: the same files, listed in a fifth of the time (rglob was a third of
    # every start's fingerprint); like rglob it does not follow a link to a folder.
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [Path(folder, name) for name in names if os.path.splitext(name)[1] in _CODE_SUFFIXES]
    return sorted(path for path in found if path.is_file())


def _code_digest() -> bytes:
    """faqbot's version and the content of its own files (``code_files``: so editing the matcher
    in a checkout cannot leave an index built by the old code), computed once per process."""
    global _code
    if _code is None:
        from .. import __version__

        package = Path(__file__).resolve().parent.parent
        digest = hashlib.blake2b(__version__.encode(), digest_size=DIGEST)
        for path in code_files():
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
        _code = digest.digest()
    return _code


def code_fingerprint(parts: tuple[str, ...] | None = None) -> bytes:
    """A digest of faqbot's code alone (its version, sources, package data and the Python
    version): the fingerprint of an entry that depends on no intent file as a whole, such as what
    ``faqbot check`` remembers (it hashes each file and document itself). ``parts``: only the
    files under these top-level names of the package (folders such as "authoring", modules such
    as "files.py"), for an entry made by those alone; the version counts always."""
    code = _code_digest() if parts is None else _parts_digest(parts)
    return hashlib.blake2b(MAGIC + sys.version.encode() + code, digest_size=DIGEST).digest()


_code_parts: dict[tuple[str, ...], bytes] = {}


def code_files_within(parts: tuple[str, ...]) -> list[Path]:
    """``code_files`` under the given top-level names of the package."""
    package = Path(__file__).resolve().parent.parent
    return [path for path in code_files() if path.relative_to(package).parts[0] in parts]


def _parts_digest(parts: tuple[str, ...]) -> bytes:
    """``_code_digest`` over ``code_files_within(parts)``, computed once per process."""
    if parts not in _code_parts:
        from .. import __version__

        package = Path(__file__).resolve().parent.parent
        digest = hashlib.blake2b(__version__.encode() + b"\0" + "\0".join(parts).encode(), digest_size=DIGEST)
        for path in code_files_within(parts):
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
        _code_parts[parts] = digest.digest()
    return _code_parts[parts]


def entry_path(folder: Path, cache: Path | None = None, kind: str = "index") -> Path:
    """Where the folder's entry of ``kind`` lives: one per folder and kind ("index", the compiled
    Bot; "integrity", what the last check found), replaced on rebuild. And one per spelling of
    the folder's path: what was loaded names its files by the path it was loaded from (a coverage
    report says "intents_folder": "intents" when given "intents"), so "intents" and
    "/srv/bot/intents" keep an entry each rather than one answering with the other's paths."""
    given = Path(folder)
    key = f"{given.resolve()}\0{given}"
    name = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return (cache or cache_folder()) / f"{kind}-{name}.bin"


def load(folder: Path, expected: bytes, kind: str = "index") -> Lookup:
    """The object stored for ``folder`` if its fingerprint is ``expected`` and faqbot wrote it."""
    cache = _private_folder(create=False)
    if cache is None:
        return Lookup(None, "missing")
    secret = _secret(cache, create=False)
    if secret is None:
        return Lookup(None, "missing")
    try:
        data = _read_private(entry_path(folder, cache, kind))
    except FileNotFoundError:
        return Lookup(None, "missing")
    except OSError:
        return Lookup(None, "rejected")
    if data is None or len(data) < _HEADER or not data.startswith(MAGIC):
        return Lookup(None, "rejected")
    view = memoryview(data)
    stored_print = bytes(view[len(MAGIC):len(MAGIC) + DIGEST])
    stored_mac = bytes(view[len(MAGIC) + DIGEST:_HEADER])
    if stored_print != expected:
        return Lookup(None, "stale")
    if not hmac.compare_digest(_mac(secret, stored_print, view[_HEADER:]), stored_mac):
        return Lookup(None, "rejected")
    try:
        with gc_paused():
            return Lookup(pickle.loads(view[_HEADER:]), "hit")
    except Exception:  # noqa: BLE001 - signed by us yet unreadable (an older Python's classes): rebuild
        return Lookup(None, "rejected")


def store(folder: Path, expected: bytes, value: object, kind: str = "index") -> bool:
    """Write ``value`` as the folder's entry, by files.py's policy for faqbot's own files (in one
    step, owner-only, never over a link, a device or another user's file); False when the cache
    cannot be used here (no writable private folder, the value does not pickle, or the entry's
    place holds something faqbot must not replace)."""
    cache = _private_folder(create=True)
    secret = _secret(cache, create=True) if cache is not None else None
    if secret is None:
        return False
    target = entry_path(folder, cache, kind)
    try:
        with gc_paused():
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in the object graph cannot be pickled: no cache, same answers
        return False
    try:
        write_private_bytes(target, MAGIC + expected + _mac(secret, expected, body) + body)
    except DataFileError:
        return False
    return True


def _mac(secret: bytes, printed: bytes, body) -> bytes:
    mac = hashlib.blake2b(key=secret, digest_size=DIGEST)
    mac.update(printed)
    mac.update(body)
    return mac.digest()


def _private_folder(create: bool) -> Path | None:
    """The cache folder if it is ours alone (created 0700 when asked), else None."""
    folder = cache_folder()
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    if info.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            return None
    return folder


def _secret(folder: Path, create: bool) -> bytes | None:
    """The per-user MAC key, created once, whole, and never replaced (files.create_private_once:
    two processes starting together agree on the first one written)."""
    path = folder / "secret"
    if create:
        try:
            create_private_once(path, os.urandom(SECRET_BYTES))
        except DataFileError:
            return None
    try:
        secret = _read_private(path)
    except OSError:
        return None
    return secret if secret is not None and len(secret) == SECRET_BYTES else None


def _read_private(path: Path) -> bytes | None:
    """A regular file's bytes if we own it and nobody else may read or write it, else None.
    Opened without blocking: a FIFO planted in its place is refused, not waited on."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        return source.read()
