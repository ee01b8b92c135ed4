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
    """A cache folder of the test's own, and the tiny tea folder treated as a large one (whose
    rebuilds are announced)."""
    monkeypatch.setattr(bot_module, "LARGE_FOLDER_BYTES", 1)
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


def test_a_small_folder_is_cached_without_a_word(tea_folder, cache_dir, monkeypatch):
    """A small folder's index is built too quickly for a message: the start says nothing more,
    and the next one reads the index all the same."""
    monkeypatch.setattr(bot_module, "LARGE_FOLDER_BYTES", 1024 * 1024)
    messages = []
    first = Bot.from_folder(tea_folder, notify=messages.append)
    assert messages == [] and entry(tea_folder, cache_dir).exists()
    assert (os.stat(entry(tea_folder, cache_dir)).st_mode & 0o777) == 0o600
    calls = built_count(monkeypatch)
    second = Bot.from_folder(tea_folder, notify=messages.append)
    assert calls == [] and messages == []
    assert second.reply(QUESTION).record() == first.reply(QUESTION).record()


def test_the_bundled_folder_is_cached_in_the_users_cache_not_beside_the_package(cache_dir, monkeypatch):
    """The bundled intents may sit read-only inside site-packages: their index goes to the cache
    folder ($XDG_CACHE_HOME respected), and nothing is ever written inside the package."""
    from faqbot.cli import bundled_intents

    monkeypatch.delenv("FAQBOT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_dir.parent / "xdg"))
    package = bundled_intents().resolve().parent.parent
    before = sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts)
    status = main(["ask", "what is magnesium valproate"], stdout=io.StringIO(), stderr=io.StringIO())
    assert status == 0
    assert compiled.entry_path(bundled_intents(), cache_dir.parent / "xdg" / "faqbot").exists()
    assert sorted(p for p in package.rglob("*") if "__pycache__" not in p.parts) == before


# --- writing goes through files.py's policy for faqbot's own files ------------------------------

def test_an_entry_that_is_a_link_is_never_written_through(tea_folder, cache_dir, tmp_path, monkeypatch):
    Bot.from_folder(tea_folder)
    target = entry(tea_folder, cache_dir)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not the cache's")
    target.unlink()
    target.symlink_to(elsewhere)
    (tea_folder / "tea.yaml").write_text((tea_folder / "tea.yaml").read_text() + "\n# edited\n")
    calls = built_count(monkeypatch)
    assert Bot.from_folder(tea_folder).reply(QUESTION).status == "answered"
    assert len(calls) == 1
    assert target.is_symlink() and elsewhere.read_text() == "not the cache's"
    assert [p.name for p in cache_dir.iterdir() if p.name.startswith(".")] == []


def test_an_entry_that_is_a_fifo_is_left_alone_and_never_waited_on(tea_folder, cache_dir):
    Bot.from_folder(tea_folder)
    target = entry(tea_folder, cache_dir)
    target.unlink()
    os.mkfifo(target, 0o600)
    assert Bot.from_folder(tea_folder).reply(QUESTION).status == "answered"
    assert stat.S_ISFIFO(os.lstat(target).st_mode)


def test_an_entry_that_does_not_pickle_leaves_no_file(tea_folder, cache_dir):
    assert compiled.store(tea_folder, b"\0" * compiled.DIGEST, lambda: None) is False
    assert not entry(tea_folder, cache_dir).exists()
    assert [p.name for p in cache_dir.iterdir() if p.name.startswith(".")] == []


def test_the_key_is_created_once_and_never_replaced(tea_folder, cache_dir):
    Bot.from_folder(tea_folder)
    secret = (cache_dir / "secret").read_bytes()
    assert len(secret) == compiled.SECRET_BYTES
    (tea_folder / "tea.yaml").write_text((tea_folder / "tea.yaml").read_text() + "\n# edited\n")
    Bot.from_folder(tea_folder)                          # a rebuild writes the entry, not the key
    assert (cache_dir / "secret").read_bytes() == secret


def test_a_short_key_disables_the_cache_rather_than_being_replaced(tea_folder, cache_dir, monkeypatch):
    cache_dir.mkdir(mode=0o700)
    (cache_dir / "secret").write_bytes(b"short")
    os.chmod(cache_dir / "secret", 0o600)
    calls = built_count(monkeypatch)
    Bot.from_folder(tea_folder)
    Bot.from_folder(tea_folder)
    assert len(calls) == 2 and (cache_dir / "secret").read_bytes() == b"short"
    assert not entry(tea_folder, cache_dir).exists()


def test_an_edited_built_in_rule_rebuilds_the_index():
    """Package data shapes the compiled Bot (its triage is built from safety/emergency.yaml): it is
    part of the code digest, beside the modules."""
    names = {path.name for path in compiled.code_files()}
    assert {"emergency.yaml", "section-kinds.yaml", "lay-terms.yaml", "matcher.py", "english-words.txt"} <= names


def test_a_fifo_added_beside_a_current_index_is_still_refused_by_check(tea_folder, cache_dir, cli):
    """check trusts a current index for 'the folder loads cleanly' only while the index covers
    every YAML name there: a FIFO (or folder) named *.yaml is no file the fingerprint reads."""
    Bot.from_folder(tea_folder)
    os.mkfifo(tea_folder / "pipe.yaml")
    status, out, err = cli(["check", str(tea_folder)])
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: {tea_folder / 'pipe.yaml'}: is a FIFO (named pipe), not a regular file\n"


