"""`faqbot serve` through ``main(argv)`` (the ``cli`` runner) (exact errors and exit codes) and as a real process:
it starts, answers, writes no question anywhere, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest


def test_serve_is_listed_and_has_help(cli):
    status, out, _ = cli(["--help"])
    assert status == 0 and "  serve       web chat for a clinic's site" in out
    status, out, _ = cli(["serve", "--help"])
    assert status == 0
    for option in ("--host", "--port", "--workers", "--origin", "--emergency-number", "--rate-per-minute",
                   "--forwarded-allow-ips", "--access-log", "--log-unanswered", "--intents"):
        assert option in out


@pytest.mark.parametrize("argv, message", [
    (["--origin", "clinic.example"], "faqbot: error: --origin 'clinic.example': expected scheme://host[:port], "
                                     "such as https://clinic.example (no path, no trailing slash)\n"),
    (["--emergency-number", "nine"], "faqbot: error: --emergency-number 'nine': expected digits, such as 999\n"),
    (["--port", "70000"], "faqbot: error: argument --port: expected a port from 0 to 65535, got '70000' "
                          "(see 'faqbot serve --help')\n"),
    (["--workers", "0"], "faqbot: error: argument --workers: expected a whole number of at least 1, got '0' "
                         "(see 'faqbot serve --help')\n"),
    (["--rate-per-minute", "0"], "faqbot: error: argument --rate-per-minute: expected a number above 0, got '0' "
                                 "(see 'faqbot serve --help')\n"),
])
def test_bad_options_are_one_line_errors(cli, tea_folder, argv, message):
    assert cli(["serve", "--intents", str(tea_folder), *argv]) == (2, "", message)


def test_bad_origins_from_the_environment_too(cli, tea_folder, monkeypatch):
    monkeypatch.setenv("FAQBOT_ORIGINS", "https://a.example, ftp//b")
    status, _, err = cli(["serve", "--intents", str(tea_folder)])
    assert status == 2 and err.startswith("faqbot: error: --origin 'ftp//b'")


def test_a_port_in_use_is_a_one_line_error(cli, tea_folder):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, out, err = cli(["serve", "--intents", str(tea_folder), "--port", str(port)])
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_a_missing_intents_folder_is_a_one_line_error(cli, tmp_path):
    status, out, err = cli(["serve", "--intents", str(tmp_path / "nowhere")])
    assert status == 2 and out == "" and err.startswith("faqbot: error: ") and err.count("\n") == 1


def test_without_the_web_extra_it_says_how_to_install_it(cli, tea_folder, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)           # import uvicorn now raises ImportError
    monkeypatch.delitem(sys.modules, "faqbot.serve.server", raising=False)
    assert cli(["serve", "--intents", str(tea_folder)]) == (
        2, "", "faqbot: error: 'faqbot serve' needs the web extra: pip install 'faqbot[web]'\n")


def _start(argv: list[str], tmp_path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "faqbot", "serve", "--port", "0", *argv],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = process.stderr.readline()
    assert line.startswith("faqbot: serving "), line + process.stderr.read()
    url = line.split(" at ", 1)[1].split("/chat", 1)[0]
    return process, url


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url + "/v1/chat", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _stop(process: subprocess.Popen) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_it_serves_until_ctrl_c_and_logs_no_question(tea_folder, tmp_path):
    log = tmp_path / "unanswered.jsonl"
    process, url = _start(["--intents", str(tea_folder), "--log-unanswered", str(log)], tmp_path)
    try:
        assert log.stat().st_mode & 0o777 == 0o600
        with urllib.request.urlopen(url + "/v1/health", timeout=10) as response:
            assert json.loads(response.read())["intents"] == 3
        answered = _post(url, {"question": "does green tea contain caffeine?"})
        assert answered["status"] == "answered" and answered["source"] == "tea.md#FAQs"
        _post(url, {"question": "zebra unicorn lamppost"})
    finally:
        status, out, err = _stop(process)
    assert status == 0 and out == ""
    assert "zebra" not in err and "caffeine" not in err and "Traceback" not in err
    assert [json.loads(line)["question"] for line in log.read_text().splitlines()] == ["zebra unicorn lamppost"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["intents", "unanswered.jsonl"]


def test_the_access_log_has_paths_never_questions(tea_folder, tmp_path):
    process, url = _start(["--intents", str(tea_folder), "--access-log"], tmp_path)
    try:
        _post(url, {"question": "zebra unicorn lamppost"})
    finally:
        status, out, err = _stop(process)
    assert status == 0 and '"POST /v1/chat HTTP/1.1" 200' in out and "zebra" not in out + err


def test_several_workers_serve(tea_folder, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "faqbot", "serve", "--port", str(port), "--workers", "2",
                                "--intents", str(tea_folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path, start_new_session=True)
    try:
        assert process.stderr.readline().startswith("faqbot: serving 3 intents at")
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                reply = _post(url, {"question": "does green tea contain caffeine?"})
                break
            except OSError:
                import time
                time.sleep(0.1)
        assert reply["status"] == "answered"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0
