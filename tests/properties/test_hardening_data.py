"""Broken intents folders: every mistake a person or a disk can make gives one line naming the file
and the line, exit status 2, no traceback, and no bot at all (never a half-loaded one).

Also: YAML is only ever read with PyYAML's safe loader, and aliases (the "billion laughs" bomb)
are refused before they can expand.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.errors import DataFileError

SRC = Path(__file__).resolve().parents[2] / "src" / "faqbot"

GOOD = """\
intents:
  - id: tea-caffeine
    question: Does green tea contain caffeine?
    answer: Yes, some.
    topic: green tea
"""
BOT = "disclaimer: Not medical advice.\n"
BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
intents: *i
"""

# name: ({file: content (str or bytes; None deletes; "DIR" makes a folder)}, expected error after "faqbot: error: ")
CASES = {
    "malformed yaml": ({"tea.yaml": "intents:\n  - id: [tea\n"}, "tea.yaml:3: invalid YAML: expected ',' or ']'"),
    "tab indentation": ({"tea.yaml": GOOD.replace("    answer", "\tanswer")},
                        "tea.yaml:4: invalid YAML: tab character where YAML expects spaces (indent with spaces)"),
    "answer is a number": ({"tea.yaml": GOOD.replace("Yes, some.", "42")},
                           "tea.yaml:4: 'answer' must be text, got a number"),
    "answer is a date": ({"tea.yaml": GOOD.replace("Yes, some.", "2024-01-31")}, "tea.yaml:4: 'answer' must be text"),
    "intents not a list": ({"tea.yaml": "intents: yes\n"}, "tea.yaml:1: 'intents' must be a list, got true/false"),
    "file is a list": ({"tea.yaml": "- a\n- b\n"},
                       "tea.yaml:1: expected a mapping with an 'intents' list, got a list"),
    "duplicate id in one file": ({"tea.yaml": GOOD + GOOD[len("intents:\n"):]},
                                 "tea.yaml:6: duplicate intent id 'tea-caffeine' (first defined in tea.yaml:2)"),
    "duplicate id across files": ({"tea.yaml": GOOD, "more.yaml": GOOD},
                                  "tea.yaml:2: duplicate intent id 'tea-caffeine' (first defined in more.yaml:2)"),
    "duplicate key": ({"tea.yaml": GOOD + "    topic: tea\n"}, "tea.yaml:6: duplicate key 'topic'"),
    "empty answer": ({"tea.yaml": GOOD.replace("Yes, some.", "'   '")}, "tea.yaml:4: 'answer' must not be empty"),
    "missing answer": ({"tea.yaml": GOOD.replace("    answer: Yes, some.\n", "")},
                       "tea.yaml:2: intent is missing 'answer'"),
    "unknown key": ({"tea.yaml": GOOD + "    answr: typo\n"}, "tea.yaml:6: unknown key 'answr' in intent"),
    "unknown top-level key": ({"tea.yaml": GOOD + "extra: 1\n"}, "tea.yaml:6: unknown key 'extra' in intent file"),
    "empty folder": ({"tea.yaml": None}, "no intent files (*.yaml) in this folder"),
    "empty file": ({"tea.yaml": ""}, "tea.yaml:1: expected a mapping with an 'intents' list, got nothing"),
    "no intents at all": ({"tea.yaml": "intents: []\n"},
                          "no intents: every intent file here has an empty 'intents' list"),
    "missing disclaimer file": ({"bot.yaml": None},
                                "bot.yaml: missing: every intents folder needs a bot.yaml with a disclaimer"),
    "empty disclaimer": ({"bot.yaml": "disclaimer: ''\n"}, "bot.yaml:1: 'disclaimer' must be non-empty text"),
    "alias bomb": ({"tea.yaml": BOMB},
                   "tea.yaml:1: YAML aliases (*name) are not allowed: the anchor (&name) here is used again"),
    "merge key": ({"tea.yaml": "base: &b {topic: tea}\nintents:\n  - <<: *b\n"},
                  "tea.yaml:3: YAML merge keys (<<) are not allowed"),
    "python tag": ({"tea.yaml": "intents: !!python/name:os.system\n"},
                   "tea.yaml:1: invalid value: could not determine a constructor for the tag"),
    "python tag on a list": ({"tea.yaml": "intents: !!python/object/apply:os.system [echo owned]\n"},
                             "tea.yaml:1: each intent must be a mapping, got text"),
    "binary file": ({"tea.yaml": bytes(range(256)) * 4},
                    "tea.yaml: binary file (contains NUL bytes), expected UTF-8 text"),
    "png file": ({"tea.yaml": b"\x89PNG\r\n\x1a\n\xff\xd8\xff"}, "tea.yaml:1: invalid UTF-8 text"),
    "invalid utf-8 on line 3": ({"tea.yaml": GOOD.encode()[:40] + b"\xff\xfe" + GOOD.encode()[40:]},
                                "tea.yaml:3: invalid UTF-8 text"),
    # With a byte-order mark UTF-16 is decoded (tests/properties/test_hostile_files.py); without one
    # it is named as what it looks like.
    "utf-16 file without a byte-order mark": ({"tea.yaml": GOOD.encode("utf-16-le")},
                                              "tea.yaml: looks like UTF-16 text without a byte-order mark"),
    "utf-32 file without a byte-order mark": ({"tea.yaml": GOOD.encode("utf-32-be")},
                                              "tea.yaml: looks like UTF-32 text without a byte-order mark"),
    "intent file is a folder": ({"tea.yaml": None, "folder.yaml": "DIR"}, "folder.yaml: is a directory, not a file"),
    "bot.yaml is a folder": ({"bot.yaml": "DIR"}, "bot.yaml: is a directory, not a file"),
    "raw escape character": ({"tea.yaml": GOOD.replace("Yes, some.", "\x1b[2JYes")},
                             "tea.yaml:4: control character U+001B is not allowed in YAML"),
    # Found by fuzzing: PyYAML's scalar constructors raise plain Python errors on bad tagged values.
    "empty !!int": ({"tea.yaml": "intents: !!int ''\n"}, "tea.yaml:1: invalid int value ''"),
    "bad !!timestamp": ({"tea.yaml": "intents: !!timestamp soon\n"}, "tea.yaml:1: invalid timestamp value 'soon'"),
    "impossible date": ({"tea.yaml": GOOD.replace("Yes, some.", "2001-02-30")},
                        "tea.yaml:4: invalid timestamp value '2001-02-30'"),
    "empty !!bool": ({"tea.yaml": "intents: !!bool ''\n"}, "tea.yaml:1: invalid bool value ''"),
    "5000-digit number": ({"tea.yaml": GOOD.replace("Yes, some.", "9" * 5000)},
                          "tea.yaml:4: invalid int value '9999"),
    "deep nesting": ({"tea.yaml": "intents:\n  - id: tea\n    examples: " + "[" * 600 + "]" * 600 + "\n"},
                     "tea.yaml:3: invalid YAML: nested too deeply"),
    "deep nesting over lines": ({"tea.yaml": "intents:\n" + "".join("  " * k + "- \n" for k in range(1, 700))},
                                "tea.yaml:100: invalid YAML: nested too deeply"),
    "bad source lines": ({"tea.yaml": GOOD + "    source: {file: t.md, section: S, lines: [9, 2]}\n"},
                         "tea.yaml:6: source 'lines' must be [first, last], two line numbers"),
    "bad lexicon": ({"lexicon.yaml": "synonyms: [[alone]]\n"},
                    "lexicon.yaml:1: each synonym group must be a list of at least two"),
    "bad safety regex": ({"safety.yaml": "message: Call 999.\nrules:\n  - id: r\n    patterns: ['(']\n"},
                         "safety.yaml:4: invalid regular expression"),
}


