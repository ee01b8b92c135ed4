"""files.py's policy for the files only faqbot reads back and trusts (the compiled index and its
key): replaced in one step and owner-only; a link, a device, a FIFO or a folder in their place
refused and left as it is; the key created whole, once, never replaced."""

from __future__ import annotations

import os
import stat

import pytest

from faqbot import files
from faqbot.errors import DataFileError


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_is_written_owner_only(tmp_path):
    target = tmp_path / "index.bin"
    files.write_private_bytes(target, b"\x00\x01data")
    assert target.read_bytes() == b"\x00\x01data" and mode(target) == 0o600
    assert leftovers(tmp_path) == []


def test_a_replaced_file_becomes_owner_only_whatever_its_mode_was(tmp_path):
    target = tmp_path / "index.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    files.write_private_bytes(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o600


def test_a_link_is_refused_and_its_target_untouched(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"keep")
    link = tmp_path / "index.bin"
    link.symlink_to(elsewhere)
    with pytest.raises(DataFileError, match="symbolic link"):
        files.write_private_bytes(link, b"new")
    assert link.is_symlink() and elsewhere.read_bytes() == b"keep" and leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_a_folder_is_refused_and_left(tmp_path, kind):
    target = tmp_path / "index.bin"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    with pytest.raises(DataFileError, match="left as it is"):
        files.write_private_bytes(target, b"new")
    assert (stat.S_ISFIFO if kind == "fifo" else stat.S_ISDIR)(os.lstat(target).st_mode)


def test_a_device_is_refused_never_replaced(tmp_path):
    before = os.stat("/dev/null")
    with pytest.raises(DataFileError, match="/dev/null: is a device"):
        files.write_private_bytes("/dev/null", b"x")
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "index.bin"
    target.write_bytes(b"old")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(DataFileError, match="index.bin: cannot write: No space left on device"):
        files.write_private_bytes(target, b"new")
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_create_once_makes_the_file_whole_then_never_replaces_it(tmp_path):
    key = tmp_path / "secret"
    assert files.create_private_once(key, b"first") is True
    assert key.read_bytes() == b"first" and mode(key) == 0o600
    assert files.create_private_once(key, b"second") is False
    assert key.read_bytes() == b"first" and leftovers(tmp_path) == []


def test_create_once_leaves_a_link_in_its_place_alone(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"keep")
    key = tmp_path / "secret"
    key.symlink_to(elsewhere)
    assert files.create_private_once(key, b"new") is False
    assert key.is_symlink() and elsewhere.read_bytes() == b"keep"


def test_create_once_without_hard_links_still_creates_it_once(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    key = tmp_path / "secret"
    assert files.create_private_once(key, b"first") is True
    assert files.create_private_once(key, b"second") is False
    assert key.read_bytes() == b"first" and mode(key) == 0o600 and leftovers(tmp_path) == []
