"""`faqbot batch` inputs and outputs as they come from real exports: encodings, line ends,
columns carried through, unreadable records, every output format. All through
``main(argv, stdin, stdout, stderr)``, on the tiny tea intents built in tmp_path."""

from __future__ import annotations

import csv
import io
import json

import pytest

from faqbot.bot import Bot

DISCLAIMER = "Not medical advice; ask your doctor."


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def batch(cli, tea_folder):
    """Run `faqbot batch` on the tea intents, in one process (-j 1), without the summary line
    (-q; tests/cli/test_batch_safety.py tests it) so that stderr holds only what a test is about."""
    def call(*argv, stdin_text: str = "", stdin_bytes: bytes | None = None):
        return cli(["batch", "--intents", str(tea_folder), "-j", "1", "-q", *argv], stdin_text, stdin_bytes=stdin_bytes)
    return call


def answer(tea_bot, n: int, question: str, **extra) -> dict:
    """The record the contract promises for a readable question: the Bot's own reply."""
    return {"n": n, **extra, **tea_bot.reply(question).record()}


def error(n: int, where: str, reason: str, question=None, **extra) -> dict:
    return {"n": n, **extra, "question": question, "status": "error", "intent": None, "score": 0.0,
            "answer": None, "source": None, "suggestions": [], "reason": "the input could not be read",
            "see_also": [], "error": f"{where}: {reason}"}


# --- text files ------------------------------------------------------------------------------


def test_txt_with_bom_crlf_blank_and_comment_lines(batch, tea_bot, tmp_path):
    path = tmp_path / "q.txt"
    path.write_bytes(b"\xef\xbb\xbfDoes green tea contain caffeine?\r\n\r\n# a comment\r\n  How do I brew coffee?  \r\n")
    status, out, err = batch(str(path))
    assert (status, err) == (0, "")
    assert records(out) == [answer(tea_bot, 1, "Does green tea contain caffeine?"),
                            answer(tea_bot, 2, ""),
                            answer(tea_bot, 3, "How do I brew coffee?")]
    assert records(out)[1]["status"] == "fallback"


def test_invalid_utf8_line_is_an_error_record_and_the_run_goes_on(batch, tea_bot, tmp_path):
    path = tmp_path / "q.txt"
    path.write_bytes(b"How do I brew coffee?\ncaf\xe9 au lait?\ngreen tea brewing\n")
    status, out, err = batch(str(path))
    assert status == 1
    assert err == "faqbot: 1 record(s) could not be read; see their 'error' field\n"
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?"),
                            error(2, f"{path}:2", "line is not valid UTF-8"),
                            answer(tea_bot, 3, "green tea brewing")]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "markdown", "text"])
