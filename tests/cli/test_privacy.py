"""What a patient types stays on the screen: nothing goes over the network, nothing is written to
disk unless they (or staff) opt in with --history or --log-unanswered, and those files are
readable by their owner only.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import socket
import stat
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import ONE_INTENT, write_folder
import faqbot.repl
from faqbot.bot import Bot
from faqbot.cli import main
from faqbot.matching.cache import cache_folder

SRC = Path(__file__).resolve().parents[2] / "src" / "faqbot"
SECRET = "my name is Ann Example and my NHS number is 943 476 5919"


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_folder(tmp_path / "intents", {"tea.yaml": ONE_INTENT, "bot.yaml": "disclaimer: Not medical advice.\n"})


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def typed(monkeypatch):
    """`faqbot chat` on a pretend terminal: the keys given are typed at the real REPL."""
    keys: list[str] = []
    real = faqbot.repl.run_repl

    def at_pipe(bot, **options):
        with create_pipe_input() as pipe:
            pipe.send_text("".join(keys))
            return real(bot, input=pipe, output=DummyOutput(), **options)

    monkeypatch.setattr(faqbot.repl, "run_repl", at_pipe)
    return keys


def chat(folder: Path, *options: str) -> int:
    return main(["--intents", str(folder), "chat", *options], stdin=FakeTerminal(), stdout=io.StringIO(),
                stderr=io.StringIO())


def files_under(*roots: Path) -> set[Path]:
    return {path for root in roots for path in root.rglob("*")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- no network -----------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Any Internet socket, connection or name lookup fails the test. (Local socket pairs stay
    allowed: asyncio, under prompt_toolkit, wakes its own event loop with one.)"""
    attempts: list[str] = []
    real_socket = socket.socket

    class GuardedSocket(real_socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
                attempts.append(f"socket({family}, {type})")
                raise AssertionError("faqbot opened a network socket")
            super().__init__(family, type, proto, fileno)

    def refuse(name):
        def refused(*args, **kwargs):
            attempts.append(f"{name}{args}")
            raise AssertionError(f"faqbot called socket.{name}")
        return refused

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


def test_no_socket_is_opened_by_the_bot_batch_the_prompt_or_staff_commands(no_network, folder, typed, tmp_path):
    with pytest.raises(AssertionError):  # the guard works
        socket.create_connection(("example.org", 80))
    no_network.clear()
    bot = Bot.from_folder(folder)
    assert bot.reply(SECRET).text.endswith("Not medical advice.")
    out = io.StringIO()
    assert main(["--intents", str(folder), "batch", "-", "-j", "1"], stdin=io.StringIO(SECRET + "\n"), stdout=out,
                stderr=io.StringIO()) == 0
    assert json.loads(out.getvalue())["question"] == SECRET
    assert main(["--intents", str(folder), "ask", SECRET], stdout=io.StringIO()) == 0
    typed.append("does green tea contain caffeine\r" + SECRET + "\r/why\r\x04")
    assert chat(folder) == 0
    assert main(["check", str(folder)], stdout=io.StringIO()) == 0
    assert main(["--intents", str(folder), "coverage", "--self-check"], stdout=io.StringIO()) in (0, 1)
    assert no_network == []


def test_no_module_of_the_package_imports_a_network_library():
    network = re.compile(r"^\s*(?:import|from)\s+(socket|ssl|http|urllib|requests|httpx|aiohttp|ftplib|smtplib|"
                         r"xmlrpc|telnetlib|poplib|imaplib|websocket)\b", re.M)
    offenders = {path.name: network.findall(path.read_text(encoding="utf-8")) for path in SRC.glob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}


# --- nothing written without opting in ------------------------------------------------------


@pytest.fixture
def disk_writes(monkeypatch):
    """Every file opened for writing, anywhere, while the test runs."""
    writes: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def watched_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and any(flag in mode for flag in "wax+"):
            writes.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    def watched_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND):
            writes.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watched_open)
    monkeypatch.setattr(io, "open", watched_open)
    monkeypatch.setattr(os, "open", watched_os_open)
    return writes


def beyond_the_compiled_index(writes: list[str]) -> list[str]:
    """The writes outside the compiled-index cache, whose files, built from the intents before any
    question is read, must never hold one (``assert_no_question_cached``)."""
    cache = cache_folder().resolve()
    return [w for w in writes if not Path(w).resolve().is_relative_to(cache)]


