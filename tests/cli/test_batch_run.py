"""How a batch run starts, ends and fails: -o written atomically, Ctrl-C, a closed stdout, the
progress bar only on a terminal, and a hypothesis property over arbitrary input lines."""

from __future__ import annotations

import io
import json
import re
import os
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqbot.bot import Bot
from faqbot.cli import _batch_progress, build_parser, main
from faqbot.progress import NoProgress, Progress
from conftest import examples


QUESTIONS = "How do I brew coffee?\ngreen tea brewing\nDoes green tea contain caffeine?\nhello\n"


# --- -o: complete or absent ------------------------------------------------------------------


def test_output_file_is_complete_owner_only_and_leaves_no_temporary(cli, tea_folder, tmp_path):
    target = tmp_path / "out" / "answers.jsonl"
    target.parent.mkdir()
    status, out, err = cli(["batch", "-", "--intents", str(tea_folder), "-o", str(target)], QUESTIONS)
    assert (status, out, err) == (0, "", "faqbot: 4 questions: 3 answered, 0 clarify, 0 fallback, 1 smalltalk, "
                                         f"0 emergency, 0 error; intents folder: {tea_folder} (--intents)\n")
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    assert os.listdir(target.parent) == ["answers.jsonl"]
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def interrupt_on_third(monkeypatch):
    """Bot.reply raises KeyboardInterrupt on the third question, as Ctrl-C would mid-run."""
    original = Bot.reply
    calls = []

    def reply(self, question, conversation=None):
        calls.append(question)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, question, conversation)

    monkeypatch.setattr(Bot, "reply", reply)


def test_interrupted_run_leaves_no_output_file_and_says_how_far_it_got(cli, tea_folder, tmp_path, interrupt_on_third):
    target = tmp_path / "answers.csv"
    status, out, err = cli(["batch", "-", "--intents", str(tea_folder), "-o", str(target), "--format", "csv"], QUESTIONS)
    assert status == 130
    assert err == f"faqbot: interrupted: 2 question(s) answered; {target} was not written\n"
    assert os.listdir(tmp_path) == ["intents"]


def test_interrupted_run_keeps_an_earlier_complete_output(cli, tea_folder, tmp_path, interrupt_on_third):
    target = tmp_path / "answers.jsonl"
    target.write_text("earlier run\n", encoding="utf-8")
    status, _, _ = cli(["batch", "-", "--intents", str(tea_folder), "-o", str(target)], QUESTIONS)
    assert status == 130
    assert target.read_text(encoding="utf-8") == "earlier run\n"


def test_interrupted_run_to_stdout_keeps_the_records_already_written(cli, tea_folder, interrupt_on_third):
    status, out, err = cli(["batch", "-", "--intents", str(tea_folder), "-j", "1"], QUESTIONS)
    assert status == 130
    assert [json.loads(line)["n"] for line in out.splitlines()] == [1, 2]
    assert err == "faqbot: interrupted: 2 question(s) answered\n"


@pytest.mark.parametrize("where, message", [
    ("missing/answers.jsonl", "folder {tmp}/missing does not exist"),
    ("", "is a directory; give a file name for the output"),
])
def test_output_into_a_missing_folder_or_onto_a_folder_is_a_usage_error(cli, tea_folder, tmp_path, where, message):
    status, out, err = cli(["batch", "-", "--intents", str(tea_folder), "-o", str(tmp_path / where)], QUESTIONS)
    assert (status, out) == (2, "")
    assert message.format(tmp=tmp_path) in err


# --- closed stdout ---------------------------------------------------------------------------


class ClosesAfter(io.StringIO):
    """A stdout whose reader goes away after ``lines`` lines, like `| head`."""

    def __init__(self, lines: int):
        super().__init__()
        self.lines = lines

    def write(self, text: str) -> int:
        if self.getvalue().count("\n") >= self.lines:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")


def test_closed_stdout_ends_quietly(tea_folder):
    stdout, stderr = ClosesAfter(1), io.StringIO()
    status = main(["batch", "-", "--intents", str(tea_folder)], stdin=io.StringIO(QUESTIONS * 50),
                  stdout=stdout, stderr=stderr)
    assert (status, stderr.getvalue()) == (0, "")
    assert stdout.getvalue().count("\n") == 1


def test_piped_into_head_ends_quietly(tea_folder, tmp_path):
    questions = tmp_path / "big.txt"
    questions.write_text(QUESTIONS * 2000, encoding="utf-8")
    command = (f"{sys.executable} -c 'import sys; from faqbot.cli import main; sys.exit(main())' "
               f"batch {questions} --intents {tea_folder} | head -n 2")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 2
    assert done.returncode == 0


# --- progress --------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def batch_args(*argv):
    return build_parser().parse_args(["batch", *argv])


