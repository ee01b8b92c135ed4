"""`faqbot check` at site scale does again only what changed: what a check found is remembered
(per intent file, its hash and its document's hash with the findings), and the next check gives
exactly the findings a fresh check gives, extracting only the documents of intent files whose
bytes, or whose document's bytes, changed. The command compares the intents as the Bot loaded
them: no intent file is parsed twice.

Each staff edit of test_integrity.py is made after a remembered check; the remembered check must
then agree with a fresh one, finding for finding (file:line, intent, message, drift or note)."""

from __future__ import annotations

import io
import os
import shutil

import pytest

from faqbot import bot as bot_module
from faqbot.authoring import integrity
from faqbot.authoring.integrity import Remembered, check_folder, check_folder_remembering
from faqbot.cli import main
from faqbot.matching import cache as compiled
from test_integrity import DOCUMENT, workspace  # noqa: F401 - the fixture

OTHER = DOCUMENT.replace("Green Tea", "Black Tea").replace("green tea", "black tea")


@pytest.fixture
def two_documents(workspace):  # noqa: F811
    """The green-tea workspace with a second document, so one can change while the other does not."""
    document, folder = workspace
    black = document.parent / "black-tea.md"
    black.write_text(OTHER, encoding="utf-8")
    from faqbot.authoring.workspace import extract_into

    extract_into(document.parent, folder)
    return document, black, folder


@pytest.fixture
def extractions(monkeypatch) -> list:
    """The documents extracted, in order."""
    calls = []
    original = integrity.extract_passages

    def counting(path):
        calls.append(path.name)
        return original(path)

    monkeypatch.setattr(integrity, "extract_passages", counting)
    return calls


def remembered_check(folder, remembered):
    findings, now = check_folder_remembering(folder, remembered)
    assert findings == check_folder(folder)          # exactly what a fresh check finds
    return findings, now


def edit_answer(folder, old, new):
    path = folder / "green-tea.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