def assert_no_question_cached() -> None:
    for path in cache_folder().rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and b"NHS number" not in data, path


def test_a_session_without_history_writes_nothing_anywhere(tmp_path, folder, typed, monkeypatch, disk_writes):
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir(exist_ok=True)
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    before = files_under(home, work, folder)
    typed.append("does green tea contain caffeine\r" + SECRET + "\r/why\r/topics\r\x04")
    assert chat(folder) == 0
    assert beyond_the_compiled_index(disk_writes) == []
    assert files_under(home, work, folder) == before
    assert_no_question_cached()


def test_ask_and_batch_to_standard_output_write_nothing(tmp_path, folder, monkeypatch, disk_writes):
    monkeypatch.chdir(tmp_path)
    before = files_under(tmp_path)
    assert main(["--intents", str(folder), "ask", SECRET], stdout=io.StringIO()) == 0
    assert main(["--intents", str(folder), "batch", "-", "-j", "1"], stdin=io.StringIO(SECRET + "\n"),
                stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert beyond_the_compiled_index(disk_writes) == []
    assert files_under(tmp_path) == before
    assert_no_question_cached()


# --- opting in: owner-only files ------------------------------------------------------------


@pytest.fixture
def open_umask():
    """The most permissive umask, so only faqbot's own choice of mode can keep files private."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_the_history_file_is_created_owner_only_and_holds_the_questions(tmp_path, folder, typed, open_umask,
                                                                        disk_writes):
    history = tmp_path / "history"
    typed.append(SECRET + "\r\x04")
    assert chat(folder, "--history", str(history)) == 0
    assert set(beyond_the_compiled_index(disk_writes)) == {str(history)}  # opted in: that file, and nothing else
    assert_no_question_cached()
    assert mode(history) == 0o600
    assert SECRET in history.read_text(encoding="utf-8")


def test_an_existing_history_file_is_made_owner_only(tmp_path, folder, typed):
    history = tmp_path / "history"
    history.write_text("")
    history.chmod(0o644)
    typed.append("\x04")
    assert chat(folder, "--history", str(history)) == 0
    assert mode(history) == 0o600


def test_a_history_file_removed_during_a_session_comes_back_owner_only(tmp_path, folder, open_umask):
    """prompt_toolkit alone would re-create it with the umask's mode: world-readable here."""
    history = tmp_path / "history"
    history.touch(mode=0o600)

    def remove_history(reply) -> None:
        if reply.question == "first question":
            history.unlink()

    with create_pipe_input() as pipe:
        pipe.send_text("first question\r" + SECRET + "\r\x04")
        assert faqbot.repl.run_repl(Bot.from_folder(folder), input=pipe, output=DummyOutput(), history_file=history,
                                    write=lambda text: None, on_reply=remove_history) == 0
    assert mode(history) == 0o600
    assert SECRET in history.read_text(encoding="utf-8")


def test_the_unanswered_log_is_owner_only_for_chat_and_batch(tmp_path, folder, typed, open_umask):
    chat_log, batch_log = tmp_path / "chat.jsonl", tmp_path / "batch.jsonl"
    typed.append(SECRET + "\r\x04")
    assert chat(folder, "--log-unanswered", str(chat_log)) == 0
    assert main(["--intents", str(folder), "batch", "-", "-j", "1", "--log-unanswered", str(batch_log)],
                stdin=io.StringIO(SECRET + "\n"), stdout=io.StringIO(), stderr=io.StringIO()) == 0
    for log in (chat_log, batch_log):
        assert mode(log) == 0o600
        assert json.loads(log.read_text(encoding="utf-8").splitlines()[0])["question"] == SECRET


def test_an_unanswered_log_removed_during_a_session_comes_back_owner_only(tmp_path, open_umask):
    from faqbot.evaluation.review import UnansweredLog

    log = tmp_path / "unanswered.jsonl"
    UnansweredLog(log)({"status": "fallback", "question": SECRET, "score": 0.0, "suggestions": []})
    assert mode(log) == 0o600
    log.unlink()
    UnansweredLog(log)({"status": "fallback", "question": SECRET, "score": 0.0, "suggestions": []})
    assert mode(log) == 0o600
