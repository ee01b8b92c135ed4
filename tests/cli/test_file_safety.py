"""Nothing lost, nothing clobbered (issue 15): the one file policy for every writer, outputs that
are inputs, full disks, and SIGTERM/SIGHUP ending a batch like Ctrl-C, with no temporary file,
no orphan process and no /tmp/pymp-* folder left behind.

Devices are tested on a device node made in tmp_path (as root, which CI is), never on the real
/dev/null: a broken policy must fail the test, not damage the machine running it.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from faqbot.cli import main

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SUMMARY_1 = "faqbot: 1 question: 1 answered, 0 clarify, 0 fallback, 0 smalltalk, 0 emergency, 0 error\n"


@pytest.fixture
def device(tmp_path) -> Path:
    """A character device like /dev/null (major 1, minor 3), world-writable, in tmp_path."""
    if not ROOT:
        pytest.skip("making a device node needs root")
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.chmod(node, 0o666)
    return node


def assert_still_the_device(node: Path) -> None:
    info = os.lstat(node)
    assert stat.S_ISCHR(info.st_mode), "the device was replaced by a file"
    assert info.st_rdev == os.makedev(1, 3)
    assert stat.S_IMODE(info.st_mode) == 0o666, "the device was chmod-ed"


# --- devices, FIFOs and links: written through, never replaced or chmod-ed -----------------


def test_coverage_report_to_a_device_writes_through_it(cli, tea_folder, device):
    (tea_folder / "tests").mkdir()
    (tea_folder / "tests" / "t.yaml").write_text("- say: is there caffeine in green tea\n  expect: tea-caffeine\n")
    status, out, err = cli(["--intents", str(tea_folder), "coverage", "-o", str(device)])
    assert status == 0, err
    assert out.startswith(f"{device}: accuracy 100.0%")
    assert_still_the_device(device)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "markdown", "text"])
def test_batch_output_to_a_device_writes_through_it(cli, tea_folder, device, fmt):
    status, _, err = cli(["--intents", str(tea_folder), "batch", "-", "-q", "--format", fmt, "-o", str(device)],
                         "does green tea contain caffeine\n")
    assert (status, err) == (0, "")
    assert_still_the_device(device)


def test_history_and_log_on_a_device_are_used_as_they_are(cli, tea_folder, device, tmp_path):
    link = tmp_path / "log-link"
    link.symlink_to(device)
    status, _, err = cli(["--intents", str(tea_folder), "batch", "-", "-q", "--log-unanswered", str(device)],
                         "what about the weather on mars\n")
    assert (status, err) == (0, "")
    assert_still_the_device(device)
    from faqbot.files import prepare_private_file

    prepare_private_file(device, "history")
    prepare_private_file(link, "history")
    assert_still_the_device(device)


def test_a_fifo_as_history_or_log_is_refused_in_one_line(cli, tea_folder, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    status, out, err = cli(["--intents", str(tea_folder), "batch", "-", "--log-unanswered", str(fifo)], "hi\n")
    assert (status, out) == (2, "")
    assert err == (f"faqbot: error: {fifo}: is a FIFO (named pipe); the unanswered log must be a regular "
                   "file (or /dev/null)\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_through_a_link_replaces_the_target_and_keeps_the_link_and_its_mode(cli, tea_folder, tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    status, _, _ = cli(["--intents", str(tea_folder), "batch", "-", "-q", "-o", str(link)], "hello\n")
    assert status == 0
    assert link.is_symlink() and json.loads(real.read_text())["n"] == 1
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_history_through_a_link_is_never_chmod_ed(tmp_path):
    from faqbot.files import prepare_private_file

    shared = tmp_path / "shared.txt"
    shared.write_text("")
    os.chmod(shared, 0o644)
    link = tmp_path / "history"
    link.symlink_to(shared)
    prepare_private_file(link, "history")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    own = tmp_path / "own-history"
    own.write_text("")
    os.chmod(own, 0o644)
    prepare_private_file(own, "history")
    assert stat.S_IMODE(own.stat().st_mode) == 0o600      # its own regular file: made private


def test_output_through_dev_stdout_appends_to_the_redirected_file(tea_folder, tmp_path):
    """`faqbot coverage -o /dev/stdout >> report.txt` keeps what report.txt held."""
    report = tmp_path / "report.txt"
    report.write_text("earlier\n")
    (tea_folder / "tests").mkdir()
    (tea_folder / "tests" / "t.yaml").write_text("- say: is there caffeine in green tea\n  expect: tea-caffeine\n")
    with open(report, "a") as out:
        process = subprocess.run([sys.executable, "-m", "faqbot", "--intents", str(tea_folder), "coverage",
                                  "--format", "json", "-o", "/dev/stdout"], stdout=out, stderr=subprocess.PIPE,
                                 env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), timeout=120)
    assert process.returncode == 0, process.stderr
    text = report.read_text()
    assert text.startswith("earlier\n{")


# --- an output that is also an input is refused before anything is read ---------------------


@pytest.mark.parametrize("how", ["same name", "hard link", "symbolic link"])
def test_output_equal_to_the_input_is_refused(cli, tea_folder, tmp_path, how):
    questions = tmp_path / "q.txt"
    questions.write_text("does green tea contain caffeine\n")
    output = {"same name": questions, "hard link": tmp_path / "hard.txt", "symbolic link": tmp_path / "soft.txt"}[how]
    if how == "hard link":
        os.link(questions, output)
    elif how == "symbolic link":
        output.symlink_to(questions)
    status, out, err = cli(["--intents", str(tea_folder), "batch", str(questions), "-o", str(output)])
    assert (status, out) == (2, "")
    assert err == (f"faqbot: error: {output}: the output is also an input ({questions}); "
                   "write the output to another file\n")
    assert questions.read_text() == "does green tea contain caffeine\n"


def test_standard_output_appending_to_the_input_is_refused(cli, tea_folder, tmp_path):
    """`faqbot batch q.txt >> q.txt` would read its own answers back forever."""
    questions = tmp_path / "q.txt"
    questions.write_text("does green tea contain caffeine\n")
    with open(questions, "a", encoding="utf-8") as appended:
        status, _, err = cli(["--intents", str(tea_folder), "batch", str(questions)], stdout=appended)
    assert status == 2
    assert err == "faqbot: error: standard output is also an input file; write the answers to another file (-o OUT)\n"
    assert questions.read_text() == "does green tea contain caffeine\n"


@pytest.mark.parametrize("log_is", ["the output", "the input"])
def test_the_unanswered_log_may_be_neither_the_output_nor_an_input(cli, tea_folder, tmp_path, log_is):
    questions = tmp_path / "q.txt"
    questions.write_text("what about the weather on mars\n")
    output = tmp_path / "out.jsonl"
    log = output if log_is == "the output" else questions
    status, _, err = cli(["--intents", str(tea_folder), "batch", str(questions), "-o", str(output),
                          "--log-unanswered", str(log)])
    assert status == 2
    assert err.startswith(f"faqbot: error: {log}: the unanswered log is also an input")
    assert not output.exists() and questions.read_text() == "what about the weather on mars\n"


def test_an_output_over_an_intent_file_is_refused(cli, tea_folder):
    status, _, err = cli(["--intents", str(tea_folder), "batch", "-", "-o", str(tea_folder / "tea.yaml")], "hi\n")
    assert status == 2 and "the output is also an input" in err
    assert "tea-caffeine" in (tea_folder / "tea.yaml").read_text()


def test_a_coverage_report_over_its_own_test_file_is_refused(cli, tea_folder, tmp_path):
    tests = tmp_path / "cases.yaml"
    tests.write_text("- say: is there caffeine in green tea\n  expect: tea-caffeine\n")
    status, _, err = cli(["--intents", str(tea_folder), "coverage", str(tests), "-o", str(tests)])
    assert status == 2 and err.startswith(f"faqbot: error: {tests}: the output is also an input")
    assert tests.read_text().startswith("- say:")


# --- errors name the file that fails; a full disk never cuts a log line ----------------------


def test_a_missing_output_folder_names_the_output(cli, tea_folder, tmp_path):
    target = tmp_path / "no" / "out.jsonl"
    status, _, err = cli(["--intents", str(tea_folder), "batch", "-", "-o", str(target)], "hi\n")
    assert (status, err) == (2, f"faqbot: error: {target}: folder {target.parent} does not exist\n")


def test_a_full_disk_on_the_log_takes_the_half_line_back_and_names_the_log(cli, tea_folder, tmp_path, monkeypatch):
    log = tmp_path / "unanswered.jsonl"
    log.write_text('{"question": "earlier"}\n')
    real_write = os.write

    def half_then_full(fd, data):
        if os.fstat(fd).st_ino == log.stat().st_ino:
            if len(data) > 10:
                return real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr("faqbot.files.os.write", half_then_full)
    output = tmp_path / "out.jsonl"
    status, out, err = cli(["--intents", str(tea_folder), "batch", "-", "-o", str(output),
                            "--log-unanswered", str(log)], "what about the weather on mars\n")
    assert status == 2
    assert err == (f"faqbot: error: {log}: cannot write: No space left on device; the line was not logged\n")
    assert log.read_text() == '{"question": "earlier"}\n'      # whole lines only
    assert not output.exists()                                  # the run failed: no output pretends otherwise


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs /dev/full")
def test_a_log_on_a_full_device_names_the_log(cli, tea_folder):
    status, _, err = cli(["--intents", str(tea_folder), "batch", "-", "-q", "--log-unanswered", "/dev/full"],
                         "what about the weather on mars\n")
    assert (status, err) == (2, "faqbot: error: /dev/full: cannot write: No space left on device; "
                                "the line was not logged\n")


# --- SIGTERM and SIGHUP end a batch like Ctrl-C ------------------------------------------------


def _processes_in_group(group: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("name, to_group", [("SIGTERM", False), ("SIGHUP", True), ("SIGTERM", True)])
def test_a_stop_signal_ends_a_batch_like_ctrl_c(tea_folder, tmp_path, jobs, name, to_group):
    """A container stop (SIGTERM to the process) or a closed ssh session (SIGHUP to the whole
    process group): one line saying how far it got, exit 128 + signal, the -o file not written,
    no temporary file, and no process of the run left (the worker)."""
    number = getattr(signal, name)
    questions = tmp_path / "q.txt"
    questions.write_text("does green tea contain caffeine\nhow do I brew green tea\nwhat about mars\n" * 200_000)
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    target = out_folder / "answers.jsonl"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), TMPDIR=str(temporary))
    process = subprocess.Popen([sys.executable, "-m", "faqbot", "--intents", str(tea_folder), "batch", str(questions),
                                "-j", jobs, "--force-jobs", "-o", str(target)], stderr=subprocess.PIPE,
                               env=env, start_new_session=True)
    started = time.monotonic()
    wanted = 1 if jobs == "1" else 2          # with -j 2: the worker forked beside this process too
    while time.monotonic() - started < 60:
        if os.listdir(out_folder) and len(_processes_in_group(process.pid)) >= wanted:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    assert process.poll() is None, "the batch ended before it could be stopped"
    if to_group:
        os.killpg(process.pid, number)
    else:
        process.send_signal(number)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + number
    message = err.decode()
    assert message.count("\n") == 1 and "Traceback" not in message, message
    assert message.startswith(f"faqbot: stopped by {name}: ")
    assert message.endswith(f" question(s) answered; {target} was not written\n")
    assert os.listdir(out_folder) == []
    deadline = time.monotonic() + 10
    while _processes_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_in_group(process.pid) == []
    assert os.listdir(temporary) == []                      # no /tmp/pymp-* folder


def test_help_documents_the_exit_codes(cli):
    status, out, _ = cli(["--help"])
    assert status == 0
    assert "130, 143, 129: stopped by Ctrl-C, SIGTERM or SIGHUP" in out
    assert "2: bad command line" in out


def test_main_restores_the_signal_handlers(cli, tea_folder):
    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP))
    cli(["--intents", str(tea_folder), "batch", "-", "-q"], "hi\n")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


# --- closed and non-UTF-8 standard streams ---------------------------------------------------


def _run(args, **options):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), **options.pop("env", {}))
    return subprocess.run([sys.executable, "-m", "faqbot", *args], capture_output=True, env=env, timeout=120,
                          **options)


def test_a_closed_standard_output_is_one_line(tea_folder):
    done = subprocess.run(f"{sys.executable} -m faqbot --intents {tea_folder} ask caffeine >&-", shell=True,
                          capture_output=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode() == ("faqbot: error: standard output is closed; run faqbot with a standard output "
                                    "(or give -o FILE)\n")


def test_a_closed_standard_input_is_one_line(tea_folder):
    done = subprocess.run(f"{sys.executable} -m faqbot --intents {tea_folder} <&-", shell=True,
                          capture_output=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode() == ("faqbot: error: standard input is closed; run faqbot with a standard input "
                                    "(or give a file)\n")


def test_an_ascii_standard_output_gets_escapes_and_one_note(tea_folder, tmp_path):
    folder = tmp_path / "accents"
    folder.mkdir()
    (folder / "tea.yaml").write_text((tea_folder / "tea.yaml").read_text().replace(
        "Yes, green tea contains some caffeine.", "Oui, le thé vert contient de la caféine."), encoding="utf-8")
    (folder / "bot.yaml").write_text("disclaimer: Pas un avis médical.\n", encoding="utf-8")
    done = _run(["--intents", str(folder), "ask", "is there caffeine in green tea"],
                env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0
    assert done.stdout.decode("ascii").startswith("Oui, le th\\xe9 vert")
    assert done.stderr.decode() == ("faqbot: note: standard output is ascii, not UTF-8: characters it cannot show "
                                    "are written as escapes (set PYTHONIOENCODING=utf-8 to keep them)\n"
                                    f"faqbot: intents folder: {folder} (--intents)\n")
    # JSON lines stay valid JSON, and the same data, through \u escapes
    batch = _run(["--intents", str(folder), "batch", "-", "-q"], input=b"is there caffeine in green tea\n",
                 env={"PYTHONIOENCODING": "ascii"})
    assert batch.returncode == 0
    assert json.loads(batch.stdout.decode("ascii"))["answer"].startswith("Oui, le thé vert")


# --- the intents folder and its tests: FIFOs and devices refused, never waited on -------------


def test_a_fifo_in_the_intents_folder_is_refused_not_waited_on(cli, tea_folder):
    os.mkfifo(tea_folder / "pipe.yaml")
    status, out, err = cli(["check", str(tea_folder)])
    assert (status, out) == (2, "")
    assert err == f"faqbot: error: {tea_folder / 'pipe.yaml'}: is a FIFO (named pipe), not a regular file\n"


def test_a_fifo_among_the_coverage_tests_is_refused_not_skipped(cli, tea_folder):
    (tea_folder / "tests").mkdir()
    (tea_folder / "tests" / "t.yaml").write_text("- say: is there caffeine in green tea\n  expect: tea-caffeine\n")
    os.mkfifo(tea_folder / "tests" / "more.yaml")
    status, _, err = cli(["--intents", str(tea_folder), "coverage"])
    assert status == 2
    assert err == f"faqbot: error: {tea_folder / 'tests' / 'more.yaml'}: is a FIFO (named pipe), not a regular file\n"
