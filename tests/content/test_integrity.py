"""`faqbot check` catches answers that no longer say what their document says.

A small document is extracted into intents in tmp_path, then edited the way staff edit documents:
a word changed, a list item added, lines inserted above, a section deleted, the file removed.
Changed content is drift (exit status 1, one line per intent naming the intent file and line and
the document place); moved line numbers and new content are notes (exit status 0).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest

from faqbot.bot import Bot
from faqbot.cli import bundled_intents, main
from faqbot.authoring import integrity
from faqbot.authoring.integrity import check_folder_remembering, comparable
from faqbot.authoring.workspace import extract_into

DOCUMENT = """\
# Green Tea

**Usage:**
Green tea is drunk for pleasure and, some say, for health.

**Side Effects:**
- Trouble sleeping
- Upset stomach

## FAQs
* **Does green tea contain caffeine?** Yes, green tea contains some caffeine.
* **Can children drink green tea?** Only weak tea, in small cups.
"""


@pytest.fixture
def workspace(tmp_path) -> tuple[Path, Path]:
    """(document, intents folder), freshly extracted, so everything matches."""
    documents = tmp_path / "documents"
    documents.mkdir()
    document = documents / "green-tea.md"
    document.write_text(DOCUMENT, encoding="utf-8")
    extract_into(documents, tmp_path / "intents")
    return document, tmp_path / "intents"


def check_folder(folder: Path) -> list:
    """The folder's findings, with each intent file parsed (``integrity.check_folder``); each
    test also requires exactly these findings from the intents as the Bot loaded them, which is
    how ``faqbot check`` compares them (no file parsed twice)."""
    parsed = integrity.check_folder(folder)
    loaded = Bot.from_folder(folder, cache=False).intent_set
    assert check_folder_remembering(folder, None, loaded=loaded)[0] == parsed
    return parsed


def check(folder: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["check", str(folder)], stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def document_key_line(folder: Path) -> int:
    lines = (folder / "green-tea.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("document:"))


def drift_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("drift: ")]


def test_freshly_extracted_intents_match_their_document(workspace):
    _, folder = workspace
    assert check_folder(folder) == []
    status, out, err = check(folder)
    assert (status, err) == (0, "")
    assert "drift" not in out


def test_the_bundled_answers_match_the_bundled_documents():
    assert [str(f) for f in check_folder(bundled_intents()) if f.drift] == []


def test_a_changed_word_is_drift_naming_the_intent_file_line_and_document_place(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT.replace("Yes, green tea contains some", "Yes, green tea contains a lot of"))
    status, out, err = check(folder)
    assert (status, err) == (1, "")
    [line] = drift_lines(out)
    intent_file = folder / "green-tea.yaml"
    assert line.startswith(f"drift: {intent_file}:")
    assert ": green-tea-contain-caffeine: the answer no longer matches the document at " in line
    assert f"{document}:11 (section \"FAQs\")" in line
    assert 'after "green tea contains", the answer has "some", the document has "a lot of"' in line
    assert out.splitlines()[-1].startswith("1 intent(s) or document(s) no longer match")


def test_the_reported_intent_line_is_where_the_intent_starts(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT.replace("Upset stomach", "Upset stomach and headache"))
    [finding] = [f for f in check_folder(folder) if f.drift]
    lines = (folder / "green-tea.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[finding.line - 1].strip() == "- id: green-tea-side-effects"


def test_an_item_added_to_a_list_is_drift(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT.replace("- Upset stomach\n", "- Upset stomach\n- Liver damage (rare)\n"))
    [finding] = [f for f in check_folder(folder) if f.drift]
    assert finding.intent == "green-tea-side-effects"
    assert f"{document}:6-9" in finding.message
    assert 'after "sleeping Upset stomach", the answer has "(nothing)", the document has "Liver damage (rare)"' \
        in finding.message


def test_lines_inserted_above_only_move_the_answers_a_note_not_a_failure(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT.replace("# Green Tea\n", "# Green Tea\n\nUpdated in May.\n\n", 1))
    status, out, _ = check(folder)
    assert status == 0
    assert drift_lines(out) == []
    assert f"note: {folder / 'green-tea.yaml'}:" in out
    assert f"green-tea-contain-caffeine: the answer's text moved from {document}:11 to {document}:14" in out


def test_a_removed_section_is_drift(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT.replace("**Usage:**\nGreen tea is drunk for pleasure and, some say, for health.\n\n", ""))
    drifted = [f for f in check_folder(folder) if f.drift]
    assert [f.intent for f in drifted] == ["green-tea-uses"]
    assert drifted[0].message == f"section \"Usage\" ({document}:3-4) is no longer in the document"


def test_an_answer_staff_edited_is_a_curated_note_until_the_document_changes_there(workspace):
    """The digest extraction recorded tells staff's edit (kept, a note) from drift: once the
    document changes under the edited answer, staff must look at it again."""
    document, folder = workspace
    intents = folder / "green-tea.yaml"
    intents.write_text(intents.read_text().replace("Only weak tea, in small cups.", "Only weak tea."))
    findings = check_folder(folder)
    assert [f.intent for f in findings if f.drift] == []
    [note] = [f for f in findings if f.intent == "green-tea-children-drink"]
    assert note.message.startswith("curated: your edited answer is kept; the document is unchanged at ")
    document.write_text(DOCUMENT.replace("Only weak tea, in small cups.", "Not at all."))
    [drift] = [f for f in check_folder(folder) if f.drift]
    assert drift.intent == "green-tea-children-drink"
    assert "the document changed where your edited answer came from" in drift.message


def test_an_edited_answer_without_a_digest_is_drift_unless_it_is_document_text(workspace):
    """Hand-made intents (split off, or from before digests) are checked against the document's
    text: every paragraph of the answer must be found there."""
    _, folder = workspace
    intents = folder / "green-tea.yaml"
    text = intents.read_text()
    without_digests = "\n".join(line for line in text.splitlines() if "digest:" not in line) + "\n"
    intents.write_text(without_digests.replace("Only weak tea, in small cups.", "Only weak tea,"))
    assert [f.intent for f in check_folder(folder) if f.drift] == []
    intents.write_text(without_digests.replace("Only weak tea, in small cups.", "Yes, any amount."))
    assert [f.intent for f in check_folder(folder) if f.drift] == ["green-tea-children-drink"]


def test_whitespace_and_list_markers_are_not_drift_but_any_other_character_is(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT.replace("- Trouble sleeping", "*   Trouble   sleeping")
                        .replace("- Upset stomach", "1. Upset stomach  "))
    assert [f for f in check_folder(folder) if f.drift] == []
    assert comparable("- A  b\n* c\n1. D") == comparable("A b c D")
    assert comparable("2 mg") != comparable("2 mg.") != comparable("2 Mg")


def test_new_content_in_the_document_is_a_note(workspace):
    document, folder = workspace
    document.write_text(DOCUMENT + "* **Is it safe in pregnancy?** Ask your midwife.\n")
    status, out, _ = check(folder)
    assert status == 0
    assert (f'note: {folder / "green-tea.yaml"}:{document_key_line(folder)}: {document}:13 (section "FAQs") '
            "is in the document but no intent answers from it") in out


def test_a_missing_document_is_reported_with_the_line_of_the_document_key(workspace):
    document, folder = workspace
    document.unlink()
    status, out, err = check(folder)
    assert (status, err) == (1, "")
    [line] = drift_lines(out)
    assert line == (f"drift: {folder / 'green-tea.yaml'}:{document_key_line(folder)}: "
                    "document '../documents/green-tea.md': no such file")


def test_a_document_that_is_now_a_folder_or_binary_is_reported(workspace):
    document, folder = workspace
    document.write_bytes(b"\x00\x01binary")
    [finding] = check_folder(folder)
    assert finding.message == "document '../documents/green-tea.md': binary file (contains NUL bytes), expected UTF-8 text"
    document.unlink()
    document.mkdir()
    [finding] = check_folder(folder)
    assert finding.message == "document '../documents/green-tea.md': is a directory, not a file"


def test_imported_faqs_and_hand_written_intents_are_skipped(tmp_path):
    folder = tmp_path / "intents"
    folder.mkdir()
    (folder / "bot.yaml").write_text("disclaimer: Not advice.\n")
    (folder / "faq.yaml").write_text(textwrap.dedent("""\
        intents:
          - id: opening-hours
            question: When are you open?
            answer: Nine to five.
            topic: clinic
            source: {file: faq.csv, section: FAQ, lines: [2, 2]}
        """))
    (folder / "tea.yaml").write_text(textwrap.dedent("""\
        document: ../nowhere.md
        intents:
          - id: hand-written
            question: Is tea nice?
            answer: Very.
            topic: tea
        """))
    findings = check_folder(folder)
    # faq.yaml has no document to compare with; tea.yaml's document is missing, which is reported,
    # but its only intent has no source, so there is nothing else to say about it.
    assert [(f.path.name, f.intent) for f in findings] == [("tea.yaml", None)]


def test_an_intent_naming_another_document_is_reported(workspace):
    _, folder = workspace
    intents = folder / "green-tea.yaml"
    intents.write_text(intents.read_text().replace("file: green-tea.md", "file: black-tea.md", 1))
    [finding] = [f for f in check_folder(folder) if f.drift]
    assert finding.intent == "green-tea-uses"
    assert finding.message == "source file 'black-tea.md' is not this file's document 'green-tea.md'"


def test_a_malformed_extracted_record_stops_the_check_naming_its_file_and_line(workspace):
    """Loading the Bot does not read ``extracted`` (only extraction and check do): check reports
    a malformed one as a data error, in one line with the file and the key's line, exit 2."""
    _, folder = workspace
    intents = folder / "green-tea.yaml"
    text = intents.read_text(encoding="utf-8")
    assert "\nextracted:\n" in text
    intents.write_text(text[:text.index("\nextracted:\n")] + "\nextracted: 42\n", encoding="utf-8")
    line = next(n for n, row in enumerate(intents.read_text().splitlines(), 1) if row.startswith("extracted:"))
    status, out, err = check(folder)
    assert status == 2
    assert err == f"faqbot: error: {intents}:{line}: 'extracted' must be a list of text\n"


