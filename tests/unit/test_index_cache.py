"""The compiled index (matching/cache.py via Bot.from_folder): read when its fingerprint
matches, rebuilt when the intents or faqbot change, never unpickled unless faqbot wrote it,
owner-only, and announced when a rebuild is slow or a cache file was refused."""

from __future__ import annotations

import io
import os
import pickle
import stat

import pytest

from faqbot import bot as bot_module
from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.matching import cache as compiled

QUESTION = "how do I brew green tea"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A cache folder of the test's own, and the tiny tea folder treated as a large one."""
    monkeypatch.setattr(bot_module, "CACHE_MIN_BYTES", 1)
    folder = tmp_path / "cache"
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(folder))
    return folder


def entry(folder, cache_dir):
    return compiled.entry_path(folder, cache_dir)


def built_count(monkeypatch) -> list:
    """Counts the Bots built from YAML (not read from the cache)."""
    calls = []
    original = Bot._built.__func__

    def counting(cls, folder):
        calls.append(folder)
        return original(cls, folder)

    monkeypatch.setattr(Bot, "_built", classmethod(counting))
    return calls


def test_the_second_start_reads_the_compiled_index(tea_folder, cache_dir, monkeypatch):
    calls = built_count(monkeypatch)
    first = Bot.from_folder(tea_folder)
    second = Bot.from_folder(tea_folder)
    assert len(calls) == 1
    assert second is not first
    assert second.reply(QUESTION).record() == first.reply(QUESTION).record()


def test_an_edited_intent_is_never_answered_from_a_stale_index(tea_folder, cache_dir, monkeypatch):
    Bot.from_folder(tea_folder)
    path = tea_folder / "tea.yaml"
    path.write_text(path.read_text().replace("two minutes at most", "three minutes at most"))
    calls = built_count(monkeypatch)
    reply = Bot.from_folder(tea_folder).reply(QUESTION)
    assert "three minutes at most" in reply.text and len(calls) == 1


def test_a_new_faqbot_rebuilds_the_index(tea_folder, cache_dir, monkeypatch):
    Bot.from_folder(tea_folder)
    monkeypatch.setattr(compiled, "_code", b"\0" * compiled.DIGEST)   # as if faqbot's code had changed
    calls = built_count(monkeypatch)
    Bot.from_folder(tea_folder)
    assert len(calls) == 1


def test_files_are_owner_only(tea_folder, cache_dir):
    Bot.from_folder(tea_folder)
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache_dir / "secret").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(entry(tea_folder, cache_dir)).st_mode) == 0o600
    assert [p.name for p in cache_dir.iterdir() if p.name.startswith(".")] == []   # no temporary left


class _Planted:
    """Unpickling this runs code: proof that a file was unpickled."""

    def __reduce__(self):
        return (os.mkdir, (os.environ["PLANTED"],))


@pytest.mark.parametrize("forge", ["foreign pickle", "right header, wrong key", "truncated", "garbage"])
def test_a_foreign_or_damaged_cache_is_never_unpickled_and_is_rebuilt(tea_folder, cache_dir, tmp_path,
                                                                      monkeypatch, forge):
    Bot.from_folder(tea_folder)
    target = entry(tea_folder, cache_dir)
    good = target.read_bytes()
    planted = tmp_path / "planted"
    monkeypatch.setenv("PLANTED", str(planted))
    evil = pickle.dumps(_Planted())
    header = compiled.MAGIC + compiled.fingerprint(tea_folder)
    forged = {"foreign pickle": evil,
              "right header, wrong key": header + compiled._mac(b"k" * 32, header[len(compiled.MAGIC):], evil) + evil,
              "truncated": good[:-10],
              "garbage": os.urandom(200)}[forge]
    target.write_bytes(forged)
    os.chmod(target, 0o600)
    messages = []
    calls = built_count(monkeypatch)
    bot = Bot.from_folder(tea_folder, notify=messages.append)
    assert not planted.exists()
    assert len(calls) == 1 and "three" not in bot.reply(QUESTION).text
    assert messages == [f"ignored the compiled index of {tea_folder}: it is damaged or faqbot did not write it; "
                        "rebuilding it from the intents"]
    assert target.read_bytes().startswith(header)          # rewritten, and read from now on
    calls.clear()
    Bot.from_folder(tea_folder)
    assert calls == []


def test_a_cache_others_may_write_is_not_trusted(tea_folder, cache_dir, monkeypatch):
    Bot.from_folder(tea_folder)
    os.chmod(entry(tea_folder, cache_dir), 0o666)
    calls = built_count(monkeypatch)
    Bot.from_folder(tea_folder)
    assert len(calls) == 1


def test_a_cache_folder_others_may_write_disables_the_cache(tea_folder, cache_dir, monkeypatch):
    cache_dir.mkdir()
    os.chmod(cache_dir, 0o777)
    calls = built_count(monkeypatch)
    Bot.from_folder(tea_folder)
    Bot.from_folder(tea_folder)
    assert len(calls) == 2 and list(cache_dir.iterdir()) == []


def test_the_cache_can_be_turned_off(tea_folder, cache_dir, monkeypatch):
    monkeypatch.setenv("FAQBOT_CACHE", "0")
    Bot.from_folder(tea_folder)
    assert not cache_dir.exists()


def test_an_unwritable_cache_location_still_answers(tea_folder, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(blocker / "cache"))
    assert Bot.from_folder(tea_folder).reply(QUESTION).status == "answered"


def test_a_broken_folder_is_reported_whatever_the_cache_holds(tea_folder, cache_dir):
    from faqbot.errors import DataFileError

    Bot.from_folder(tea_folder)
    (tea_folder / "tea.yaml").write_text("intents: [\n")
    with pytest.raises(DataFileError, match="tea.yaml"):
        Bot.from_folder(tea_folder)


def test_a_slow_rebuild_is_announced_on_the_command_line(tea_folder, cache_dir, monkeypatch):
    def ask():
        out, err = io.StringIO(), io.StringIO()
        status = main(["--intents", str(tea_folder), "ask", QUESTION], stdout=out, stderr=err)
        return status, out.getvalue(), err.getvalue()

    folder = f"faqbot: intents folder: {tea_folder} (--intents)\n"
    status, out, err = ask()
    assert status == 0 and "Brew it gently" in out
    assert err == (f"faqbot: building the compiled index of {tea_folder} (none was built yet); the next start reads it\n"
                   + folder)
    assert ask()[2] == folder                                   # read from the cache: nothing more to say
    (tea_folder / "tea.yaml").write_text((tea_folder / "tea.yaml").read_text() + "\n# edited\n")
    assert ask()[2] == (f"faqbot: building the compiled index of {tea_folder} (the intents or faqbot changed "
                        "since it was built); the next start reads it\n" + folder)


def test_a_small_folder_is_never_cached(tea_folder, cache_dir, monkeypatch):
    monkeypatch.setattr(bot_module, "CACHE_MIN_BYTES", 1024 * 1024)
    messages = []
    Bot.from_folder(tea_folder, notify=messages.append)
    assert messages == [] and not cache_dir.exists()
