"""Every reader bounded, with clear errors (issue 15): any bytes in, one record per question (or one
line naming the file), never a traceback; line and size caps that hold for pipes and devices;
JSON integer and nesting limits; UTF-16/32 by byte-order mark; CR-only line ends.

FAQBOT_FUZZ_EXAMPLES (as for test_fuzz.py) raises the number of examples for a longer run in CI.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqbot.errors import DataFileError
from conftest import examples
from faqbot.files import read_text, stream_lines

EXAMPLES = int(os.environ.get("FAQBOT_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=EXAMPLES or examples(150), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# Each example of the CLI-level property starts two batch runs: a fifth of the budget, as the cost says.
FUZZ_CLI = settings(FUZZ, max_examples=EXAMPLES // 5 if EXAMPLES else examples(60))


def reference_lines(data: bytes) -> list[bytes]:
    """The lines of data by the contract: LF, CRLF and a lone CR end a line."""
    if not data:
        return []
    lines = re.split(rb"\r\n|\r|\n", data)
    if data.endswith((b"\n", b"\r")):
        lines.pop()
    return lines


class Chunked(io.RawIOBase):
    """A stream handing out ``data`` in the given chunk sizes, as a pipe does."""

    def __init__(self, data: bytes, sizes: list[int]):
        self.data, self.sizes = data, sizes or [1]

    def readable(self):
        return True

    def read1(self, limit=-1):
        if not self.data:
            return b""
        size = max(1, self.sizes[0])
        self.sizes = self.sizes[1:] + self.sizes[:1]
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk

    read = read1


TEXTISH = st.lists(st.sampled_from([b"a", b"b ", b"\n", b"\r", b"\r\n", b"\xc3\xa9", b"#", b"\xff", b" "]),
                   max_size=60).map(b"".join)


@FUZZ
@given(TEXTISH, st.lists(st.integers(1, 7), min_size=1, max_size=5))
def test_property_lines_do_not_depend_on_how_the_bytes_arrive(data, sizes):
    """A CR at the end of one chunk and a LF at the start of the next are one line break."""
    lines = [line for _, line in stream_lines(Chunked(data, sizes), "pipe")]
    assert lines == reference_lines(data)


@FUZZ
@given(TEXTISH, st.integers(2, 6), st.lists(st.integers(1, 9), min_size=1, max_size=4))
def test_property_a_line_over_the_cap_is_one_none_and_the_rest_is_read(data, cap, sizes):
    got = [line for _, line in stream_lines(Chunked(data, sizes), "pipe", line_limit=cap)]
    assert got == [None if len(line) > cap else line for line in reference_lines(data)]


def test_a_stream_over_its_size_cap_stops_with_one_line():
    with pytest.raises(DataFileError) as caught:
        list(stream_lines(Chunked(b"question\n" * 1000, [64]), "<stdin>", total_limit=4096))
    assert "input is larger than 4 KB; split it into smaller files" in str(caught.value)


def test_a_5_gb_line_is_skipped_in_bounded_memory_and_the_next_line_read():
    """Never held in memory: the long line's bytes are dropped as they arrive."""
    class Endless(io.RawIOBase):
        def __init__(self):
            self.left = 5 * 1024 ** 3

        def readable(self):
            return True

        def read1(self, limit=-1):
            if self.left <= 0:
                return b""
            if self.left <= 4:
                self.left = 0
                return b"\nok\n"
            size = min(1024 * 1024, self.left - 4)
            self.left -= size
            return b"a" * size if size == 1024 * 1024 else b"a" * size

        read = read1

    started = time.perf_counter()
    lines = list(stream_lines(Endless(), "<stdin>"))
    assert [line for _, line in lines] == [None, b"ok"]
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(cli, tea_folder, tmp_path, encoding):
    path = tmp_path / "q.txt"
    text = "does green tea contain caffeine\r\nthé vert?\r\n"
    mark = {"utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}.get(encoding, b"")
    path.write_bytes(mark + text.encode(encoding))
    status, out, _ = cli(["batch", str(path), "--intents", str(tea_folder), "-q", "-j", "1"])
    assert status == 0
    assert [json.loads(line)["question"] for line in out.splitlines()] == ["does green tea contain caffeine", "thé vert?"]


@pytest.mark.parametrize("encoding, name", [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
                                            ("utf-32-le", "UTF-32"), ("utf-32-be", "UTF-32")])
def test_utf16_and_utf32_without_a_mark_are_refused_naming_what_they_look_like(cli, tea_folder, tmp_path,
                                                                               encoding, name):
    path = tmp_path / "q.txt"
    path.write_bytes("does green tea contain caffeine\nhow do I brew it\n".encode(encoding))
    status, out, err = cli(["batch", str(path), "--intents", str(tea_folder), "-q"])
    assert (status, out) == (2, "")
    assert err == (f"faqbot: error: {path}: looks like {name} text without a byte-order mark; save it as UTF-8 "
                   f"(or {name} with a byte-order mark)\n")


def test_cr_only_line_ends_are_lines(cli, tea_folder, tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"does green tea contain caffeine\rhow do I brew green tea\r")
    status, out, _ = cli(["batch", str(path), "--intents", str(tea_folder), "-q"])
    assert status == 0 and len(out.splitlines()) == 2


def test_a_yaml_intent_file_in_utf16_with_a_mark_loads(cli, tea_folder):
    path = tea_folder / "tea.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    status, out, _ = cli(["check", str(tea_folder)])
    assert status == 0 and "valid, 3 intents" in out


# --- JSON limits: one record, or one line, naming file:line ----------------------------------


def test_jsonl_integer_nesting_and_overflow_limits_are_error_records(cli, tea_folder, tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join([
        '{"question": "does green tea contain caffeine"}',
        '{"question": "tea?", "id": ' + "9" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        '{"question": "tea?", "x": 1e999}',
        '{"question": "tea?", "x": NaN}',
        '{"question": "tea?", "deep": ' + "[" * 101 + "]" * 101 + "}",
        '{"question": "how do I brew green tea"}']) + "\n")
    status, out, err = cli(["batch", str(path), "--intents", str(tea_folder), "-q", "-j", "1"])
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["n"] for r in records] == list(range(1, 8))
    assert [r.get("error") for r in records] == [
        None,
        f"{path}:2: invalid JSON: an integer with more than 4,300 digits",
        f"{path}:3: invalid JSON: nested more than 100 levels deep",
        f"{path}:4: invalid JSON: the number 1e999 is too large",
        f"{path}:5: invalid JSON: NaN is not a JSON number",
        f"{path}:6: invalid JSON: nested more than 100 levels deep",
        None]


