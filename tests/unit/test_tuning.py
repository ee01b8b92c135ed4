"""Tuning: every weight and threshold in one documented value, overridable per intents folder
(bot.yaml ``tuning:``, strictly validated), and read by the matcher, the Bot and the reports."""

from __future__ import annotations

import ast
import inspect
import io
from dataclasses import FrozenInstanceError, fields

import pytest

from conftest import DISCLAIMER, TEA_INTENTS, write_folder
from faqbot.bot import Bot
from faqbot.explain import explain
from faqbot.cli import main
from faqbot.display import one_line
from faqbot.errors import DataFileError
from faqbot.evaluation.selfcheck import self_check
from faqbot.matching import tuning as tuning_module
from faqbot.matching.tuning import DEFAULT, Tuning


def tea_folder_with(tmp_path, tuning_yaml: str):
    return write_folder(tmp_path / "intents", {
        "tea.yaml": TEA_INTENTS,
        "bot.yaml": f"name: teabot\ndisclaimer: {DISCLAIMER}\n" + tuning_yaml,
    })


def test_every_field_is_documented_and_the_formula_is_written_out():
    """Each field is followed by its docstring (meaning, calibration), and the module docstring
    names every weight of the formula."""
    tree = ast.parse(inspect.getsource(Tuning))
    body = tree.body[0].body
    documented = {}
    for node, after in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign):
            documented[node.target.id] = (isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                                          and isinstance(after.value.value, str) and len(after.value.value) > 20)
    assert set(documented) == {f.name for f in fields(Tuning)}
    assert all(documented.values()), [name for name, ok in documented.items() if not ok]
    formula = tuning_module.__doc__
    for name in ("light_word_factor", "common_zipf", "utterance_credit", "answer_credit",
                 "answer_length_power", "recall_beta", "best_phrasing_weight", "coverage_weight",
                 "off_topic_factor", "character_candidates", "evidence_share", "character_weight"):
        assert name in formula, name
    assert "ignores word order" in formula and "rewards word order" not in formula


def test_tuning_is_frozen_and_its_weights_sum_to_one():
    with pytest.raises(FrozenInstanceError):
        DEFAULT.answer_threshold = 10.0
    assert DEFAULT.best_phrasing_weight + DEFAULT.coverage_weight + DEFAULT.character_weight == pytest.approx(1.0)
    assert DEFAULT.answer_threshold == 42.0


def test_bot_yaml_overrides_the_answer_threshold(tmp_path):
    default = Bot.from_folder(tea_folder_with(tmp_path / "a", ""))
    strict = Bot.from_folder(tea_folder_with(tmp_path / "b", "tuning:\n  answer_threshold: 100.5\n  max_suggestions: 1\n"))
    assert default.tuning == DEFAULT
    assert strict.tuning == Tuning(answer_threshold=100.5, max_suggestions=1)
    assert default.reply("How do I brew coffee?").status == "answered"
    reply = strict.reply("How do I brew coffee?")
    assert (reply.status, reply.score, reply.suggestions) == ("fallback", 100.0, ["How do I brew coffee?"])
    assert explain(reply)[0] == "status: fallback  score: 100.0  (answer threshold 100)"
    report = self_check(strict)
    assert report.threshold == 100.5
    assert report.results and all(r.status != "answered" for r in report.results)


def test_an_integer_where_a_fraction_is_allowed_reads_as_a_number(tmp_path):
    bot = Bot.from_folder(tea_folder_with(tmp_path, "tuning:\n  answer_threshold: 40\n  recall_beta: 1\n"))
    assert bot.tuning.answer_threshold == 40.0 and isinstance(bot.tuning.answer_threshold, float)
    assert bot.tuning.recall_beta == 1.0


def test_an_explicit_tuning_replaces_the_folders(tmp_path):
    folder = tea_folder_with(tmp_path, "tuning:\n  answer_threshold: 100.5\n")
    bot = Bot.from_folder(folder)
    assert Bot(bot.intent_set, tuning=DEFAULT).reply("How do I brew coffee?").status == "answered"


@pytest.mark.parametrize("tuning_yaml, message", [
    ("tuning:\n  answer_treshold: 40\n",
     "bot.yaml:4: unknown tuning setting 'answer_treshold' (known: "),
    ("tuning:\n  answer_threshold: high\n", "bot.yaml:4: tuning 'answer_threshold' must be a number, got text"),
    ("tuning:\n  answer_threshold: true\n", "bot.yaml:4: tuning 'answer_threshold' must be a number, got true/false"),
    ("tuning:\n  recall_beta: 1.2\n  max_suggestions: 2.5\n",
     "bot.yaml:5: tuning 'max_suggestions' must be a whole number, got 2.5"),
    ("tuning:\n  max_suggestions: 0\n", "bot.yaml:4: tuning 'max_suggestions' must be at least 1, got 0"),
    ("tuning:\n  suggestion_floor: -1\n", "bot.yaml:4: tuning 'suggestion_floor' must be a number of 0 or more, got -1"),
    ("tuning:\n  answer_threshold: .nan\n", "bot.yaml:4: tuning 'answer_threshold' must be a number of 0 or more, got nan"),
    ("tuning: 42\n", "bot.yaml:3: 'tuning' must be a mapping of setting names to numbers, got a number"),
    ("tuning:\n", "bot.yaml:3: 'tuning' must be a mapping of setting names to numbers, got nothing"),
    ("tuning:\n  - answer_threshold\n", "bot.yaml:3: 'tuning' must be a mapping of setting names to numbers, got a list"),
])
def test_bad_tuning_is_an_error_at_its_line(tmp_path, tuning_yaml, message):
    folder = tea_folder_with(tmp_path, tuning_yaml)
    with pytest.raises(DataFileError) as error:
        Bot.from_folder(folder)
    assert str(error.value).replace(f"{folder}/", "").startswith(message)


def test_check_reports_a_bad_tuning_in_one_line(tmp_path):
    folder = tea_folder_with(tmp_path, "tuning:\n  answer_threshold: 40\n  colour: 3\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["check", str(folder)], stdout=stdout, stderr=stderr) == 2
    known = ", ".join(sorted(f.name for f in fields(Tuning)))
    message = f"{folder}/bot.yaml:5: unknown tuning setting 'colour' (known: {known})"
    assert stderr.getvalue() == f"faqbot: error: {one_line(message, 400)}\n"
    assert stdout.getvalue() == ""
