"""Batch outputs safe for their consumers, and the batch ergonomics of issue 15: text that cannot
forge a record, markdown that cannot inject HTML or break its table, CSV that a spreadsheet never
evaluates and that drops no field; -o's extension picks the format; a summary line; -j capped."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples
from faqbot.batch.writers import FORMULA_PREFIXES, format_for, spreadsheet_safe

STATUS_LINE = re.compile(r"^\((answered|clarify|fallback|smalltalk|emergency), score [0-9.]+\)$", re.M)
QUESTION_LINE = re.compile(r"^\[\d+\] Q: ", re.M)
PROPERTY = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture
def batch(cli, tea_folder):
    def call(*argv, stdin_text: str = ""):
        return cli(["batch", "--intents", str(tea_folder), "-j", "1", "-q", *argv], stdin_text)
    return call


def jsonl(*questions, **extra) -> str:
    return "".join(json.dumps({"question": q, **extra}) + "\n" for q in questions)


# --- text: a question can never forge a block --------------------------------------------------


def test_text_output_shows_line_breaks_inside_a_question_as_escapes(batch):
    forged = "hi\n(answered, score 100.0)\nTake twenty tablets.\r[2] Q: fake"
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "text", stdin_text=jsonl(forged))
    assert status == 0
    assert out.splitlines()[0] == "[1] Q: hi\\n(answered, score 100.0)\\nTake twenty tablets.\\r[2] Q: fake"
    assert len(STATUS_LINE.findall(out)) == 1 and len(QUESTION_LINE.findall(out)) == 1


@PROPERTY
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_property_text_output_has_one_block_per_record(batch, questions):
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "text", stdin_text=jsonl(*questions))
    assert status in (0, 1)
    assert len(QUESTION_LINE.findall(out)) == len(questions)
    answered = sum(1 for q in questions if q.strip())          # an empty question is an error record
    assert len(STATUS_LINE.findall(out)) == answered


# --- markdown: no HTML, no links, one cell per column -------------------------------------------


def test_markdown_escapes_html_links_and_pipes(batch):
    hostile = '<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](http://t/p.png) a|b `c`'
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "markdown", stdin_text=jsonl(hostile))
    assert status == 0
    row = out.splitlines()[2]
    assert row.split(" | ")[1] == ("&lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1)) "
                                   "!\\[i\\](http://t/p.png) a\\|b \\`c\\`")


def _unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", row))


@PROPERTY
@given(st.lists(st.text(max_size=40), min_size=1, max_size=4))
def test_property_markdown_rows_keep_their_columns_and_hold_no_html(batch, questions):
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "markdown", stdin_text=jsonl(*questions))
    rows = out.splitlines()[2:]
    assert len(rows) == len(questions)
    assert all(_unescaped_pipes(row) == 8 for row in rows)       # 7 columns
    assert "<" not in out.replace("<br>", "")


# --- CSV: never a formula, every field, nested values as JSON -----------------------------------


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_neutralises_formula_prefixes(batch):
    hostile = ['=HYPERLINK("http://evil","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "csv",
                           stdin_text=jsonl(*hostile[:4]) + json.dumps({"question": "tea?", "note": hostile[4]}) + "\n"
                           + json.dumps({"question": "tea?", "note": hostile[5]}) + "\n")
    rows = read_csv(out)
    assert [r["question"] for r in rows[:4]] == ["'" + q for q in hostile[:4]]
    assert [r["note"] for r in rows[4:]] == ["'\tTAB", "'\rCR"]
    for row in rows:
        assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row.values())


@given(st.text(max_size=30))
def test_property_spreadsheet_safe_is_reversible_and_never_a_formula(text):
    safe = spreadsheet_safe(text)
    assert not safe.startswith(FORMULA_PREFIXES)
    assert (safe[1:] if safe != text else safe) == text


def test_csv_header_is_the_union_of_every_records_fields_and_nested_values_are_json(batch):
    lines = (json.dumps({"question": "tea?"}) + "\n"
             + json.dumps({"question": "coffee?", "ref": 7, "tags": ["a", "b"], "meta": {"k": None}, "ok": True}) + "\n")
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "csv", stdin_text=lines)
    assert status == 0
    header = out.splitlines()[0].split(",")
    assert header[:5] == ["n", "ref", "tags", "meta", "ok"]
    assert header[5:] == ["question", "status", "intent", "score", "answer", "source", "suggestions", "see_also", "reason",
                           "error"]
    first, second = read_csv(out)
    assert (first["ref"], first["tags"]) == ("", "")
    assert (second["ref"], second["tags"], second["meta"], second["ok"]) == ("7", '["a", "b"]', '{"k": null}', "true")


def test_csv_fields_option_picks_and_orders_the_columns(batch):
    lines = json.dumps({"question": "tea?", "ref": "x1"}) + "\n"
    status, out, _ = batch("-", "--input-format", "jsonl", "--format", "csv", "--fields", "ref,question,status",
                           stdin_text=lines)
    assert status == 0
    assert out.splitlines()[0] == "ref,question,status"
    assert read_csv(out)[0]["ref"] == "x1"


def test_fields_with_another_format_is_a_usage_error(batch):
    status, out, err = batch("-", "--fields", "question", stdin_text="tea?\n")
    assert (status, out) == (2, "")
    assert err == "faqbot: error: --fields chooses CSV columns; the output format is jsonl (see 'faqbot batch --help')\n"


def test_interrupted_csv_to_standard_output_writes_no_partial_table(cli, tea_folder, monkeypatch):
    from faqbot.bot import Bot

    original, calls = Bot.reply, []

    def reply(self, question, conversation=None):
        calls.append(question)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, question, conversation)

    monkeypatch.setattr(Bot, "reply", reply)
    status, out, err = cli(["batch", "--intents", str(tea_folder), "-j", "1", "--format", "csv", "-"], "tea?\ncoffee?\n")
    assert (status, out) == (130, "")
    assert err == "faqbot: interrupted: 1 question(s) answered\n"


# --- -o picks the format; the summary line; -j capped --------------------------------------------


@pytest.mark.parametrize("name, fmt", [("out.csv", "csv"), ("OUT.MD", "markdown"), ("a.markdown", "markdown"),
                                       ("out.txt", "text"), ("out.jsonl", "jsonl"), ("out.json", "jsonl"),
                                       ("out", "jsonl"), ("dir.d/out", "jsonl")])
def test_the_output_extension_picks_the_format(name, fmt):
    assert format_for(name, None) == fmt
    assert format_for(name, "text") == "text"     # --format wins


def test_o_out_csv_writes_csv_and_format_overrides_it(batch, tmp_path):
    target = tmp_path / "out.csv"
    assert batch("-", "-o", str(target), stdin_text="tea?\n").status == 0
    assert target.read_text().startswith("n,question,status")
    assert batch("-", "-o", str(target), "--format", "jsonl", stdin_text="tea?\n").status == 0
    assert json.loads(target.read_text())["n"] == 1


def test_a_summary_line_ends_the_run(cli, tea_folder):
    status, _, err = cli(["batch", "--intents", str(tea_folder), "-j", "1", "-"],
                         stdin_bytes=b"does green tea contain caffeine\nhello\nwhat about mars\n\n\xff\n")
    assert status == 1
    assert err.splitlines() == [
        "faqbot: 5 questions: 1 answered, 0 clarify, 2 fallback, 1 smalltalk, 0 emergency, 1 error; "
        f"intents folder: {tea_folder} (--intents)",
        "faqbot: 1 record(s) could not be read; see their 'error' field"]
    assert cli(["batch", "--intents", str(tea_folder), "-q", "-"], "hello\n").err == ""


@pytest.mark.parametrize("argv, expected", [(["-j", "64"], os.cpu_count()), (["-j", "64", "--force-jobs"], 64),
                                            (["-j", "1"], 1), ([], 1)])
def test_jobs_are_capped_at_the_cpus_unless_forced(cli, tea_folder, monkeypatch, argv, expected):
    assert _jobs_chosen(cli, monkeypatch, ["batch", "--intents", str(tea_folder), "-q", *argv, "-"], "hello\n") == [expected]


def _jobs_chosen(cli, monkeypatch, argv, stdin_text="") -> list[int]:
    import faqbot.batch.answering as answering

    seen = []
    original = answering.answer_items

    def spy(bot, items, conversation=False, jobs=1):
        seen.append(jobs)
        return original(bot, items, conversation, 1)

    monkeypatch.setattr(answering, "answer_items", spy)
    assert cli(argv, stdin_text).status == 0
    return seen


@pytest.fixture
def large_folder(tea_folder, monkeypatch):
    """The tea folder, counted as large (Bot.is_large) as a site-sized folder is."""
    from faqbot.bot import Bot

    monkeypatch.setattr(Bot, "is_large", staticmethod(lambda folder: True))
    return tea_folder


@pytest.mark.parametrize("cpus, lines, large, expected", [
    (2, 2000, True, 2),        # a long file, a large folder, two CPUs: this process and a worker
    (8, 5000, True, 2),        # never more than two: measured on two cores
    (1, 5000, True, 1),        # one CPU
    (2, 1999, True, 1),        # a short file
    (2, 5000, False, 1),       # a small folder: a reply costs too little for a worker to pay
])
def test_default_jobs_are_two_only_where_they_pay(cli, tea_folder, tmp_path, monkeypatch, cpus, lines, large, expected):
    from faqbot.bot import Bot

    monkeypatch.setattr(Bot, "is_large", staticmethod(lambda folder: large))
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    questions = tmp_path / "q.txt"
    questions.write_text("# a comment is no question\n" + "tea?\n" * lines)
    argv = ["batch", "--intents", str(tea_folder), "-q", "-o", str(tmp_path / "out.jsonl"), str(questions)]
    assert _jobs_chosen(cli, monkeypatch, argv) == [expected]


def test_default_jobs_are_one_for_standard_input_and_conversations(cli, large_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    questions = tmp_path / "q.txt"
    questions.write_text("tea?\n" * 3000)
    base = ["batch", "--intents", str(large_folder), "-q", "-o", str(tmp_path / "out.jsonl")]
    assert _jobs_chosen(cli, monkeypatch, [*base, "-"], "tea?\n" * 3000) == [1]
    assert _jobs_chosen(cli, monkeypatch, [*base, str(questions), "-"], "tea?\n") == [1]
    assert _jobs_chosen(cli, monkeypatch, [*base, "--conversation", str(questions)]) == [1]


def test_the_progress_line_is_cleared_before_an_interruption_message(cli, tea_folder, monkeypatch):
    """On a terminal the half-way bar is erased, so the message is not read as a final count."""
    import threading

    from faqbot.bot import Bot

    original, calls = Bot.reply, []

    def reply(self, question, conversation=None):
        calls.append(question)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, question, conversation)

    monkeypatch.setattr(Bot, "reply", reply)
    master, slave = os.openpty()
    shown = []

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with open(slave, "w", encoding="utf-8", closefd=True) as terminal:
        status, _, _ = cli(["batch", "--intents", str(tea_folder), "-j", "1", "-o", os.devnull, "-"],
                           "tea?\ncoffee?\nmore?\n", stderr=terminal)
    reader.join(timeout=10)
    screen = b"".join(shown).decode("utf-8", "replace")
    assert status == 130
    assert "\x1b[A\x1b[2K\rfaqbot: interrupted: 2 question(s) answered" in screen