def test_progress_only_on_a_terminal_and_not_with_quiet(tmp_path):
    piped = io.StringIO()
    assert isinstance(_batch_progress(batch_args("-"), io.StringIO(), piped), NoProgress)
    assert isinstance(_batch_progress(batch_args("-", "--quiet"), FakeTerminal(), piped), NoProgress)
    shown = _batch_progress(batch_args("-"), FakeTerminal(), piped)
    assert isinstance(shown, Progress) and shown.total is None


def test_no_progress_bar_among_records_scrolling_on_the_terminal(tmp_path):
    """stdout on the terminal too: the records show progress; with -o the bar is back."""
    assert isinstance(_batch_progress(batch_args("-"), FakeTerminal(), FakeTerminal()), NoProgress)
    out = str(tmp_path / "out.jsonl")
    assert isinstance(_batch_progress(batch_args("-", "-o", out), FakeTerminal(), FakeTerminal()), Progress)


def test_progress_total_is_estimated_from_the_files(tmp_path):
    (tmp_path / "a.txt").write_text("q1\n\n# note\nq2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("question\nq3\n", encoding="utf-8")
    shown = _batch_progress(batch_args(str(tmp_path / "a.txt"), str(tmp_path / "b.csv")), FakeTerminal(), io.StringIO())
    assert shown.total == 4  # q1, the blank line (an empty question), q2, q3


def test_stderr_not_a_terminal_gets_no_progress(cli, tea_folder):
    status, out, err = cli(["batch", "-", "--intents", str(tea_folder)], QUESTIONS)
    assert (status, err) == (0, "faqbot: 4 questions: 3 answered, 0 clarify, 0 fallback, 1 smalltalk, 0 emergency, "
                                f"0 error; intents folder: {tea_folder} (--intents)\n")   # the summary line only, no bar
    assert len(out.splitlines()) == 4


def test_progress_bar_draws_on_a_real_terminal(cli, tea_folder):
    """On a pseudo-terminal the bar shows the count and rate; stdout still gets only records."""
    master, slave = os.openpty()
    shown = []
    reader = threading.Thread(target=lambda: _drain(master, shown), daemon=True)
    reader.start()
    with open(slave, "w", encoding="utf-8", closefd=True) as terminal:
        status, out, _ = cli(["batch", "-", "--intents", str(tea_folder)], QUESTIONS, stderr=terminal)
    reader.join(timeout=10)
    assert status == 0 and len(out.splitlines()) == 4
    screen = b"".join(shown).decode("utf-8", "replace")
    assert "answering" in screen and "4" in screen and "questions/s" in screen


def _drain(fd: int, into: list) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        into.append(chunk)


# --- one record per question, in order, whatever the lines ----------------------------------


def expected_records(data: bytes) -> list[tuple[int, str | None]]:
    """The txt contract over raw bytes: a '#' comment is skipped (whatever its other bytes); each
    other line not valid UTF-8 is an error record; every other line is a question, stripped (a
    blank line an empty one)."""
    expected = []
    for mark, encoding in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                           (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(mark):     # a byte-order mark: the file is read in that encoding
            data = data[len(mark):].decode(encoding, "replace").encode("utf-8", "surrogatepass")
            break
    # Lines end with LF, CRLF or a lone CR.
    lines = re.split(rb"\r\n|\r|\n", data)
    if data.endswith((b"\n", b"\r")):
        lines.pop()  # the final line break ends the last line; it does not start another
    for number, line in enumerate(lines if data else [], 1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.decode("utf-8", "replace").strip().startswith("#"):
            continue          # a comment, even one whose other bytes are not UTF-8
        try:
            text = line.decode("utf-8").strip()
        except UnicodeDecodeError:
            expected.append((number, None))
            continue
        expected.append((number, text))
    return expected


line_bytes = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=30).map(
        lambda t: t.encode("utf-8")),
    st.binary(max_size=12).filter(lambda b: b"\n" not in b),
    st.sampled_from([b"", b"   ", b"# comment", b"\xef\xbb\xbfwith bom", b"crlf line\r", b"\xff\xfe"]),
)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(line_bytes, max_size=8), st.booleans())
def test_property_one_record_per_question_in_order(cli, tea_folder, tmp_path, lines, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    path = tmp_path / "q.txt"
    path.write_bytes(data)
    status, out, err = cli(["batch", str(path), "--intents", str(tea_folder), "-j", "1"])
    if status == 2:
        # Refused as a whole only for NUL bytes at its start (binary data, UTF-16/32 without a mark).
        assert b"\x00" in data[:4096] and out == ""
        assert err.count("\n") == 1 and ("NUL" in err or "without a byte-order mark" in err), err
        return
    records = [json.loads(line) for line in out.splitlines()]
    expected = expected_records(data)
    assert [r["n"] for r in records] == list(range(1, len(expected) + 1))
    assert [(r["question"], r["status"] == "error") for r in records] == [(q, q is None) for _, q in expected]
    assert [r["error"] for r in records if r["status"] == "error"] == [
        f"{path}:{number}: line is not valid UTF-8" for number, q in expected if q is None]
    assert status == (1 if any(q is None for _, q in expected) else 0)
