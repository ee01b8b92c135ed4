"""Intent files: strict validation with exact file:line messages, saving and loading, `faqbot check`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import DISCLAIMER, TEA_INTENTS, write_folder
from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.errors import DataFileError
from faqbot.content.intents import Intent, Source, load_file, load_folder
from faqbot.content.saving import save_file

BOT = "disclaimer: Not advice.\n"
ONE = """\
intents:
  - id: a
    question: Q?
    answer: A.
    topic: t
"""


def error_of(tmp_path: Path, files: dict[str, str]) -> str:
    """The message of loading a folder made of ``files`` (bot.yaml added unless given)."""
    folder = write_folder(tmp_path / "intents", {"bot.yaml": BOT, **files})
    with pytest.raises(DataFileError) as error:
        load_folder(folder)
    return str(error.value).replace(f"{folder}/", "")


@pytest.mark.parametrize("files, message", [
    ({"x.yaml": ONE + "    exmples: [x]\n"},
     "x.yaml:6: unknown key 'exmples' in intent (allowed: answer, examples, id, question, source, topic)"),
    ({"x.yaml": "document: d.md\nintent: []\n"},
     "x.yaml:2: unknown key 'intent' in intent file (allowed: document, extracted, intents)"),
    ({"x.yaml": ONE + "    source:\n      file: d.md\n      section: S\n      page: 3\n"},
     "x.yaml:9: unknown key 'page' in source (allowed: digest, file, lines, section)"),
    ({"a.yaml": ONE, "b.yaml": ONE.replace("Q?", "Other?")},
     "b.yaml:2: duplicate intent id 'a' (first defined in a.yaml:2)"),
    ({"a.yaml": ONE + "  - id: a\n    question: Q3?\n    answer: B.\n    topic: t\n"},
     "a.yaml:6: duplicate intent id 'a' (first defined in a.yaml:2)"),
    ({"x.yaml": ONE.replace("answer: A.", "answer: '   '")}, "x.yaml:4: 'answer' must not be empty"),
    ({"x.yaml": ONE.replace("answer: A.", "answer:")}, "x.yaml:4: 'answer' must be text, got nothing"),
    ({"x.yaml": ONE.replace("    answer: A.\n", "")}, "x.yaml:2: intent is missing 'answer'"),
    ({"x.yaml": ONE.replace("answer: A.", "answer: 42")}, "x.yaml:4: 'answer' must be text, got a number"),
    ({"x.yaml": ONE.replace("topic: t", "topic: [a, b]")}, "x.yaml:5: 'topic' must be text, got a list"),
    ({"x.yaml": ONE + "    examples: just one\n"}, "x.yaml:6: 'examples' must be a list of text, got text"),
    ({"x.yaml": ONE + "    examples:\n      - fine\n      - 3\n"}, "x.yaml:8: each example must be text, got a number"),
    ({"x.yaml": ONE + "    examples:\n      - ''\n"}, "x.yaml:7: examples must not be empty"),
    ({"x.yaml": "intents: nope\n"}, "x.yaml:1: 'intents' must be a list, got text"),
    ({"x.yaml": "- id: a\n"}, "x.yaml:1: expected a mapping with an 'intents' list, got a list"),
    ({"x.yaml": ""}, "x.yaml:1: expected a mapping with an 'intents' list, got nothing"),
    ({"x.yaml": "intents:\n  - just text\n"}, "x.yaml:2: each intent must be a mapping, got text"),
    ({"x.yaml": ONE.replace("id: a", "id: Bad Id")},
     "x.yaml:2: id 'Bad Id' must use lower-case letters, digits, '-', '_' or '.'"),
    ({"x.yaml": ONE + "    source: d.md\n"}, "x.yaml:6: 'source' must be a mapping (file, section, lines), got text"),
    ({"x.yaml": ONE + "    source:\n      file: d.md\n      section: S\n      lines: [5, 2]\n"},
     "x.yaml:9: source 'lines' must be [first, last], two line numbers"),
    ({"x.yaml": ONE + "    source:\n      file: d.md\n"}, "x.yaml:7: source 'section' must be non-empty text"),
])
def test_intent_file_errors_name_file_and_line(tmp_path, files, message):
    assert error_of(tmp_path, files) == message


@pytest.mark.parametrize("text, message", [
    ("intents:\n  - id: a\n    question: [unclosed\n", "x.yaml:4: invalid YAML: expected ',' or ']', but got '<stream end>'"),
    ("intents:\n\t- id: a\n", "x.yaml:2: invalid YAML: tab character where YAML expects spaces (indent with spaces)"),
    ("intents:\n  - id: a\n    id: b\n", "x.yaml:3: duplicate key 'id'"),
    ("intents:\n  - &one\n    id: a\n    question: Q?\n    answer: A.\n    topic: t\n  - <<: *one\n    id: b\n",
     "x.yaml:7: YAML merge keys (<<) are not allowed"),
])
def test_malformed_yaml_is_reported_with_its_line(tmp_path, text, message):
    assert error_of(tmp_path, {"x.yaml": text}) == message


def test_a_yaml_alias_is_refused(tmp_path):
    """An alias could expand a small file into a huge one ("billion laughs"), so none is read."""
    message = error_of(tmp_path, {"x.yaml": ONE.replace("  - id: a", "  - &one\n    id: a") + "  - *one\n"})
    assert message.startswith("x.yaml:2: YAML aliases (*name) are not allowed")


@pytest.mark.parametrize("bot, message", [
    (None, "bot.yaml: missing: every intents folder needs a bot.yaml with a disclaimer"),
    ("name: x\n", "bot.yaml:1: 'disclaimer' must be non-empty text"),
    ("disclaimer: ''\n", "bot.yaml:1: 'disclaimer' must be non-empty text"),
    ("disclaimer: x\ncolour: red\n", "bot.yaml:2: unknown key 'colour' in bot.yaml (allowed: disclaimer, name, tuning)"),
    ("- a\n", "bot.yaml:1: expected a mapping with a 'disclaimer', got a list"),
    ("disclaimer: x\nname: 3\n", "bot.yaml:2: 'name' must be non-empty text"),
])
def test_bot_yaml_and_its_disclaimer_are_required(tmp_path, bot, message):
    folder = write_folder(tmp_path / "intents", {"x.yaml": ONE} | ({"bot.yaml": bot} if bot is not None else {}))
    with pytest.raises(DataFileError) as error:
        load_folder(folder)
    assert str(error.value) == f"{folder}/{message}"


def test_folders_that_hold_no_intents(tmp_path):
    for path, message in [(tmp_path / "nope", "no such intents folder"),
                          (write_folder(tmp_path / "empty", {"bot.yaml": BOT}), "no intent files (*.yaml) in this folder"),
                          (write_folder(tmp_path / "none", {"bot.yaml": BOT, "x.yaml": "intents: []\n"}),
                           "no intents: every intent file here has an empty 'intents' list")]:
        with pytest.raises(DataFileError) as error:
            load_folder(path)
        assert str(error.value) == f"{path}: {message}"
    (tmp_path / "file.yaml").write_text(ONE)
    with pytest.raises(DataFileError) as error:
        load_folder(tmp_path / "file.yaml")
    assert str(error.value) == f"{tmp_path / 'file.yaml'}: is not a folder (give the folder that holds the intent files)"


def test_reserved_and_hidden_files_are_not_intent_files(tmp_path):
    folder = write_folder(tmp_path / "intents", {
        "x.yaml": ONE, "bot.yaml": "name: Helper\ndisclaimer: |\n  Not advice.\n  Ask   a doctor.\n",
        "lexicon.yaml": "synonyms:\n  - [tablet, pill]\n", ".draft.yaml": "nonsense: [",
    })
    intent_set = load_folder(folder)
    assert [i.id for i in intent_set.intents] == ["a"]
    assert (intent_set.name, intent_set.disclaimer) == ("Helper", "Not advice. Ask a doctor.")


def test_save_and_load_round_trip(tmp_path):
    intents = [
        Intent("x-one", "What is it?", "First line.\n\n- item one\n- item two", "thing",
               ["what's that", "wot is it"], Source("doc.md", "Intro", (3, 7))),
        Intent("x-two", "Why: really?", "Because 'quotes' and \"double\" # not a comment", "thing"),
    ]
    path = tmp_path / "intents" / "x.yaml"
    save_file(path, intents, document="../doc.md")
    loaded = load_file(path)
    fields = lambda i: (i.id, i.question, i.answer, i.topic, i.examples, i.source)  # noqa: E731
    assert [fields(i) for i in loaded] == [fields(i) for i in intents]
    text = path.read_text()
    lines = text.splitlines()
    assert [i.line for i in loaded] == [lines.index("  - id: x-one") + 1, lines.index("  - id: x-two") + 1]
    assert text.startswith("# faqbot intents: one entry per question the bot can answer.")
    assert "    answer: |-\n      First line.\n\n      - item one\n" in text  # readable block text
    assert "      lines: [3, 7]\n" in text


# --- faqbot check ---------------------------------------------------------------------------------


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", *argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_check_reports_a_valid_folder(tea_folder):
    """A folder with no safety.yaml still has the built-in emergency layer, and check says so."""
    from faqbot.safety.matrix import controls, emergencies

    cases = sum(len(r.fires) + len(r.never) for r in Bot.from_folder(tea_folder).triage.builtin.rules)
    assert check(str(tea_folder)) == (0, (
        f"{tea_folder}: valid, 3 intents in 2 topics, 4 examples, 0 out-of-scope rules\n"
        "triage: built-in emergency layer: 15 rules (always on)\n"
        "triage: safety.yaml: none (the folder adds no red flags of its own)\n"
        "note: 3 intents have fewer than 5 examples: tea-caffeine, tea-brew, coffee-brew\n"
        f"rule cases: {cases}/{cases} pass\n"
        f"emergency matrix: {len(emergencies())}/{len(emergencies())} generated emergencies caught; "
        f"general questions: 0/{len(controls())} flagged\n"), "")


def test_check_takes_the_folder_from_intents_option_or_environment(tea_folder, monkeypatch):
    expected = f"{tea_folder}: valid, 3 intents in 2 topics"
    assert check("--intents", str(tea_folder))[1].startswith(expected)
    monkeypatch.setenv("FAQBOT_INTENTS", str(tea_folder))
    assert check()[1].startswith(expected)


def test_check_errors_are_one_line_with_exit_status_2(tmp_path):
    folder = write_folder(tmp_path / "intents", {"bot.yaml": BOT, "x.yaml": ONE.replace("answer: A.", "answer: ''")})
    assert check(str(folder)) == (2, "", f"faqbot: error: {folder}/x.yaml:4: 'answer' must not be empty\n")
    assert check(str(tmp_path / "nope")) == (2, "", f"faqbot: error: {tmp_path / 'nope'}: no such intents folder\n")


def test_check_without_a_disclaimer_fails(tmp_path):
    folder = write_folder(tmp_path / "intents", {"tea.yaml": TEA_INTENTS})
    status, out, err = check(str(folder))
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: {folder}/bot.yaml: missing: every intents folder needs a bot.yaml with a disclaimer\n"
    assert "Traceback" not in err


def test_check_passes_on_the_bundled_intents():
    status, out, err = check()
    assert (status, err) == (0, "")
    assert " intents in 2 topics, " in out.splitlines()[0]
    assert DISCLAIMER not in out
