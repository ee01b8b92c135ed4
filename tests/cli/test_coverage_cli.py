"""`faqbot coverage` and `--log-unanswered` through main(argv, stdin, stdout, stderr): exit codes,
exact messages, report files, and the owner-only log of unanswered questions."""

from __future__ import annotations

import io
import json
import os
import stat
import xml.etree.ElementTree as ET

import pytest

from faqbot import __version__
from faqbot.bot import Bot
from gardens import make_garden


class TTY(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def garden(tmp_path):
    return make_garden(tmp_path)


def test_coverage_runs_the_folders_tests_and_prints_the_report(cli, garden):
    code, out, err = cli(["--intents", str(garden), "coverage"])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"faqbot coverage (tests): {garden / 'tests' / 'garden.yaml'}"
    assert lines[1].startswith(f"faqbot {__version__} on intents folder {garden}, ")
    assert lines[2].startswith("accuracy 81.8% (9 of 11 test utterances), fallback rate 27.3%")
    assert "\x1b[" not in out


def test_intents_may_follow_the_command_and_files_may_be_given(cli, garden, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("- say: When should I prune roses?\n  expect: rose-prune\n")
    code, out, _ = cli(["coverage", str(other), "--intents", str(garden)])
    assert code == 0
    assert out.splitlines()[2].startswith("accuracy 100.0% (1 of 1 test utterances)")


def test_accuracy_gate_fails_with_one_line_and_exit_1(cli, garden):
    code, out, err = cli(["--intents", str(garden), "coverage", "--min-accuracy", "0.9"])
    assert code == 1
    assert err == "faqbot: coverage gate failed: accuracy 0.818 is below --min-accuracy 0.9\n"
    assert out.startswith("faqbot coverage (tests)")


def test_recall_gate_names_the_intents_below_it(cli, garden):
    code, _, err = cli(["--intents", str(garden), "coverage", "--min-recall", "0.75"])
    assert code == 1
    assert err == ("faqbot: coverage gate failed: recall is below --min-recall 0.75 for 2 intents: "
                   "rose-prune (0.50), tomato-water (0.50)\n")


def test_both_gates_failing_still_make_one_line(cli, garden):
    _, _, err = cli(["--intents", str(garden), "coverage", "--min-accuracy", "0.9", "--min-recall", "0.75"])
    assert err.count("\n") == 1 and "; recall is below" in err


def test_gates_that_hold_exit_0(cli, garden):
    code, _, err = cli(["--intents", str(garden), "coverage", "--min-accuracy", "0.8", "--min-recall", "0.5"])
    assert (code, err) == (0, "")


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high", "85%"])
def test_a_gate_must_be_a_fraction(cli, garden, value):
    code, _, err = cli(["--intents", str(garden), "coverage", "--min-accuracy", value])
    assert code == 2
    assert err == (f"faqbot: error: argument --min-accuracy: expected a number from 0 to 1, got '{value}' "
                   "(see 'faqbot coverage --help')\n")


def test_breaking_an_intent_fails_the_gate_and_fixing_it_passes(cli, tmp_path):
    """A staff member's day: empty an intent's examples and make its canonical question another's."""
    tests = ("".join(f"- say: {q}\n  expect: rose-prune\n" for q in
                     ("rose pruning time please", "when to cut back roses", "prune roses when")))
    garden = make_garden(tmp_path, tests=tests)
    assert cli(["--intents", str(garden), "coverage", "--min-recall", "0.6"])[0] == 0
    intents = garden / "garden.yaml"
    good = intents.read_text()
    broken = good.replace("    question: When should I prune roses?\n", "    question: How do I get rid of aphids?\n")
    broken = broken.replace("""      - rose pruning time
      - cutting back roses
      - how to prune a rose bush
      - best month to prune roses
      - trimming rose bushes
""", "")
    intents.write_text(broken)
    code, out, err = cli(["--intents", str(garden), "coverage", "--min-recall", "0.6"])
    assert code == 1 and "rose-prune (0.00)" in err
    assert any(line.startswith("rose-prune ") for line in out.splitlines())
    intents.write_text(good)
    assert cli(["--intents", str(garden), "coverage", "--min-recall", "0.6"])[0] == 0


def test_an_unknown_expected_intent_stops_the_run_unless_allowed(cli, garden):
    (garden / "tests" / "typo.yaml").write_text("- say: lawn\n  expect: lawn-mow\n")
    code, out, err = cli(["--intents", str(garden), "coverage"])
    assert (code, out) == (2, "")
    assert err == (f"faqbot: error: {garden / 'tests' / 'typo.yaml'}:1: unknown intent 'lawn-mow'; "
                   "expect an intent id or one of fallback, smalltalk, emergency, clarify\n")
    code, out, _ = cli(["--intents", str(garden), "coverage", "--allow-unknown"])
    assert code == 0
    assert f"  {garden / 'tests' / 'typo.yaml'}:1: \"lawn\" expects 'lawn-mow'" in out.splitlines()


def test_a_folder_without_tests_says_how_to_proceed(cli, tmp_path):
    garden = make_garden(tmp_path, tests=None)
    code, _, err = cli(["--intents", str(garden), "coverage"])
    assert code == 2
    assert err == (f"faqbot: error: no coverage tests in {garden / 'tests'} (write some, or run --self-check)\n")


def test_a_malformed_test_file_is_a_data_error(cli, garden):
    (garden / "tests" / "garden.yaml").write_text("- say: hi\n  expect: smalltalk\n  expcet: x\n")
    code, _, err = cli(["--intents", str(garden), "coverage"])
    assert code == 2
    assert err == (f"faqbot: error: {garden / 'tests' / 'garden.yaml'}:3: unknown key 'expcet' in test "
                   "(allowed: expect, say)\n")


def test_self_check_takes_no_files_and_reports_leave_one_out(cli, garden, tmp_path):
    code, _, err = cli(["--intents", str(garden), "coverage", "--self-check", str(tmp_path / "x.yaml")])
    assert code == 2
    assert err == "faqbot: error: --self-check takes no test files (it tests the intents' own examples)\n"
    code, out, _ = cli(["--intents", str(garden), "coverage", "--self-check"])
    assert code == 0
    assert out.splitlines()[0] == f"faqbot coverage (self-check): {garden}"
    assert "held-out examples" in out.splitlines()[2]
    assert "  rose-flowers: 2 examples" in out.splitlines()


@pytest.mark.parametrize("fmt", ["json", "junit", "html", "text"])
def test_every_format_writes_to_a_file_with_a_summary_line(cli, garden, tmp_path, fmt):
    target = tmp_path / "reports" / f"coverage.{fmt}"
    code, out, _ = cli(["--intents", str(garden), "coverage", "--format", fmt, "-o", str(target)])
    assert code == 0
    assert out == f"{target}: accuracy 81.8% (9 of 11 test utterances), fallback rate 27.3%\n"
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["total"] == 11
    elif fmt == "junit":
        assert len(ET.fromstring(text).findall("testsuite/testcase")) == 11
    elif fmt == "html":
        assert 'class="matrix"' in text and 'class="intents"' in text
    else:
        assert text.startswith("faqbot coverage (tests)")


def test_formats_go_to_stdout_without_o(cli, garden):
    code, out, _ = cli(["--intents", str(garden), "coverage", "--format", "json"])
    assert code == 0 and json.loads(out)["passed"] == 9


def test_a_gate_applies_to_file_reports_too(cli, garden, tmp_path):
    target = tmp_path / "junit.xml"
    code, _, err = cli(["--intents", str(garden), "coverage", "--format", "junit", "-o", str(target),
                        "--min-accuracy", "0.95"])
    assert code == 1 and target.exists() and err.startswith("faqbot: coverage gate failed")


def test_colour_only_on_a_terminal(cli, garden, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    stdout = TTY()
    assert cli(["--intents", str(garden), "coverage"], stdout=stdout).status == 0
    assert "\x1b[" in stdout.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    stdout = TTY()
    cli(["--intents", str(garden), "coverage"], stdout=stdout)
    assert "\x1b[" not in stdout.getvalue()


# --- --log-unanswered ------------------------------------------------------------------------

QUESTIONS = "When should I prune roses?\nzzzq wibble flarn\nhello\nwhat about pests and flowers\n"


def _logged(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_batch_logs_only_fallback_and_clarify_questions_to_an_owner_only_file(cli, garden, tmp_path):
    log = tmp_path / "unanswered.log"
    code, out, _ = cli(["--intents", str(garden), "batch", "-", "--log-unanswered", str(log)], QUESTIONS)
    assert code == 0 and out.count("\n") >= 4
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    entries = _logged(log)
    assert [(e["question"], e["status"]) for e in entries] == [
        ("zzzq wibble flarn", "fallback"), ("what about pests and flowers", "fallback")]
    assert set(entries[0]) == {"time", "status", "question", "score", "suggestions"}


def test_the_log_is_appended_to_and_keeps_owner_only_permissions(cli, garden, tmp_path):
    log = tmp_path / "unanswered.log"
    log.write_text("")
    os.chmod(log, 0o644)
    cli(["--intents", str(garden), "batch", "-", "--log-unanswered", str(log)], "zzzq wibble\n")
    cli(["--intents", str(garden), "batch", "-", "--log-unanswered", str(log)], "flarn wibble\n")
    assert [e["question"] for e in _logged(log)] == ["zzzq wibble", "flarn wibble"]
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_nothing_is_logged_without_the_option(cli, garden, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    assert cli(["--intents", str(garden), "batch", "-"], QUESTIONS)[0] == 0
    assert set(os.listdir(tmp_path)) == before


def test_piped_chat_logs_like_batch(cli, garden, tmp_path):
    """Piped chat is one conversation: after the roses answer, the follow-up is answered, not logged."""
    log = tmp_path / "chat.log"
    code, _, _ = cli(["--intents", str(garden), "chat", "--log-unanswered", str(log)], QUESTIONS)
    assert code == 0
    assert [e["question"] for e in _logged(log)] == ["zzzq wibble flarn"]


def test_the_prompt_logs_through_its_reply_callback(cli, garden, tmp_path, monkeypatch):
    """The REPL hands every Reply to ``on_reply``; the CLI turns that into the log."""
    import faqbot.repl

    def fake_repl(bot: Bot, history_file=None, write=None, on_reply=None, **_):
        for question in ("When should I prune roses?", "zzzq wibble flarn"):
            on_reply(bot.reply(question))
        return 0

    monkeypatch.setattr(faqbot.repl, "run_repl", fake_repl)
    log = tmp_path / "repl.log"
    assert cli(["--intents", str(garden), "chat", "--log-unanswered", str(log)], TTY()).status == 0
    assert [e["question"] for e in _logged(log)] == ["zzzq wibble flarn"]
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_an_unusable_log_path_is_a_one_line_error(cli, garden, tmp_path):
    code, _, err = cli(["--intents", str(garden), "batch", "-", "--log-unanswered", str(tmp_path / "no" / "x.log")],
                       "hello\n")
    assert code == 2
    assert err == f"faqbot: error: {tmp_path / 'no' / 'x.log'}: folder does not exist\n"


def test_coverage_runs_the_rule_cases_beside_the_rules_and_a_broken_one_fails_it(cli, garden):
    """Cases kept in safety.yaml run with the coverage tests; one that fails fails the run."""
    code, out, _ = cli(["--intents", str(garden), "coverage"])
    assert code == 0 and "rule cases (beside the triage and scope rules): " in out
    (garden / "safety.yaml").write_text(
        "message: Call the poison line now.\nrules:\n  - id: poison\n    patterns: ['\\bswallowed\\b']\n"
        "    cases:\n      fires: [my dog ate a berry]\n      never: [i swallowed a seed]\n", encoding="utf-8")
    code, out, err = cli(["--intents", str(garden), "coverage"])
    assert code == 1
    assert err == "faqbot: coverage gate failed: 2 rule cases of the triage or scope rules fail\n"
    assert ('  safety.yaml poison (fires): "my dog ate a berry" expected its rule to meet it, got nothing'
            in out.splitlines())
    assert ('  safety.yaml poison (never): "i swallowed a seed" expected no emergency, got poison (safety.yaml)'
            in out.splitlines())
    code, out, _ = cli(["--intents", str(garden), "coverage", "--format", "json"])
    cases = json.loads(out)["rule_cases"]
    assert (cases["total"] - cases["passed"], [c["message"] for c in cases["failed"]]) == (
        2, ["my dog ate a berry", "i swallowed a seed"])