@pytest.mark.parametrize("name", ["empty.txt", "empty.csv", "empty.jsonl", "empty.yaml"])
def test_empty_file_gives_empty_output_and_exit_0(batch, tmp_path, fmt, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert batch(str(path), "--format", fmt) == (0, "", "")


def test_several_files_number_on(batch, tea_bot, tmp_path):
    (tmp_path / "a.txt").write_text("How do I brew coffee?\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('"green tea brewing"\n', encoding="utf-8")
    status, out, _ = batch(str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl"))
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?"), answer(tea_bot, 2, "green tea brewing")]


# --- CSV / TSV -------------------------------------------------------------------------------


def test_csv_column_chosen_and_other_columns_carried_through(batch, tea_bot, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffid,Patient question,channel\r\nA1,How do I brew coffee?,web\r\n"
                     'A2,"Does green tea\r\ncontain caffeine?",phone\r\n'.encode("utf-8"))
    status, out, err = batch(str(path), "--column", "patient question")
    assert (status, err) == (0, "")
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?", id="A1", channel="web"),
                            answer(tea_bot, 2, "Does green tea\ncontain caffeine?", id="A2", channel="phone")]


def test_csv_broken_rows_become_error_records_with_their_columns(batch, tea_bot, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"id,question\nA1,How do I brew coffee?\nA2,\nA3\nA4,caf\xe9?\n\nA5,green tea brewing\n")
    status, out, err = batch(str(path))
    assert status == 1
    assert "3 record(s) could not be read" in err
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?", id="A1"),
                            error(2, f"{path}:3", "missing value in column 'question'", id="A2"),
                            error(3, f"{path}:4", "missing value in column 'question'", id="A3"),
                            error(4, f"{path}:5", "row is not valid UTF-8", id="A4"),
                            answer(tea_bot, 5, "green tea brewing", id="A5")]


def test_tsv_input_and_csv_output_keep_the_id_column(batch, tea_bot, tmp_path):
    path = tmp_path / "export.tsv"
    path.write_text("question\tid\nHow do I brew coffee?\tT1\n", encoding="utf-8")
    status, out, _ = batch(str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == "n,id,question,status,intent,score,answer,source,suggestions,see_also,reason,error"
    expected = tea_bot.reply("How do I brew coffee?").record()
    assert rows == [{"n": "1", "id": "T1", "question": "How do I brew coffee?", "status": expected["status"],
                     "intent": expected["intent"] or "", "score": str(expected["score"]),
                     "answer": expected["answer"], "source": expected["source"] or "",
                     "suggestions": " | ".join(expected["suggestions"]), "see_also": "", "reason": expected["reason"],
                     "error": ""}]


def test_csv_without_the_column_is_a_usage_error(batch, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    status, out, err = batch(str(path))
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: {path}:1: no 'question' column in the header (columns: id, text)\n"


# --- JSONL and YAML --------------------------------------------------------------------------


def test_jsonl_fields_carried_and_unreadable_lines_reported(batch, tea_bot, tmp_path):
    path = tmp_path / "inbox.jsonl"
    path.write_text('{"id": 7, "question": "How do I brew coffee?", "tags": ["a"]}\n'
                    '"green tea brewing"\n'
                    '{"id": 8, "question": 42}\n'
                    '{"id": 9}\n'
                    '{"question": "oops"\n'
                    '[1, 2]\n'
                    '{"id": 10, "question": "   "}\n', encoding="utf-8")
    status, out, _ = batch(str(path))
    assert status == 1
    assert records(out) == [
        answer(tea_bot, 1, "How do I brew coffee?", id=7, tags=["a"]),
        answer(tea_bot, 2, "green tea brewing"),
        error(3, f"{path}:3", "'question' must be text, not int", id=8),
        error(4, f"{path}:4", "missing 'question' field", id=9),
        error(5, f"{path}:5", "invalid JSON: Expecting ',' delimiter at column 20"),
        error(6, f"{path}:6", "expected text or an object with a 'question' field"),
        error(7, f"{path}:7", "empty question", id=10),
    ]


def test_yaml_list_of_text_and_mappings(batch, tea_bot, tmp_path):
    path = tmp_path / "survey.yaml"
    path.write_text("- How do I brew coffee?\n- question: green tea brewing\n  id: s2\n- 12\n", encoding="utf-8")
    status, out, _ = batch(str(path))
    assert status == 1
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?"),
                            answer(tea_bot, 2, "green tea brewing", id="s2"),
                            error(3, f"{path}:4", "expected text or a mapping with a 'question' field")]


# --- standard input --------------------------------------------------------------------------


def test_stdin_bytes_with_bom_crlf_and_invalid_utf8(batch, tea_bot):
    status, out, _ = batch("-", stdin_bytes=b"\xef\xbb\xbfHow do I brew coffee?\r\n\xff\xfe\r\ngreen tea brewing\r\n")
    assert status == 1
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?"),
                            error(2, "<stdin>:2", "line is not valid UTF-8"),
                            answer(tea_bot, 3, "green tea brewing")]


@pytest.mark.parametrize("fmt, text", [
    ("jsonl", '{"question": "How do I brew coffee?", "id": 1}\n'),
    ("yaml", "- question: How do I brew coffee?\n  id: 1\n"),
    ("csv", "question,id\nHow do I brew coffee?,1\n"),
])
def test_stdin_in_any_format(batch, tea_bot, fmt, text):
    status, out, _ = batch("-", "--input-format", fmt, stdin_text=text)
    expected_id = "1" if fmt == "csv" else 1
    assert (status, records(out)) == (0, [answer(tea_bot, 1, "How do I brew coffee?", id=expected_id)])


# --- output formats --------------------------------------------------------------------------


def test_markdown_output_escapes_cells_and_shows_errors(batch, tea_bot, tmp_path):
    path = tmp_path / "q.txt"
    path.write_bytes(b"How do I brew green | tea?\n\xff\n")
    status, out, _ = batch(str(path), "--format", "markdown")
    reply = tea_bot.reply("How do I brew green | tea?").record()
    answer_cell = reply["answer"].replace("|", "\\|").replace("\n", "<br>")
    assert out.splitlines() == [
        "| n | question | status | intent | score | answer | source |",
        "|---|---|---|---|---|---|---|",
        f"| 1 | How do I brew green \\| tea? | {reply['status']} | {reply['intent'] or ''} | {reply['score']} | "
        f"{answer_cell} | {reply['source'] or ''} |",
        f"| 2 |  | error |  | 0.0 | {path}:2: line is not valid UTF-8 |  |",
    ]


def test_text_output(batch, tea_bot, tmp_path):
    path = tmp_path / "q.txt"
    path.write_bytes(b"How do I brew coffee?\n\xff\n")
    status, out, _ = batch(str(path), "--format", "text")
    reply = tea_bot.reply("How do I brew coffee?").record()
    assert out == (f"[1] Q: How do I brew coffee?\n({reply['status']}, score {reply['score']})\n{reply['answer']}\n"
                   + "\n" + "-" * 60 + "\n" + f"[2] Q: \nerror: {path}:2: line is not valid UTF-8\n")


def test_every_answer_ends_with_the_disclaimer(batch):
    status, out, _ = batch("-", stdin_text="hello\nHow do I brew coffee?\nwhat about mars?\n")
    assert all(r["answer"].endswith(DISCLAIMER) for r in records(out))


def test_reserved_names_in_carried_columns_do_not_overwrite_the_answer(batch, tea_bot, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("question,status,ref\nHow do I brew coffee?,open,R1\n", encoding="utf-8")
    _, out, _ = batch(str(path))
    assert records(out) == [answer(tea_bot, 1, "How do I brew coffee?", ref="R1")]


def test_unknown_job_count_is_a_usage_error(batch):
    status, out, err = batch("-", "-j", "0")
    assert (status, out) == (2, "")
    assert "expected a whole number of at least 1, got '0'" in err


def test_bot_is_the_fixture_bot(tea_bot):
    assert isinstance(tea_bot, Bot) and tea_bot.disclaimer == DISCLAIMER


def test_jsonl_record_is_one_line_for_every_line_splitter(batch, tea_bot):
    question = "tea\u2028or\u2029coffee\x85now\x0bor\x0clater\x1c\x1d\x1e?"
    status, out, _ = batch("-", stdin_text=question + "\n")
    assert status == 0
    assert len(out.splitlines()) == 1
    assert records(out) == [answer(tea_bot, 1, question)]


def test_csv_quote_that_never_closes_does_not_swallow_the_rows_after_it(batch, tea_bot, tmp_path):
    """One stray quote must not turn the rest of an export into one question: its row is an
    error at its own line, and the lines after it are read again as rows."""
    path = tmp_path / "export.csv"
    path.write_text('id,question\nA1,How do I brew coffee?\nA2,"green tea brewing\nA3,green tea brewing\n'
                    'A4,"Does green tea\ncontain caffeine?"\n', encoding="utf-8")
    status, out, _ = batch(str(path))
    assert status == 1
    assert records(out) == [
        answer(tea_bot, 1, "How do I brew coffee?", id="A1"),
        error(2, f"{path}:3", "malformed CSV row: ',' expected after '\"' "
                              "(a quoted cell does not close; the lines after it are read as rows)"),
        answer(tea_bot, 3, "green tea brewing", id="A3"),
        answer(tea_bot, 4, "Does green tea\ncontain caffeine?", id="A4"),
    ]


def test_csv_quote_open_at_the_end_of_the_file(batch, tea_bot, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id,question\nA1,"How do I brew coffee?\nA2,green tea brewing\n', encoding="utf-8")
    status, out, _ = batch(str(path))
    assert records(out) == [
        error(1, f"{path}:2", "malformed CSV row: unexpected end of data "
                              "(a quoted cell does not close; the lines after it are read as rows)"),
        answer(tea_bot, 2, "green tea brewing", id="A2"),
    ]