def test_document_text_is_printed_inert(workspace):
    """The difference quotes the document: escape sequences in it must not reach the terminal."""
    document, folder = workspace
    document.write_text(DOCUMENT.replace("some caffeine", "some \x1b]0;owned\x07\x1b[2J caffeine"))
    status, out, _ = check(folder)
    assert status == 1
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out


def test_check_documents_its_exit_status_in_help(capsys):
    stdout = io.StringIO()
    main(["--help"], stdout=stdout)
    text = stdout.getvalue() + capsys.readouterr().out
    assert "check found answers that no longer match their" in text


def test_check_extracts_the_passages_extraction_finds(tmp_path):
    """check extracts documents with ``extract_passages`` (no phrasings by cue, no red flags):
    on every document of the repository and a slice of the generated site, the same passages,
    field for field, as ``extract_document`` (whose examples alone may differ)."""
    from faqbot.authoring.extract import extract_document, extract_passages, find_documents
    from faqbot.errors import DataFileError
    from sites import site_intents

    root = Path(__file__).resolve().parents[2]
    site_intents(tmp_path / "site", 60)
    folders = [root / "documents", *sorted(p for p in (root / "tests" / "data").iterdir() if p.is_dir()),
               tmp_path / "site" / "documents"]
    documents = [path for folder in folders for path in find_documents(folder)]
    assert len(documents) > 100

    def fields(pairs):
        return [(p.question, p.answer, p.section, p.lines, p.kind, p.section_kind, p.label) for p in pairs]

    for path in documents:
        try:
            whole = fields(extract_document(path).pairs)
        except DataFileError as exc:
            whole = exc.message
        try:
            passages = fields(extract_passages(path))
        except DataFileError as exc:
            passages = exc.message
        assert passages == whole, path