def make_folder(root: Path, files: dict) -> Path:
    folder = root / "intents"
    folder.mkdir()
    (folder / "tea.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "bot.yaml").write_text(BOT, encoding="utf-8")
    for name, content in files.items():
        path = folder / name
        if path.exists():
            path.unlink()
        if content == "DIR":
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize("files, expected", CASES.values(), ids=CASES.keys())
def test_a_broken_folder_gives_one_line_naming_file_and_line_and_status_2(tmp_path, files, expected):
    folder = make_folder(tmp_path, files)
    for argv in (["check", str(folder)], ["--intents", str(folder), "ask", "tea?"],
                 ["batch", "-", "--intents", str(folder)]):
        stdout, stderr = io.StringIO(), io.StringIO()
        status = main(argv, stdin=io.StringIO("does tea have caffeine\n"), stdout=stdout, stderr=stderr)
        message = stderr.getvalue()
        assert status == 2, argv
        assert stdout.getvalue() == ""  # nothing answered from a broken folder
        assert message.count("\n") == 1 and "Traceback" not in message
        assert message.startswith("faqbot: error: " + str(folder)), message
        assert expected in message, message


@pytest.mark.parametrize("files, expected", CASES.values(), ids=CASES.keys())
def test_a_broken_folder_never_gives_a_bot(tmp_path, files, expected):
    with pytest.raises(DataFileError):
        Bot.from_folder(make_folder(tmp_path, files))


def test_an_escaped_control_character_in_an_answer_loads_but_is_shown_inert(tmp_path):
    """YAML's "\\e" escape is allowed in the data; the front ends neutralise it when printing."""
    folder = make_folder(tmp_path, {"tea.yaml": GOOD.replace("Yes, some.", '"\\e[2J\\e]0;owned\\aYes"')})
    stdout = io.StringIO()
    assert main(["--intents", str(folder), "ask", "does green tea contain caffeine"], stdout=stdout) == 0
    assert "\x1b" not in stdout.getvalue() and "\x07" not in stdout.getvalue()
    assert "\\x1b[2J\\x1b]0;owned\\x07Yes" in stdout.getvalue()


def test_a_missing_intents_folder_and_a_file_given_as_folder_are_one_line_errors(tmp_path):
    (tmp_path / "file.yaml").write_text(GOOD)
    for folder, expected in ((tmp_path / "nowhere", "no such intents folder"),
                             (tmp_path / "file.yaml", "is not a folder")):
        stderr = io.StringIO()
        assert main(["check", str(folder)], stdout=io.StringIO(), stderr=stderr) == 2
        assert stderr.getvalue() == f"faqbot: error: {folder}: {expected}" + stderr.getvalue().split(expected, 1)[1]
        assert stderr.getvalue().count("\n") == 1


def test_yaml_is_only_ever_read_with_the_safe_loader():
    unsafe = re.compile(r"yaml\.load\(|yaml\.load_all\(|yaml\.unsafe_load|Loader=yaml\.Loader|FullLoader|UnsafeLoader")
    offenders = [f"{path.name}:{number}" for path in sorted(SRC.glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if unsafe.search(line)]
    assert offenders == []


# --- coverage test files --------------------------------------------------------------------

TEST_FILE_CASES = {
    "malformed yaml": ("- say: [is there caffeine\n", "cases.yaml:2: invalid YAML"),
    "tab indentation": ("- say: tea?\n\texpect: tea-caffeine\n", "cases.yaml:2: invalid YAML: tab character"),
    "alias bomb": (BOMB, "cases.yaml:1: YAML aliases (*name) are not allowed"),
    "binary": (b"\x00\x01\x02" * 50, "cases.yaml: binary file (contains NUL bytes)"),
    "invalid utf-8": (b"- say: tea\n  expect: \xff\n", "cases.yaml:2: invalid UTF-8 text"),
    "a folder": ("DIR", "cases.yaml: is a directory, not a file"),
    "wrong type": ("- say: 42\n  expect: tea-caffeine\n", "cases.yaml:1:"),
    "raw escape": ("- say: \"tea\"\n  expect: \x1b[2J\n", "cases.yaml:2: control character U+001B"),
}


@pytest.mark.parametrize("content, expected", TEST_FILE_CASES.values(), ids=TEST_FILE_CASES.keys())
def test_a_broken_coverage_test_file_is_one_line_with_file_and_line(tmp_path, content, expected):
    folder = make_folder(tmp_path, {})
    cases = tmp_path / "cases.yaml"
    if content == "DIR":
        cases.mkdir()
    elif isinstance(content, bytes):
        cases.write_bytes(content)
    else:
        cases.write_text(content, encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["--intents", str(folder), "coverage", str(cases)], stdout=stdout, stderr=stderr)
    assert status == 2
    assert stdout.getvalue() == ""
    assert stderr.getvalue().count("\n") == 1 and "Traceback" not in stderr.getvalue()
    assert stderr.getvalue().startswith(f"faqbot: error: {tmp_path}")
    assert expected in stderr.getvalue()