@pytest.mark.parametrize("body, expected", [
    ('[{"question": "q", "answer": ' + "1" * 5000 + "}]", ":1: invalid JSON: an integer with more than 4,300 digits"),
    ("\n" + "[" * 100_000 + "]" * 100_000, ":2: invalid JSON: nested more than 100 levels deep"),
])
def test_import_refuses_json_beyond_the_limits_in_one_line(cli, tmp_path, body, expected):
    table = tmp_path / "faq.json"
    table.write_text(body)
    status, out, err = cli(["import", str(table), "--into", str(tmp_path / "intents")])
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: {table}{expected}\n"


def test_review_reads_a_log_line_beyond_the_limits_as_text_never_a_traceback(cli, tea_folder, tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text('{"question": "green tea caffeine", "score": ' + "7" * 5000 + "}\n" + "[" * 100_000 + "\n")
    status, out, err = cli(["--intents", str(tea_folder), "review", str(log)])
    assert status == 0 and err == ""
    # the line with the huge number is reviewed as the text it is; the brackets hold no words
    assert "1 logged question" in out and "7" * 100 in out


# --- devices, pipes and standard input: the caps hold there too ------------------------------


def faqbot(*args, stdin=None, timeout=120):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "faqbot", *args], stdin=stdin, capture_output=True, env=env,
                          timeout=timeout)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("args, expected", [
    (["batch", "/dev/zero"], "faqbot: error: /dev/zero: binary file (contains NUL bytes), expected UTF-8 text\n"),
    (["batch", "-"], "faqbot: error: <stdin>: binary file (contains NUL bytes), expected UTF-8 text\n"),
    (["batch", "-", "--input-format", "yaml"], "faqbot: error: <stdin>: input is larger than 20 MB\n"),
    (["review", "/dev/zero"], "faqbot: error: /dev/zero: file is larger than 20 MB\n"),
])
def test_dev_zero_is_refused_promptly_in_one_line(tea_folder, args, expected):
    with open("/dev/zero", "rb") as zero:
        done = faqbot("--intents", str(tea_folder), *args, stdin=zero)
    assert done.returncode == 2
    assert done.stderr.decode() == expected
    assert done.stdout == b""


def test_a_fifo_as_a_question_file_is_read(cli, tea_folder, tmp_path):
    import threading

    fifo = tmp_path / "questions"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"does green tea contain caffeine\n"))
    writer.start()
    status, out, _ = cli(["batch", str(fifo), "--intents", str(tea_folder), "-q"])
    writer.join(timeout=10)
    assert status == 0 and json.loads(out)["intent"] == "tea-caffeine"


# --- any bytes in: one record per line, or one line naming the file; never a traceback -------


@FUZZ_CLI
@given(st.binary(max_size=300), st.sampled_from(["txt", "jsonl", "csv", "tsv", "yaml"]))
def test_property_any_bytes_give_records_or_one_line_never_a_traceback(cli, tea_folder, tmp_path, data, fmt):
    path = tmp_path / f"q.{fmt}"
    path.write_bytes(data)
    for fmt_out in ("jsonl", "text"):
        status, out, err = cli(["batch", str(path), "--intents", str(tea_folder), "-q", "-j", "1",
                                "--format", fmt_out])
        assert status in (0, 1, 2)
        assert "Traceback" not in err
        assert all(line.startswith("faqbot: ") for line in err.splitlines())
        if status == 2:
            assert out == "" and err.count("\n") == 1
        elif fmt_out == "jsonl":
            records = [json.loads(line) for line in out.splitlines()]
            assert [r["n"] for r in records] == list(range(1, len(records) + 1))
            assert (status == 1) == any(r["status"] == "error" for r in records)
            if fmt == "txt":
                assert len(records) == sum(1 for line in reference_lines(data.removeprefix(b"\xef\xbb\xbf"))
                                           if not line.strip().startswith(b"#")) or data.startswith(
                                               (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))


@FUZZ
@given(st.binary(max_size=200))
def test_property_any_bytes_in_a_data_file_load_or_fail_in_one_line(tmp_path, data):
    path = tmp_path / "any.yaml"
    path.write_bytes(data)
    try:
        read_text(path)
    except DataFileError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


def test_a_comment_line_whose_other_bytes_are_not_utf8_is_still_a_comment(cli, tea_folder, tmp_path):
    """Found by the ci profile: '#\\x80' was an error record; a comment holds no question, so it
    gets no record, whatever bytes follow its '#'."""
    path = tmp_path / "q.txt"
    path.write_bytes(b"#\x80 a comment\ntea?\n")
    status, out, err = cli(["batch", str(path), "--intents", str(tea_folder), "-q", "-j", "1", "--format", "jsonl"])
    records = [json.loads(line) for line in out.splitlines()]
    assert (status, err) == (0, "")
    assert [(r["n"], r["question"], r["status"] != "error") for r in records] == [(1, "tea?", True)]