EDITS = {
    "a changed word": lambda d, f: d.write_text(DOCUMENT.replace("some caffeine", "a little caffeine")),
    "an item added to a list": lambda d, f: d.write_text(DOCUMENT.replace("- Upset stomach", "- Upset stomach\n- Headache")),
    "lines inserted above": lambda d, f: d.write_text("Reviewed 2026.\n\n" + DOCUMENT),
    "a section removed": lambda d, f: d.write_text(DOCUMENT.replace("**Usage:**\nGreen tea is drunk for pleasure and, "
                                                                    "some say, for health.\n", "")),
    "the document deleted": lambda d, f: d.unlink(),
    "the document now a folder": lambda d, f: (d.unlink(), d.mkdir()),
    "an answer curated": lambda d, f: edit_answer(f, "Only weak tea, in small cups.", "Only weak tea."),
    "a curated answer whose document changed": lambda d, f: (
        edit_answer(f, "Only weak tea, in small cups.", "Only weak tea."),
        d.write_text(DOCUMENT.replace("Only weak tea, in small cups.", "Not at all."))),
    "digests deleted and an answer rewritten": lambda d, f: (f / "green-tea.yaml").write_text(
        "\n".join(line for line in (f / "green-tea.yaml").read_text().splitlines() if "digest:" not in line)
        .replace("Only weak tea, in small cups.", "Yes, any amount.") + "\n"),
    "the intent file deleted": lambda d, f: (f / "green-tea.yaml").unlink(),
    "the document key pointed elsewhere": lambda d, f: edit_answer(f, "document: ../documents/green-tea.md",
                                                                   "document: ../documents/black-tea.md"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_after_any_edit_a_remembered_check_finds_what_a_fresh_check_finds(two_documents, edit):
    document, _, folder = two_documents
    _, remembered = remembered_check(folder, None)
    EDITS[edit](document, folder)
    remembered_check(folder, remembered)


def test_nothing_changed_nothing_is_extracted_again(two_documents, extractions):
    _, _, folder = two_documents
    first, remembered = remembered_check(folder, None)
    extractions.clear()
    findings, now = check_folder_remembering(folder, remembered)
    assert findings == first and extractions == []
    assert now.files == remembered.files


def test_only_the_changed_document_is_extracted_again(two_documents, extractions):
    document, _, folder = two_documents
    _, remembered = remembered_check(folder, None)
    EDITS["a changed word"](document, folder)
    extractions.clear()
    findings, _ = check_folder_remembering(folder, remembered)
    assert extractions == ["green-tea.md"]
    [drift] = [f for f in findings if f.drift]
    assert drift.path.name == "green-tea.yaml" and "caffeine" in drift.intent


def test_an_edited_intent_file_is_compared_again_with_its_own_document_alone(two_documents, extractions):
    """Staff curating an answer changes the intent file only: its document (and no other) is
    extracted again and the answer compared with it, edit told from drift as ever. (No document's
    passages are remembered: at site scale reading them all back cost more than the few
    extractions staff's edits need.)"""
    _, _, folder = two_documents
    _, remembered = remembered_check(folder, None)
    EDITS["an answer curated"](None, folder)
    extractions.clear()
    findings, _ = check_folder_remembering(folder, remembered)
    assert extractions == ["green-tea.md"]
    [note] = [f for f in findings if f.intent == "green-tea-children-drink"]
    assert not note.drift and note.message.startswith("curated: your edited answer is kept")


def test_a_document_edited_and_restored_is_judged_by_its_bytes_not_its_date(two_documents, extractions):
    document, _, folder = two_documents
    _, remembered = remembered_check(folder, None)
    document.write_text(DOCUMENT)                    # same bytes, new modification time
    os.utime(document, (1, 1))
    extractions.clear()
    check_folder_remembering(folder, remembered)
    assert extractions == []


@pytest.fixture
def large(monkeypatch, tmp_path):
    """The check's memory is kept for folders the compiled cache keeps: the test folder counts as one."""
    monkeypatch.setattr(bot_module, "LARGE_FOLDER_BYTES", 1)
    cache = tmp_path / "cache"
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(cache))
    return cache


def run_check(folder):
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", str(folder)], stdout=out, stderr=err)
    return status, out.getvalue()


def test_the_command_remembers_in_the_compiled_cache_and_prints_the_same(two_documents, extractions, large):
    document, _, folder = two_documents
    first = run_check(folder)
    assert sorted(extractions) == ["black-tea.md", "green-tea.md"]
    entry = compiled.entry_path(folder, large, "integrity")
    assert entry.exists() and (os.stat(entry).st_mode & 0o777) == 0o600
    extractions.clear()
    assert run_check(folder) == first and extractions == []
    EDITS["a changed word"](document, folder)
    changed = run_check(folder)
    assert changed[0] == 1 and extractions == ["green-tea.md"]
    shutil.rmtree(large)                              # no memory: the same output, everything extracted
    extractions.clear()
    assert run_check(folder) == changed and sorted(extractions) == ["black-tea.md", "green-tea.md"]


def test_the_first_check_after_extract_compares_without_extracting_again(two_documents, extractions, large):
    document, _, folder = two_documents
    assert main(["extract", str(document.parent), "--into", str(folder)], stdout=io.StringIO()) == 0
    extractions.clear()
    after_extract = run_check(folder)
    assert extractions == []                          # extraction's own passages were remembered
    shutil.rmtree(large)
    assert run_check(folder) == after_extract         # exactly a fresh check's output
    assert sorted(extractions) == ["black-tea.md", "green-tea.md"]


def test_extract_remembers_nothing_for_a_small_folder(two_documents, tmp_path, monkeypatch):
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(tmp_path / "cache"))
    document, _, folder = two_documents
    assert main(["extract", str(document.parent), "--into", str(folder)], stdout=io.StringIO()) == 0
    assert not (tmp_path / "cache").exists()


def test_a_new_extraction_code_forgets_what_the_old_one_found(two_documents, extractions, large, monkeypatch):
    _, _, folder = two_documents
    run_check(folder)
    monkeypatch.setattr(compiled, "_code_parts", {integrity.CODE: b"\1" * compiled.DIGEST})
    extractions.clear()
    run_check(folder)
    assert sorted(extractions) == ["black-tea.md", "green-tea.md"]


def test_a_change_to_ranking_or_triage_keeps_what_the_last_check_found(two_documents, extractions, large,
                                                                      monkeypatch):
    """faqbot's other code (the matcher, the triage, the front ends) makes no finding: changing it
    rebuilds the compiled index, not the check's memory."""
    _, _, folder = two_documents
    first = run_check(folder)
    monkeypatch.setattr(compiled, "_code", b"\1" * compiled.DIGEST)
    extractions.clear()
    assert run_check(folder) == first and extractions == []


