"""Nothing a question, a document or an intents file contains can drive the terminal.

Every text field of a hostile intents folder (questions, answers, topics, the bot's name, the
disclaimer, the emergency message) and every question below carries escape sequences: CSI (clear
screen, colours), OSC (set the window title), BEL, backspace, DEL, a bare carriage return (which
would let text overwrite the line), an 8-bit CSI and a bidi override. Each way text reaches a
terminal is then checked: none of these characters may come out raw.
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
from pathlib import Path

import pytest
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import to_plain_text
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.repl import QuestionCompleter, run_repl

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same, as YAML double-quoted escapes, so the intents file itself is valid YAML.
EVIL_YAML = r"\e[2J\e]0;owned\a\e[31m\r\u202e\x9b31m\b\x7f"
EVIL = "\x1b[2J\x1b]0;owned\x07\x1b[31m\r\u202e\x9b31m\x08\x7f"


def test_the_pattern_catches_every_character_of_the_payload():
    assert "".join(RAW.findall(EVIL)) == "\x1b\x1b\x07\x1b\r\u202e\x9b\x08\x7f"


@pytest.fixture
def evil_folder(tmp_path) -> Path:
    folder = tmp_path / "intents"
    folder.mkdir()
    (folder / "tea.yaml").write_text(textwrap.dedent(f"""\
        intents:
          - id: tea-caffeine
            question: "Does green tea contain caffeine? {EVIL_YAML}"
            examples: ["green tea caffeine {EVIL_YAML}"]
            answer: "Yes {EVIL_YAML} some caffeine."
            topic: "green tea {EVIL_YAML}"
            source: {{file: "tea{EVIL_YAML}.md", section: "FAQs {EVIL_YAML}", lines: [3, 3]}}
          - id: coffee-brew
            question: "How do I brew coffee? {EVIL_YAML}"
            answer: "Pour hot water {EVIL_YAML} over ground coffee."
            topic: coffee
        """), encoding="utf-8")
    (folder / "bot.yaml").write_text(f'name: "teabot {EVIL_YAML}"\ndisclaimer: "Not advice {EVIL_YAML}."\n')
    (folder / "safety.yaml").write_text(textwrap.dedent(f"""\
        message: "Call 999 now {EVIL_YAML}"
        rules:
          - id: overdose
            patterns: [overdose]
            advice: "Go to hospital {EVIL_YAML}"
            see: [tea-caffeine]
        """))
    return folder


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


QUESTIONS = [
    "does green tea contain caffeine",          # answered: answer, source, disclaimer
    "how do I brew it",                         # follow-up / clarify
    "caffeine brew",                            # clarify or fallback with suggestions
    "zzzz qqqq xxxx",                           # fallback
    "I took an overdose",                       # emergency: message, advice, related answer
    "hello",                                    # small talk: name, a question as example
    f"what about {EVIL} green tea",             # the question itself is hostile
]


@pytest.fixture
def terminal_cli(cli):
    """The CLI runner with standard output a terminal unless ``tty`` is False; standard error is
    not one (so batch draws no progress bar, whose own escape sequences are not the point here)."""
    def call(argv: list[str], stdin: str = "", tty: bool = True):
        return cli(argv, stdin, stdout=Terminal() if tty else None)
    return call


def assert_inert(*texts: str) -> None:
    for text in texts:
        found = RAW.findall(text)
        assert not found, f"raw control characters {found!r} in {text[:300]!r}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_and_explain(terminal_cli, evil_folder, question):
    status, out, err = terminal_cli(["--intents", str(evil_folder), "ask", "--explain", question])
    assert status == 0
    assert_inert(out, err)
    assert "Not advice \\x1b[2J" in out  # shown, as visible escapes, not dropped


@pytest.mark.parametrize("fmt", ["text", "markdown", "jsonl", "csv"])
def test_batch_output_to_a_terminal(terminal_cli, evil_folder, fmt):
    status, out, err = terminal_cli(["batch", "-", "--intents", str(evil_folder), "--format", fmt, "-j", "1"],
                           stdin="\n".join(QUESTIONS) + "\n")
    assert status == 0
    assert_inert(out, err)


def test_jsonl_stays_exact_data_while_inert(terminal_cli, evil_folder):
    status, out, _ = terminal_cli(["batch", "-", "--intents", str(evil_folder), "-j", "1"], stdin="\n".join(QUESTIONS) + "\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["answer"].startswith("Yes " + EVIL)
    assert records[-1]["question"] == QUESTIONS[-1].strip()


def test_csv_to_a_file_keeps_the_data_exact(terminal_cli, evil_folder, tmp_path):
    out = tmp_path / "out.csv"
    status, _, _ = terminal_cli(["batch", "-", "--intents", str(evil_folder), "--format", "csv", "-o", str(out), "-j", "1"],
                       stdin=QUESTIONS[0] + "\n")
    assert status == 0
    assert "Yes " + EVIL in out.read_bytes().decode("utf-8")


def test_the_piped_prompt_answers_inert(terminal_cli, evil_folder):
    """`echo question | faqbot` answers as a batch in text form."""
    status, out, err = terminal_cli(["--intents", str(evil_folder)], stdin="\n".join(QUESTIONS) + "\n", tty=False)
    assert status == 0
    assert_inert(out, err)


def test_the_repl_shows_everything_inert(evil_folder):
    bot = Bot.from_folder(evil_folder)
    shown: list[str] = []
    keys = "".join(q + "\r" for q in QUESTIONS) + "/topics\r/why\r/help\r/bogus\x1b[2J\r\x04"
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        assert run_repl(bot, input=pipe, output=DummyOutput(), write=shown.append) == 0
    assert len(shown) > len(QUESTIONS)
    assert_inert(*shown)
    everything = "".join(shown)
    assert "teabot \\x1b[2J" in everything and "green tea \\x1b[2J" in everything


def test_completion_menu_entries_are_inert(evil_folder):
    bot = Bot.from_folder(evil_folder)
    completer = QuestionCompleter([i.question for i in bot.intent_set.intents])
    completions = list(completer.get_completions(Document("does green"), None))
    assert completions
    assert_inert(*(to_plain_text(c.display) for c in completions))


def test_check_extract_and_import_output_is_inert(terminal_cli, tmp_path):
    documents = tmp_path / f"docs{EVIL}"
    documents.mkdir()
    (documents / f"tea{EVIL}.md").write_text(
        f"# Tea {EVIL}\n\n**Usage:**\nTea {EVIL} is nice.\n\n## FAQs\n* **Is tea safe?** Yes {EVIL} mostly.\n")
    into = tmp_path / f"intents{EVIL}"
    status, out, err = terminal_cli(["extract", str(documents), "--into", str(into)])
    assert status == 0 and "added" in out
    assert_inert(out, err)
    status, out, err = terminal_cli(["check", str(into)])
    assert status == 0
    assert_inert(out, err)
    table = tmp_path / f"faq{EVIL}.csv"
    table.write_text(f'question,answer\n"What {EVIL}?","It {EVIL} is"\n')
    status, out, err = terminal_cli(["import", str(table), "--into", str(tmp_path / "imported")])
    assert status == 0
    assert_inert(out, err)


def test_coverage_and_review_output_is_inert(terminal_cli, evil_folder, tmp_path):
    status, out, err = terminal_cli(["--intents", str(evil_folder), "coverage", "--self-check"], tty=False)
    assert status in (0, 1)
    assert_inert(out, err)
    status, out, err = terminal_cli(["--intents", str(evil_folder), "coverage", "--self-check"])
    # On a terminal the report has colours of its own; what is left must be inert (the payload's
    # screen clear, title and BEL would remain).
    assert_inert(re.sub(r"\x1b\[[0-9;]*m", "", out), err)
    log = tmp_path / "unanswered.jsonl"
    log.write_text("\n".join(json.dumps({"question": q}) for q in QUESTIONS) + "\n")
    status, out, err = terminal_cli(["--intents", str(evil_folder), "review", str(log)])
    assert status == 0
    assert_inert(out, err)


@pytest.mark.parametrize("argv", [
    ["batch", f"questions{EVIL}.txt"],
    ["check", f"folder{EVIL}"],
    ["--intents", f"folder{EVIL}", "ask", "hi"],
    ["batch", "-", "--format", EVIL],
    ["batch", "-", "--jobs", EVIL],
    [f"--bogus{EVIL}"],
    [f"command{EVIL}"],
    ["batch", "-", "-o", f"/nonexistent{EVIL}/out.jsonl"],
    ["extract", f"docs{EVIL}", "--into", "x"],
    ["import", f"table{EVIL}.csv", "--into", "x"],
])
def test_errors_naming_files_and_values_are_inert(terminal_cli, evil_folder, argv):
    status, out, err = terminal_cli(argv)
    assert status == 2
    assert err.startswith("faqbot: error: ") and err.count("\n") == 1
    assert_inert(out, err)


def test_an_invalid_value_in_an_intents_file_is_quoted_inert(terminal_cli, evil_folder):
    (evil_folder / "tea.yaml").write_text(f'intents:\n  - id: "tea{EVIL_YAML}"\n    question: q\n    answer: a\n    topic: t\n')
    status, out, err = terminal_cli(["check", str(evil_folder)])
    assert status == 2
    assert_inert(out, err)
    assert "id 'tea\\x1b[2J" in err


# --- text that is not UTF-8 -----------------------------------------------------------------
# A file name with bytes that are not UTF-8 reaches Python as lone surrogates ("\udcff"), and so
# does a "\udcff" escape in a JSON-lines question. A terminal stream in a UTF-8 locale is strict:
# writing such a character raised UnicodeEncodeError, with a traceback, before these were fixed.


def strict_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")


def run_strict(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = strict_stream(), strict_stream()
    status = main(argv, stdin=io.StringIO(""), stdout=stdout, stderr=stderr)
    return status, *(s.buffer.getvalue().decode("utf-8") for s in (stdout, stderr) if not s.flush())


@pytest.fixture
def undecodable_name(tmp_path) -> str:
    name = os.fsdecode(os.path.join(os.fsencode(str(tmp_path)), b"bad\xff.txt"))
    try:
        Path(name).write_bytes(b"does green tea contain caffeine\n\xff\xfe\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    return name


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "markdown", "text"])
def test_a_file_name_that_is_not_utf8_is_written_in_every_format(evil_folder, undecodable_name, fmt, tmp_path):
    status, out, err = run_strict(["batch", undecodable_name, "--intents", str(evil_folder), "--format", fmt, "-j", "1"])
    assert status == 1
    shown = json.loads(out.splitlines()[1])["error"] if fmt == "jsonl" else out
    assert "bad\\udcff.txt:2: line is not valid UTF-8" in shown
    status, _, _ = run_strict(["batch", undecodable_name, "--intents", str(evil_folder), "--format", fmt, "-j", "1",
                               "-o", str(tmp_path / f"out.{fmt}")])
    assert status == 1


def test_a_folder_name_that_is_not_utf8_is_written(evil_folder, tmp_path):
    target = os.fsdecode(os.path.join(os.fsencode(str(tmp_path)), b"in\xfftents"))
    try:
        evil_folder.rename(target)
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    status, out, _ = run_strict(["check", target])
    assert status == 0 and "in\\udcfftents: valid" in out
    status, _, err = run_strict(["check", target + "-missing"])
    assert status == 2 and "in\\udcfftents-missing: no such intents folder" in err


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "markdown", "text"])
def test_a_lone_surrogate_escaped_in_json_input_is_written_in_every_format(evil_folder, fmt, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "zzz \\udcff qqq", "ref": "\\ud800"}\n', encoding="utf-8")
    log = tmp_path / "unanswered.jsonl"
    status, out, _ = run_strict(["batch", str(questions), "--intents", str(evil_folder), "--format", fmt, "-j", "1",
                                 "--log-unanswered", str(log)])
    assert status == 0
    assert "zzz \\udcff qqq" in out
    assert json.loads(log.read_text(encoding="utf-8"))["question"] == "zzz \udcff qqq"
    status, _, _ = run_strict(["batch", str(questions), "--intents", str(evil_folder), "--format", fmt, "-j", "1",
                               "-o", str(tmp_path / f"out.{fmt}")])
    assert status == 0


@pytest.mark.parametrize("suffix", [".txt", ".yaml", ".jsonl", ".csv"])
def test_a_question_file_whose_name_holds_escapes_is_read_and_named_inert(terminal_cli, evil_folder, tmp_path, suffix):
    path = tmp_path / f"q{EVIL.replace(chr(13), '')}{suffix}"
    body = {".txt": "does green tea contain caffeine\n", ".yaml": "- does green tea contain caffeine\n",
            ".jsonl": '{"question": "does green tea contain caffeine"}\n',
            ".csv": "question\ndoes green tea contain caffeine\n"}[suffix]
    path.write_text(body, encoding="utf-8")
    status, out, err = terminal_cli(["batch", str(path), "--intents", str(evil_folder), "--format", "text", "-j", "1"])
    assert (status, err) == (0, "")
    assert "(answered" in out
    # A bad record (or, for YAML, a bad file): the name in the message is shown inert.
    path.write_bytes(path.read_bytes() + b"\xff\n" if suffix != ".yaml" else b"- [unclosed\n")
    status, out, err = terminal_cli(["batch", str(path), "--intents", str(evil_folder), "--format", "text", "-j", "1"])
    assert status in (1, 2)
    assert_inert(out, err)
    assert "q\\x1b[2J" in out + err