def test_a_folder_read_from_the_index_names_its_files_as_this_start_gave_them(tea_folder, cache_dir, monkeypatch):
    """The same folder given as a relative and as an absolute path: each start's Bot names the
    folder and its files the way that start was given them (a coverage report, an error message),
    whichever start built an index first, and both read their index from the second start on."""
    monkeypatch.chdir(tea_folder.parent)
    relative = type(tea_folder)(tea_folder.name)
    first = {str(f): Bot.from_folder(f) for f in (relative, tea_folder)}
    calls = built_count(monkeypatch)
    for folder in (relative, tea_folder, relative):
        bot = Bot.from_folder(folder)
        assert bot.intent_set.folder == folder
        assert {intent.path.parent for intent in bot.intent_set.intents} == {folder}
        assert bot.reply(QUESTION).record() == first[str(folder)].reply(QUESTION).record()
    assert calls == []


def test_a_folder_read_from_the_index_screens_its_rules_from_the_start_and_meets_the_same_sentences(cache_dir):
    """The index keeps each folder rule's pre-filter (derived when it is written) and its
    expressions, compiled when a sentence first gets past the pre-filter: every case and question
    meets the same rule as in the folder built from its YAML."""
    from faqbot.cli import bundled_intents
    from faqbot.patterns import LazyPattern
    from tests.questionsets import questions_in_test_data

    built = Bot.from_folder(bundled_intents(), cache=False)
    Bot.from_folder(bundled_intents())                       # writes the index
    read = Bot.from_folder(bundled_intents())
    for rules in (read.triage.folder, read.scope):
        assert rules.rules and all(r._screen is not None and r._consulted == 0 for r in rules.rules)
        assert all(isinstance(p, LazyPattern) and p._compiled is None for r in rules.rules for p in r.patterns)
    assert all(r._screen is None for r in built.scope.rules)   # built from YAML: screened once consulted often
    messages = questions_in_test_data() + [m for r in (*built.triage.folder.rules, *built.scope.rules)
                                           for m in (*r.fires, *r.never)]
    for message in messages:
        for ours, theirs in ((read.triage.folder, built.triage.folder), (read.scope, built.scope)):
            met = ours.triage(message)
            assert (met.id if met else None) == (lambda m: m.id if m else None)(theirs.triage(message)), message
    fresh = Bot.from_folder(bundled_intents())
    fresh.reply("can I drink alcohol while taking magnesium valproate?")
    rules = [*fresh.triage.folder.rules, *fresh.scope.rules]
    assert sum(p._compiled is None for r in rules for p in r.patterns) > len(rules)   # an ordinary question needs few


@pytest.mark.parametrize("large", [True, False])
def test_a_large_folders_bot_is_frozen_out_of_later_collections(tea_folder, cache_dir, monkeypatch, large):
    """The REPL, ask and batch load a site's Bot and then freeze it (gc.freeze): a collection
    that walked it would pause a reply (445 ms at 77,759 intents). A small Bot is left alone."""
    import gc

    if not large:
        monkeypatch.setattr(bot_module, "LARGE_FOLDER_BYTES", 1024 * 1024)
    gc.unfreeze()
    try:
        assert main(["--intents", str(tea_folder), "ask", QUESTION], stdout=io.StringIO(), stderr=io.StringIO()) == 0
        assert (gc.get_freeze_count() > 0) == large
    finally:
        gc.unfreeze()


def test_the_lexicon_notes_of_a_large_folder_are_remembered_until_its_yaml_changes(tea_folder, cache_dir,
                                                                                   monkeypatch):
    """check's lexicon lint tokenises every intent: a large folder's notes are kept under the
    compiled index's fingerprint, so they are linted again only after an edit (or a new faqbot)."""
    from faqbot.content import lexicon as lexicon_module

    (tea_folder / "lexicon.yaml").write_text("synonyms:\n  - [sole, only]\n", encoding="utf-8")
    calls = []
    original = lexicon_module.lint_lexicon
    monkeypatch.setattr(lexicon_module, "lint_lexicon", lambda *a: calls.append(1) or original(*a))

    def check():
        out = io.StringIO()
        main(["check", str(tea_folder)], stdout=out, stderr=io.StringIO())
        return out.getvalue()

    first = check()
    assert "'only' is an everyday word" in first and len(calls) == 1
    assert check() == first and len(calls) == 1
    (tea_folder / "lexicon.yaml").write_text("synonyms:\n  - [sole, only]\n  - [ache, good]\n", encoding="utf-8")
    assert "'good' is an everyday word" in check() and len(calls) == 2


def test_an_extracted_folder_answers_the_same_from_its_index(cache_dir, tmp_path, monkeypatch):
    """An extracted folder's own safety rules (some with no string a text must hold, so no
    pre-filter) come back from the compiled index intact: every question of its blind set gets
    the same record on the second start as on the first, where the index is built."""
    import yaml

    from tests.questionsets import DATA

    folder = tmp_path / "intents"
    assert main(["extract", str(DATA / "newdocs6"), "--into", str(folder)], stdout=io.StringIO(),
                stderr=io.StringIO()) == 0
    questions = [item["q"] for item in yaml.safe_load((DATA / "newdocs6-dev.yaml").read_text(encoding="utf-8"))]
    calls = built_count(monkeypatch)
    first = Bot.from_folder(folder)
    second = Bot.from_folder(folder)
    assert len(calls) == 1                                   # the second start read the index
    for question in questions:
        assert second.reply(question).record() == first.reply(question).record(), question