def test_the_memory_is_keyed_by_all_the_code_a_check_runs():
    """Every faqbot module the integrity pass and extraction load lies within integrity.CODE, so
    no code that makes a finding can change without the memory being forgotten."""
    import subprocess
    import sys

    loaded = subprocess.run([sys.executable, "-c", "import sys, faqbot.authoring.integrity, faqbot.authoring.workspace;"
                             "print(' '.join(m for m in sys.modules if m.startswith('faqbot.')))"],
                            capture_output=True, text=True, check=True).stdout.split()
    outside = [m for m in loaded if m.split(".")[1] not in {p.removesuffix(".py") for p in integrity.CODE}]
    assert "faqbot.authoring.extract" in loaded and outside == []
    files = {str(p) for p in compiled.code_files_within(integrity.CODE)}
    assert any(name.endswith("section-kinds.yaml") for name in files)
    assert not any("/matching/" in name or name.endswith("bot.py") for name in files)


def test_a_damaged_memory_is_ignored(two_documents, extractions, large):
    _, _, folder = two_documents
    first = run_check(folder)
    entry = compiled.entry_path(folder, large, "integrity")
    entry.write_bytes(entry.read_bytes()[:-20])
    extractions.clear()
    assert run_check(folder) == first and sorted(extractions) == ["black-tea.md", "green-tea.md"]


def test_a_small_folder_keeps_no_memory(two_documents, tmp_path, monkeypatch):
    """Checking a small folder again takes no time: only its compiled index is kept, not what
    the check found."""
    monkeypatch.setenv("FAQBOT_CACHE_DIR", str(tmp_path / "cache"))
    _, _, folder = two_documents
    run_check(folder)
    assert not compiled.entry_path(folder, tmp_path / "cache", "integrity").exists()
    assert compiled.entry_path(folder, tmp_path / "cache", "index").exists()


def test_remembered_state_is_plain_data():
    assert Remembered().files == {} and not hasattr(Remembered(), "extractions")


@pytest.mark.parametrize("edit", [None, "a changed word", "an answer curated"])
def test_workers_check_exactly_as_one_process_does(two_documents, monkeypatch, edit):
    """Forked workers (here for even two files) give the findings and the memory one process
    gives, in file order, with or without a memory to start from."""
    monkeypatch.setattr(integrity, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(integrity, "CHUNK_FILES", 1)
    document, _, folder = two_documents
    remembered = None
    if edit is not None:
        _, remembered = check_folder_remembering(folder, None)
        EDITS[edit](document, folder)
    alone = check_folder_remembering(folder, remembered, jobs=1)
    together = check_folder_remembering(folder, remembered, jobs=2)
    assert together[0] == alone[0] == check_folder(folder)
    assert together[1].files == alone[1].files


@pytest.mark.parametrize("edit", EDITS)
def test_the_intents_as_loaded_give_what_parsing_the_files_gives(two_documents, edit):
    """The command hands the check the Bot's intents (from the compiled index or the YAML just
    parsed for it) instead of parsing each file again: after every edit, finding for finding
    what the files parsed give, line numbers and the ``extracted`` record included."""
    document, _, folder = two_documents
    EDITS[edit](document, folder)
    loaded = bot_module.Bot.from_folder(folder, cache=False).intent_set
    assert len(loaded.files) == len(list(folder.glob("*-tea.yaml")))
    assert check_folder_remembering(folder, None, loaded=loaded)[0] == check_folder(folder)


def test_the_command_parses_no_intent_file_twice(two_documents, large, monkeypatch):
    """From a current compiled index, check compares without parsing any intent file; without
    one, each file is parsed once, for the Bot."""
    _, _, folder = two_documents
    fresh = run_check(folder)                         # builds and stores the compiled index
    parsed = []
    original = integrity.load_yaml
    monkeypatch.setattr(integrity, "load_yaml", lambda path, *a: parsed.append(path) or original(path, *a))
    shutil.rmtree(large)
    assert run_check(folder) == fresh and parsed == []
    assert run_check(folder) == fresh and parsed == []
