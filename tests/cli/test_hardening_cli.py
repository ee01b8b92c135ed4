"""The command line under misuse, and the prompt under interruptions: clear one-line errors with
the documented exit statuses, and a clean end whatever the user or the terminal does.

Exit statuses (``faqbot --help``): 0 ok, 1 some records failed, 2 usage or data error.
"""

from __future__ import annotations

import fcntl
import io
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import write_folder
from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.repl import run_repl

ROOT = os.geteuid() == 0
INTENTS = """\
intents:
  - id: tea-caffeine
    question: Does green tea contain caffeine?
    examples: [is there caffeine in green tea, green tea caffeine content]
    answer: Yes, green tea contains some caffeine.
    topic: green tea
  - id: tea-brew
    question: How do I brew green tea?
    examples: [green tea brewing, making green tea]
    answer: Use water below boiling, for two minutes at most.
    topic: green tea
"""
DISCLAIMER = "Not medical advice."


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_folder(tmp_path / "intents", {"tea.yaml": INTENTS, "bot.yaml": f"disclaimer: {DISCLAIMER}\n"})


def assert_one_line_error(err: str, *expected: str) -> None:
    assert err.startswith("faqbot: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for part in expected:
        assert part in err, err


# --- exit statuses and one-line errors ------------------------------------------------------


def test_help_lists_the_exit_statuses(capsys):
    stdout = io.StringIO()
    assert main(["--help"], stdout=stdout) == 0
    text = stdout.getvalue() + capsys.readouterr().out
    assert "exit status: 0 ok, 1 some records failed, 2 usage or data error" in text


@pytest.mark.parametrize("argv, expected", [
    (["batch", "nope.txt"], "nope.txt: no such file"),
    (["batch", "{tmp}"], "is a directory, not a question file"),
    (["batch", "-", "-o", "{tmp}"], "is a directory"),
    (["batch", "-", "-o", "{tmp}/missing/out.jsonl"], "does not exist"),
    (["batch", "-", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["batch", "-", "--input-format", "docx"], "argument --input-format: invalid choice: 'docx'"),
    (["batch", "-", "--bogus"], "unrecognized arguments: --bogus"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["ask"], "the following arguments are required: question"),
    (["batch"], "the following arguments are required: FILE"),
    (["check", "{tmp}/nope"], "no such intents folder"),
    (["check", "{tmp}/q.txt"], "is not a folder"),
    (["--intents", "{tmp}/q.txt", "ask", "hi"], "is not a folder"),
    (["extract", "{tmp}/nope.md", "--into", "{tmp}/out"], "no such file or folder"),
    (["extract", "{tmp}/q.txt"], "the following arguments are required: --into"),
    (["import", "{tmp}/nope.csv", "--into", "{tmp}/out"], "nope.csv: no such file"),
    (["import", "{tmp}", "--into", "{tmp}/out"], "is a directory, not a file"),
    (["batch", "{tmp}/q.txt", "--input-format", "csv"], "q.txt:1: no 'question' column in the header"),
    (["batch", "{tmp}/q.txt", "{tmp}/nope.txt"], "nope.txt: no such file"),
])
def test_misuse_gives_one_line_and_status_2(cli, tmp_path, folder, argv, expected):
    (tmp_path / "q.txt").write_text("does green tea contain caffeine\n")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    status, out, err = cli(["--intents", str(folder), *argv])
    assert status == 2
    assert out == ""
    assert_one_line_error(err, expected.replace("{tmp}", str(tmp_path)))


def test_some_unreadable_records_give_status_1_and_every_other_answer(cli, tmp_path, folder):
    questions = tmp_path / "q.jsonl"
    questions.write_bytes(b'{"question": "does green tea contain caffeine"}\n{"question": \n\xff\xfe\n'
                          b'"how do I brew green tea"\n')
    status, out, err = cli(["--intents", str(folder), "batch", str(questions), "-j", "1"])
    assert status == 1
    assert len(out.splitlines()) == 4
    assert err == ("faqbot: 4 questions: 2 answered, 0 clarify, 0 fallback, 0 smalltalk, 0 emergency, 2 error; "
                   f"intents folder: {folder} (--intents)\n"
                   "faqbot: 2 record(s) could not be read; see their 'error' field\n")


@pytest.mark.skipif(ROOT, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_a_one_line_error(cli, tmp_path, folder):
    secret = tmp_path / "q.txt"
    secret.write_text("hello\n")
    secret.chmod(0)
    try:
        status, _, err = cli(["--intents", str(folder), "batch", str(secret)])
        assert status == 2
        assert_one_line_error(err, "permission denied")
        (folder / "tea.yaml").chmod(0)
        status, _, err = cli(["check", str(folder)])
        assert status == 2
        assert_one_line_error(err, "tea.yaml: permission denied")
    finally:
        secret.chmod(0o600)
        (folder / "tea.yaml").chmod(0o600)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("argv", [["batch", "/proc/self/mem"], ["batch", "/proc/self/mem", "--input-format", "csv"],
                                  ["batch", "/proc/self/mem", "--input-format", "yaml"],
                                  ["import", "/proc/self/mem", "--into", "out"], ["extract", "/proc/self/mem", "--into", "out"]])
def test_a_file_that_opens_but_cannot_be_read_is_a_one_line_error(cli, folder, argv, tmp_path, monkeypatch):
    """Reading /proc/self/mem fails with EIO even for root: a stand-in for a failing disk.
    (batch used to end with a traceback here.)"""
    monkeypatch.chdir(tmp_path)
    status, _, err = cli(["--intents", str(folder), *argv])
    assert status == 2
    assert_one_line_error(err, "/proc/self/mem: cannot read: Input/output error")


# --- a closed standard output ---------------------------------------------------------------


def faqbot_process(*args: str, **options) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.Popen([sys.executable, "-m", "faqbot.cli", *args], env=env, **options)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_into_a_pipe_closed_early_ends_quietly(tmp_path, folder, jobs):
    """`faqbot batch big.txt | head -1`: no traceback, no BrokenPipeError message, status 0."""
    big = tmp_path / "big.txt"
    big.write_text("does green tea contain caffeine\nhow do I brew green tea\n" * 2000)
    process = faqbot_process("--intents", str(folder), "batch", str(big), "-j", jobs,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert first.startswith(b'{"n": 1,')
    assert err == b""
    assert process.returncode == 0


def test_output_to_a_pipe_is_written_into_it_not_replaced(cli, tmp_path, folder):
    """-o /dev/null, -o /dev/stdout: a device or a pipe must be written, never renamed over
    (as root, the atomic rename of -o used to replace /dev/null itself with a file)."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    status, out, err = cli(["--intents", str(folder), "batch", "-", "-j", "1", "-o", str(fifo)],
                           stdin="does green tea contain caffeine\n")
    reader.join(timeout=20)
    assert (status, out, err) == (0, "", "faqbot: 1 question: 1 answered, 0 clarify, 0 fallback, 0 smalltalk, "
                                         f"0 emergency, 0 error; intents folder: {folder} (--intents)\n")
    assert fifo.is_fifo()
    assert received and received[0].startswith(b'{"n": 1,')


def test_output_through_a_symbolic_link_keeps_the_link(cli, tmp_path, folder):
    (tmp_path / "link.jsonl").symlink_to("real.jsonl")
    status, _, _ = cli(["--intents", str(folder), "batch", "-", "-j", "1", "-o", str(tmp_path / "link.jsonl")],
                       stdin="does green tea contain caffeine\n")
    assert status == 0
    assert (tmp_path / "link.jsonl").is_symlink()
    assert (tmp_path / "real.jsonl").read_text().startswith('{"n": 1,')


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["batch", "-", "-j", "1"], ["ask", "caffeine"], ["check"]])
def test_a_full_disk_is_a_one_line_error_not_a_traceback_or_silence(folder, argv):
    with open("/dev/full", "w") as full:
        process = faqbot_process("--intents", str(folder), *argv, stdin=subprocess.PIPE, stdout=full,
                                 stderr=subprocess.PIPE)
        _, err = process.communicate(b"does green tea contain caffeine\n", timeout=60)
    assert process.returncode == 2
    assert err.decode() == "faqbot: error: cannot write the output: No space left on device\n"


# --- the prompt: Ctrl-C, Ctrl-D, history, resize -------------------------------------------


def converse(bot: Bot, keys: str) -> tuple[int, list[str], list]:
    shown, replies = [], []
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        status = run_repl(bot, input=pipe, output=DummyOutput(), write=shown.append, on_reply=replies.append)
    return status, shown, replies


def test_ctrl_c_while_a_reply_is_worked_out_drops_it_and_prompts_again(folder, monkeypatch):
    bot = Bot.from_folder(folder)
    real_reply, calls = bot.reply, []

    def interrupted_once(question, conversation=None):
        calls.append(question)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real_reply(question, conversation)

    monkeypatch.setattr(bot, "reply", interrupted_once)
    status, shown, replies = converse(bot, "slow question\rdoes green tea contain caffeine\r\x04")
    assert status == 0
    assert "\n(Interrupted.)\n" in shown
    assert [r.question for r in replies] == ["does green tea contain caffeine"]
    assert shown[-1].startswith("Goodbye")


def test_ctrl_c_abandons_the_line_and_ctrl_d_leaves(folder):
    status, shown, replies = converse(Bot.from_folder(folder), "half a quest\x03how do I brew green tea\r\x04")
    assert status == 0
    assert [r.question for r in replies] == ["how do I brew green tea"]
    assert shown[-1].startswith("Goodbye")


def test_end_of_input_in_the_middle_of_a_line_leaves_cleanly(folder):
    shown = []
    with create_pipe_input() as pipe:
        pipe.send_text("does green tea")
        pipe.close()
        assert run_repl(Bot.from_folder(folder), input=pipe, output=DummyOutput(), write=shown.append) == 0
    assert shown[-1].startswith("Goodbye")


def test_a_history_file_of_binary_garbage_does_not_stop_the_prompt(tmp_path, folder):
    history = tmp_path / "history"
    history.write_bytes(b"\xff\xfe\x00\x1b[2J garbage\n+\xc3\x28\n" * 10)
    shown = []
    with create_pipe_input() as pipe:
        pipe.send_text("does green tea contain caffeine\r\x04")
        status = run_repl(Bot.from_folder(folder), input=pipe, output=DummyOutput(), history_file=history,
                          write=shown.append)
    assert status == 0
    assert any(DISCLAIMER in text for text in shown)
    assert history.read_bytes().endswith(b"+does green tea contain caffeine\n")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("make_history, expected", [
    (lambda tmp: tmp, "is a directory, not a file"),
    (lambda tmp: tmp / "q.txt" / "history", "cannot open: Not a directory"),
    (lambda tmp: tmp / "missing" / "history", "folder does not exist"),
])
def test_a_history_file_that_cannot_be_used_is_a_one_line_error_before_the_prompt(tmp_path, folder, make_history,
                                                                                 expected, monkeypatch):
    (tmp_path / "q.txt").write_text("x")
    monkeypatch.setattr("faqbot.repl.run_repl", lambda *a, **k: pytest.fail("the prompt must not start"))
    stderr = io.StringIO()
    status = main(["--intents", str(folder), "chat", "--history", str(make_history(tmp_path))],
                  stdin=FakeTerminal(), stdout=io.StringIO(), stderr=stderr)
    assert status == 2
    assert_one_line_error(stderr.getvalue(), expected)


@pytest.mark.skipif(ROOT, reason="root reads files whatever their permissions")
def test_an_unreadable_history_file_is_a_one_line_error(tmp_path, folder, monkeypatch):
    history = tmp_path / "history"
    history.write_text("")
    history.chmod(0o200)
    monkeypatch.setattr("faqbot.repl.run_repl", lambda *a, **k: pytest.fail("the prompt must not start"))
    stderr = io.StringIO()
    status = main(["--intents", str(folder), "chat", "--history", str(history)], stdin=FakeTerminal(),
                  stdout=io.StringIO(), stderr=stderr)
    assert status == 2
    assert_one_line_error(stderr.getvalue(), "permission denied")


class Screen:
    """What a pseudo-terminal showed, read as it comes; ``expect`` waits for text after the last match."""

    def __init__(self, fd: int):
        self.fd, self.seen, self.position = fd, bytearray(), 0

    def expect(self, needle: bytes, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while (found := self.seen.find(needle, self.position)) < 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {needle!r}; got {bytes(self.seen[-800:])!r}")
            if select.select([self.fd], [], [], remaining)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the other side closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"terminal closed before {needle!r}; got {bytes(self.seen[-800:])!r}")
                self.seen += chunk
        self.position = found + len(needle)


def set_size(fd: int, rows: int, columns: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def test_a_real_terminal_survives_resizing_ctrl_c_and_ctrl_d(tmp_path, folder):
    """A pseudo-terminal, as a patient's: ask, resize the window (SIGWINCH) at the prompt and
    while typing, abandon a line with Ctrl-C, ask again, leave with Ctrl-D: status 0."""
    master, slave = os.openpty()
    set_size(slave, 24, 80)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), TERM="xterm", HOME=str(tmp_path),
               PROMPT_TOOLKIT_NO_CPR="1")
    process = subprocess.Popen([sys.executable, "-m", "faqbot.cli", "--intents", str(folder), "chat"],
                               stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    screen = Screen(master)
    try:
        screen.expect(b"you>")
        os.write(master, b"does green tea contain caffeine\r")
        screen.expect(DISCLAIMER.encode())
        screen.expect(b"you>")
        for rows, columns in ((40, 50), (10, 30), (50, 200)):
            set_size(master, rows, columns)
            process.send_signal(signal.SIGWINCH)
            time.sleep(0.05)
        os.write(master, b"how do I br")
        set_size(master, 24, 60)
        process.send_signal(signal.SIGWINCH)
        os.write(master, b"ew it\x03")
        os.write(master, b"how do I brew green tea\r")
        screen.expect(b"below boiling")
        screen.expect(b"you>")
        os.write(master, b"\x04")
        screen.expect(b"Goodbye")
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    seen = bytes(screen.seen)
    assert b"Traceback" not in seen and b"Press ENTER" not in seen
