"""`faqbot review`: reading the unanswered log, grouping similar questions, proposing the nearest
intent or a new topic, and YAML that pastes under an intent's examples."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
import yaml

from faqbot import cli
from faqbot.bot import Bot
from faqbot.evaluation.review import UnansweredLog, read_questions, render_review, review_questions
from gardens import make_garden


@pytest.fixture
def garden_bot(tmp_path):
    return Bot.from_folder(make_garden(tmp_path))


def test_the_log_keeps_only_fallback_and_clarify_records(tmp_path):
    path = tmp_path / "log.jsonl"
    log = UnansweredLog(path, clock=lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    for status in ("answered", "fallback", "smalltalk", "clarify", "emergency"):
        log({"question": f"q {status}", "status": status, "score": 12.5, "suggestions": ["A?"]})
    log({"question": "", "status": "fallback"})
    assert [json.loads(line) for line in path.read_text().splitlines()] == [
        {"time": "2026-01-02T03:04:05+00:00", "status": "fallback", "question": "q fallback", "score": 12.5,
         "suggestions": ["A?"]},
        {"time": "2026-01-02T03:04:05+00:00", "status": "clarify", "question": "q clarify", "score": 12.5,
         "suggestions": ["A?"]}]


def test_a_log_or_a_plain_list_of_questions_can_be_read(tmp_path):
    path = tmp_path / "mixed.log"
    path.write_text('{"question": "first  one", "status": "fallback"}\n\n# a comment\nsecond one\n'
                    '{"status": "fallback"}\n"third one"\n', encoding="utf-8")
    assert read_questions(path) == ["first one", "second one", "third one"]


def test_similar_questions_are_grouped_under_the_nearest_intent(garden_bot):
    questions = ["how often to water tomato plants", "how often to water my tomato plant",
                 "How often to water tomato plants?", "prune roses in winter", "side effects of metformin",
                 "metformin side effects"]
    result = review_questions(garden_bot, questions, "log")
    assert result.total == 6
    groups = [(g.questions, g.asked, g.intent, g.new_topic) for g in result.groups]
    assert groups[0] == (["how often to water tomato plants", "how often to water my tomato plant"], 3,
                         "tomato-water", False)
    assert groups[1][:2] == (["prune roses in winter"], 1) and groups[1][2] == "rose-prune"
    assert groups[2][:2] == (["side effects of metformin", "metformin side effects"], 2)
    assert groups[2][3] is True                       # nothing about metformin in the garden
    assert result.groups[2].unknown_words == ["side", "effects", "metformin"]


def test_the_review_is_yaml_to_paste_under_examples(garden_bot):
    result = review_questions(garden_bot, ["how often to water tomato plants", "watering: how often?",
                                           "what is the price of a lawnmower"], "unanswered.log")
    text = render_review(result)
    lines = text.splitlines()
    assert lines[0] == "# faqbot review of unanswered.log: 3 logged questions (3 distinct) in 3 groups."
    assert any(line.startswith("# group 1: 1 question -> tomato-water (score ") for line in lines)
    assert "      - how often to water tomato plants" in lines
    assert "      - 'watering: how often?'" in lines          # quoted where YAML needs it
    assert any("NEW TOPIC, the documents do not cover this" in line for line in lines)
    assert "#     - what is the price of a lawnmower" in lines
    pasted = yaml.safe_load(text)
    assert "what is the price of a lawnmower" not in pasted
    assert "how often to water tomato plants" in pasted


def test_the_review_never_passes_control_characters_to_the_terminal(garden_bot, tmp_path):
    log = tmp_path / "log"
    log.write_text(json.dumps({"question": "\x1b[2Jwater \u202etomatoes", "status": "fallback"}) + "\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.main(["--intents", str(garden_bot.intent_set.folder), "review", str(log)], io.StringIO(), stdout,
                    stderr)
    assert (code, stderr.getvalue()) == (0, "")
    assert "\x1b" not in stdout.getvalue() and "\u202e" not in stdout.getvalue()


def test_review_through_the_cli(garden_bot, tmp_path):
    log = tmp_path / "unanswered.log"
    UnansweredLog(log)({"question": "how often to water tomato plants", "status": "fallback", "score": 30})
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.main(["review", str(log), "--intents", str(garden_bot.intent_set.folder)], io.StringIO(), stdout,
                    stderr)
    assert code == 0
    assert stdout.getvalue().splitlines()[0] == f"# faqbot review of {log}: 1 logged question (1 distinct) in 1 group."


def test_review_of_a_missing_file_is_a_data_error(garden_bot, tmp_path):
    stderr = io.StringIO()
    code = cli.main(["--intents", str(garden_bot.intent_set.folder), "review", str(tmp_path / "none.log")],
                    io.StringIO(), io.StringIO(), stderr)
    assert code == 2
    assert stderr.getvalue() == f"faqbot: error: {tmp_path / 'none.log'}: no such file\n"


def test_questions_the_triage_flags_or_nearly_flags_are_never_proposed(bundled_bot):
    """A missed emergency pasted as an example would become a permanent FAQ answer: such questions
    are listed apart, commented out, for staff to check the triage."""
    questions = ["im having a seizure", "I had a seizure last year, can I drive", "what is a lethal dose of valproate",
                 "i missed my dose", "i missed my dose"]
    result = review_questions(bundled_bot, questions, "log")
    assert [(f.question, f.asked) for f in result.flagged] == [
        ("im having a seizure", 1), ("I had a seizure last year, can I drive", 1),
        ("what is a lethal dose of valproate", 1)]
    assert result.flagged[0].reason == "emergency: seizure-now"
    assert result.flagged[1].reason.startswith("nearly an emergency (seizure-now)")
    assert result.flagged[2].reason == "crisis line: lethal-amount"
    assert [g.questions for g in result.groups] == [["i missed my dose"]]
    text = render_review(result)
    assert text.splitlines()[0] == "# faqbot review of log: 5 logged questions (4 distinct) in 1 group."
    assert "# CHECK THE TRIAGE: 3 questions the emergency triage flags or nearly flags. Never paste these" in text
    assert '#   - "im having a seizure": emergency: seizure-now' in text
    pasted = yaml.safe_load(text)
    assert pasted == ["i missed my dose"]
