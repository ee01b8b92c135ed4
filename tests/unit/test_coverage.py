"""Coverage core: test files (format and strict validation), the report's numbers, conversations,
the self-check, and every renderer. Built on a small garden intents folder made in tmp_path, so
nothing depends on the bundled intents, which staff keep rewriting."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from faqbot.bot import Bot, Conversation
from faqbot.evaluation.report import Report, coverage_report, gate_failures
from faqbot.evaluation.runs import CaseResult, label_of, run_dialogues
from faqbot.evaluation.selfcheck import self_check
from faqbot.evaluation.suite import Utterance, load_suite, load_tests, suite_files
from faqbot.evaluation.renderers import render, render_html, render_json, render_junit, render_text
from faqbot.errors import DataFileError, FaqbotError

from gardens import GARDEN, make_garden


@pytest.fixture
def garden(tmp_path) -> Path:
    return make_garden(tmp_path)


@pytest.fixture
def garden_bot(garden) -> Bot:
    return Bot.from_folder(garden)


@pytest.fixture
def report(garden_bot, garden) -> Report:
    return coverage_report(garden_bot, suite_files(garden))


def write(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- test files --------------------------------------------------------------------------


def test_a_test_file_holds_single_cases_and_conversations(garden):
    dialogues = load_tests(garden / "tests" / "garden.yaml")
    assert len(dialogues) == 10
    first = dialogues[0].turns[0]
    assert (first.say, first.expect, first.line) == ("How often should I water tomatoes?", "tomato-water", 1)
    conversation = dialogues[-1]
    assert conversation.is_conversation
    assert [(t.say, t.expect, t.line) for t in conversation.turns] == [
        ("what about pests and flowers", "fallback", 20), ("1", "rose-flowers", 22)]


def test_the_bundled_tests_of_a_folder_are_its_tests_yaml_files(garden):
    (garden / "tests" / "more.yml").write_text("- say: hi\n  expect: smalltalk\n")
    (garden / "tests" / "notes.txt").write_text("not a test file")
    assert [p.name for p in suite_files(garden)] == ["garden.yaml", "more.yml"]
    assert suite_files(garden / "tests") == []


@pytest.mark.parametrize("text, line, message", [
    ("say: hi\nexpect: smalltalk\n", 1,
     "expected a list of tests (- say: ... with expect: ...), got a mapping"),
    ("- hello\n", 1, "each test must be a mapping with 'say' and 'expect', or with 'conversation', got text"),
    ("- say: hi\n  expect: smalltalk\n  note: x\n", 3, "unknown key 'note' in test (allowed: expect, say)"),
    ("- say: hi\n", 1, "test is missing 'expect'"),
    ("- expect: smalltalk\n", 1, "test is missing 'say'"),
    ("- say: '  '\n  expect: smalltalk\n", 1, "'say' must be non-empty text, got text"),
    ("- say: 42\n  expect: smalltalk\n", 1, "'say' must be non-empty text, got a number"),
    ("- say: hi\n  expect: [a, b]\n", 2,
     "'expect' must be an intent id or one of fallback, smalltalk, emergency, clarify, got a list"),
    ("- conversation: hi\n", 1, "'conversation' must be a list of turns (say, expect), got text"),
    ("- conversation: []\n", 1, "'conversation' must be a list of turns (say, expect), got a list"),
    ("- conversation:\n    - hi\n", 2, "each turn must be a mapping with 'say' and 'expect', got text"),
    ("- conversation:\n    - say: hi\n      expect: smalltalk\n  say: x\n", 4,
     "unknown key 'say' in conversation (allowed: conversation)"),
    ("- conversation:\n    - say: hi\n      expect: smalltalk\n      then: x\n", 4,
     "unknown key 'then' in turn (allowed: expect, say)"),
    ("- conversation:\n    - say: hi\n", 2, "turn is missing 'expect'"),
    ("- say: hi\n  expect: smalltalk\n - bad\n", 3, "invalid YAML: expected <block end>, but found '<block sequence start>'"),
])
def test_malformed_test_files_are_errors_naming_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as caught:
        load_tests(path)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert str(caught.value) == f"{path}:{line}: {message}"


def test_an_unknown_intent_id_is_an_error_with_a_suggestion(tmp_path, garden_bot):
    path = write(tmp_path, """\
        - say: hi
          expect: smalltalk
        - say: when to prune
          expect: rose-prun
        """)
    with pytest.raises(DataFileError) as caught:
        coverage_report(garden_bot, [path])
    assert str(caught.value) == (f"{path}:3: unknown intent 'rose-prun' (did you mean 'rose-prune'?); "
                                 "expect an intent id or one of fallback, smalltalk, emergency, clarify")


def test_allow_unknown_lists_those_tests_and_leaves_them_out_of_the_numbers(tmp_path, garden_bot):
    path = write(tmp_path, """\
        - say: When should I prune roses?
          expect: rose-prune
        - say: ask about lawns
          expect: lawn-mowing
        """)
    report = coverage_report(garden_bot, [path], allow_unknown=True)
    assert (report.total, report.passed, report.accuracy) == (1, 1, 1.0)
    assert [(r.utterance.where, r.utterance.expect) for r in report.unknown] == [(f"{path}:3", "lawn-mowing")]
    assert "lawn-mowing" not in report.labels


def test_no_tests_at_all_is_an_error(tmp_path):
    empty = write(tmp_path, "# nothing yet\n")
    assert load_tests(empty) == []
    with pytest.raises(FaqbotError, match=re.escape(f"no coverage tests in {empty}")):
        load_suite([empty])


# --- the report ----------------------------------------------------------------------------


def test_the_report_counts_accuracy_and_fallbacks(report):
    assert (report.total, report.passed) == (11, 9)
    assert report.accuracy == pytest.approx(9 / 11)
    assert report.fallbacks == 3          # nonsense, the expected fallback and the first conversation turn
    assert report.fallback_rate == pytest.approx(3 / 11)


def test_per_intent_support_precision_recall_f1_and_confusions(report):
    water, feed, prune = report.labels["tomato-water"], report.labels["tomato-feed"], report.labels["rose-prune"]
    assert (water.support, water.predicted, water.correct) == (2, 1, 1)
    assert (water.precision, water.recall, water.f1) == (1.0, 0.5, pytest.approx(2 / 3))
    assert [(label, [r.utterance.say for r in results]) for label, results in water.confused_with.items()] == [
        ("tomato-feed", ["best feed for tomatoes"])]
    assert (feed.support, feed.predicted, feed.correct, feed.precision, feed.recall) == (1, 2, 1, 0.5, 1.0)
    assert (prune.support, prune.correct, prune.recall) == (2, 1, 0.5)
    assert list(prune.confused_with) == ["fallback"]
    fallback = report.labels["fallback"]
    assert (fallback.kind, fallback.support, fallback.predicted, fallback.correct) == ("status", 2, 3, 2)
    blight = report.labels["tomato-blight"]
    assert (blight.support, blight.precision, blight.recall, blight.f1) == (0, None, None, None)


def test_confused_pairs_near_misses_unreached_and_recall_floor(report):
    assert [(p.a, p.b, p.a_as_b, p.b_as_a, p.count) for p in report.confused_pairs] == [
        ("tomato-feed", "tomato-water", 0, 1, 1)]
    assert [s.label for s in report.unreached] == ["tomato-blight"]
    assert [s.label for s in report.recall_below(0.6)] == ["rose-prune", "tomato-water"]
    assert report.near_misses == []       # canonical questions win by a wide margin


def test_score_bins_split_right_and_wrong_replies_that_were_matched(report):
    bins = report.score_bins
    assert [(b.low, b.high) for b in bins][:2] == [(0, 10), (10, 20)] and bins[-1].high == 100
    matched = [r for r in report.results if r.matched]
    assert sum(b.right + b.wrong for b in bins) == len(matched)
    assert bins[-1].right >= 4            # the four canonical questions score 100
    assert bins[-1].wrong == 1            # "best feed for tomatoes" is a confident wrong answer


def test_the_confusion_matrix_counts_expected_against_got(report):
    labels, matrix = report.confusion()
    assert labels == ["tomato-water", "tomato-feed", "rose-prune", "rose-aphids", "rose-flowers",
                      "fallback", "smalltalk", "emergency"]
    at = {label: i for i, label in enumerate(labels)}
    assert matrix[at["tomato-water"]][at["tomato-feed"]] == 1
    assert matrix[at["rose-prune"]][at["fallback"]] == 1
    assert sum(map(sum, matrix)) == report.total


def _case(say, expect, got, score, runner_up=None, runner_score=None, matched=True):
    return CaseResult(Utterance(say, expect, Path("t.yaml"), 1), got, "answered" if got not in
                      ("fallback", "clarify") else got, score, runner_up, runner_score, matched, 1, 1)


def test_near_misses_are_right_answers_close_to_the_runner_up(garden_bot):
    results = [_case("a", "rose-prune", "rose-prune", 60.0, "rose-aphids", 57.5),
               _case("b", "rose-prune", "rose-prune", 90.0, "rose-aphids", 50.0),
               _case("c", "rose-prune", "rose-aphids", 60.0, "rose-prune", 59.0)]
    report = Report("tests", garden_bot.intent_set, results, ["t.yaml"])
    assert [(r.utterance.say, r.margin) for r in report.near_misses] == [("a", 2.5)]


def test_gate_failures_say_which_gate_and_why(report):
    assert gate_failures(report, None, None) == []
    assert gate_failures(report, 0.8, 0.5) == []
    assert gate_failures(report, 0.9, 0.6) == [
        "accuracy 0.818 is below --min-accuracy 0.9",
        "recall is below --min-recall 0.6 for 2 intents: rose-prune (0.50), tomato-water (0.50)"]


# --- conversations -------------------------------------------------------------------------


def test_each_dialogue_runs_through_one_conversation_of_its_own(tmp_path):
    class Recorder:
        def __init__(self):
            self.seen = []

        def reply(self, question, conversation):
            self.seen.append((question, conversation))
            return Bot.reply(garden, question, conversation)

    garden = Bot.from_folder(make_garden(tmp_path))
    path = write(tmp_path, """\
        - say: hello
          expect: smalltalk
        - conversation:
            - say: hello
              expect: smalltalk
            - say: hi
              expect: smalltalk
        - say: hi
          expect: smalltalk
        """)
    recorder = Recorder()
    run_dialogues(recorder, load_tests(path))
    seen = [conversation for _, conversation in recorder.seen]
    assert seen[1] is seen[2]
    assert seen[0] is not seen[1] and seen[3] is not seen[1] and seen[0] is not seen[3]


def test_a_follow_up_is_answered_from_the_conversation(report):
    first, choice = [r for r in report.results if r.dialogue == 10]
    assert (first.got, first.turn, choice.got, choice.turn) == ("fallback", 1, "rose-flowers", 2)
    assert choice.passed
    alone = Bot.from_folder(Path(report.sources[0]).parent.parent).reply("1", Conversation())
    assert label_of(alone) != "rose-flowers"


# --- self-check ----------------------------------------------------------------------------


def test_self_check_holds_out_every_example_and_finds_thin_intents(garden_bot):
    report = self_check(garden_bot)
    examples = sum(len(i.examples) for i in garden_bot.intent_set.intents)
    assert report.kind == "self-check" and report.total == examples == 27
    assert {r.utterance.expect for r in report.results} == {i.id for i in garden_bot.intent_set.intents}
    assert report.self_check.thin == [("rose-flowers", 2)]
    assert report.self_check.duplicates == []
    assert report.self_check.canonical_misses == []


def test_self_check_names_each_examples_own_file_and_line(garden_bot):
    """A failing example is pointed at where staff edit it: its own line, not its intent's."""
    report = self_check(garden_bot)
    for result in report.results:
        path, line = result.utterance.path, result.utterance.line
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[line - 1].strip().lstrip("- ").strip("'\"") == result.utterance.say, result.utterance.where
    rendered = render(report, "text")
    assert all(r.utterance.where in rendered for r in report.failures)


def test_self_check_answers_exactly_as_bots_rebuilt_from_scratch(garden_bot):
    """The fast leave-one-out bots (shared analysis) must not change a single outcome or score."""
    report = self_check(garden_bot)
    intent_set = garden_bot.intent_set
    expected = []
    for position, intent in enumerate(intent_set.intents):
        for index, example in enumerate(intent.examples):
            intents = list(intent_set.intents)
            intents[position] = replace(intent, examples=intent.examples[:index] + intent.examples[index + 1:])
            rebuilt = Bot(replace(intent_set, intents=intents), garden_bot.lexicon, garden_bot.safety)
            reply = rebuilt.reply(example, Conversation())
            expected.append((example, label_of(reply), round(reply.score, 1)))
    assert [(r.utterance.say, r.got, r.score) for r in report.results] == expected


def test_self_check_names_near_duplicates_and_canonical_misses(tmp_path):
    overlapping = GARDEN.replace("      - rose bush not blooming\n",
                                 "      - rose bush not blooming\n      - best month to prune roses!\n"
                                 "      - How often should I water tomatoes\n")
    bot = Bot.from_folder(make_garden(tmp_path, tests=None, intents=overlapping))
    check = self_check(bot).self_check
    assert [(d.a, d.a_text, d.b, d.b_text, d.similarity) for d in check.duplicates] == [
        ("rose-prune", "best month to prune roses", "rose-flowers", "best month to prune roses!", 100.0),
        ("tomato-water", "How often should I water tomatoes?", "rose-flowers", "How often should I water tomatoes",
         100.0)]
    assert check.thin == [("rose-flowers", 4)]
    assert [(r.utterance.expect, r.got) for r in check.canonical_misses] in (
        [("tomato-water", "rose-flowers")], [("tomato-water", "clarify")])


def test_the_core_never_imports_prompt_toolkit():
    code = ("import sys, faqbot.evaluation.report, faqbot.evaluation.selfcheck, faqbot.evaluation.renderers, faqbot.evaluation.review; "
            "print('prompt_toolkit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --- renderers -----------------------------------------------------------------------------


def test_the_text_report_is_a_table_without_colour_unless_asked(report):
    text = render_text(report)
    assert "\x1b[" not in text
    lines = text.splitlines()
    # When, by which faqbot, on which folder: a report read later says what it measured.
    from faqbot import __version__
    assert re.fullmatch(rf"faqbot {re.escape(__version__)} on intents folder .+, \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00",
                        lines[1]), lines[1]
    assert lines[2] == "accuracy 81.8% (9 of 11 test utterances), fallback rate 27.3%, answer threshold " \
                       f"{report.threshold:g}"
    header = next(line for line in lines if line.startswith("label"))
    assert header.split() == ["label", "support", "precision", "recall", "f1", "confused", "with"]
    row = next(line for line in lines if line.startswith("tomato-water "))
    assert row.split()[:5] == ["tomato-water", "2", "1.00", "0.50", "0.67"] and row.endswith("tomato-feed (1)")
    assert '  tomato-water <- "best feed for tomatoes"' in lines
    assert "  tomato-blight: no test expects it" in lines
    assert any("answer threshold" in line and "falls in" in line for line in lines)
    assert "\x1b[" in render_text(report, colour=True)


def test_the_text_report_shows_control_characters_instead_of_obeying_them(garden_bot, tmp_path):
    path = write(tmp_path, '- say: "\\e[31mred \\x07bell"\n  expect: rose-prune\n')
    text = render_text(coverage_report(garden_bot, [path]))
    assert "\x1b" not in text and "\x07" not in text
    assert '"\\x1b[31mred \\x07bell"' in text


def test_json_has_the_documented_keys(report):
    data = json.loads(render_json(report))
    assert list(data) == ["format_version", "generated", "faqbot_version", "intents_folder", "kind", "sources", "threshold", "near_miss_margin", "total", "passed",
                          "accuracy", "fallbacks", "fallback_rate", "intents", "statuses", "confused_pairs",
                          "near_misses", "failures", "score_bins", "unreached", "unknown_expectations",
                          "confusion", "cases", "self_check", "rule_cases"]
    assert (data["format_version"], data["kind"], data["total"], data["passed"], data["accuracy"]) == (
        1, "tests", 11, 9, 0.8182)
    water = next(i for i in data["intents"] if i["label"] == "tomato-water")
    assert water == {"label": "tomato-water", "topic": "tomatoes", "support": 2, "predicted": 1, "correct": 1,
                     "precision": 1.0, "recall": 0.5, "f1": 0.6667,
                     "confused_with": [{"label": "tomato-feed", "count": 1, "utterances": [
                         {"say": "best feed for tomatoes", "where": water["confused_with"][0]["utterances"][0]["where"]}]}]}
    assert water["confused_with"][0]["utterances"][0]["where"].endswith("garden.yaml:9")
    assert set(data["cases"][0]) == {"where", "dialogue", "turn", "say", "expect", "got", "status", "score",
                                     "runner_up", "runner_up_score", "margin", "passed"}
    assert data["unreached"] == [{"id": "tomato-blight", "support": 0}]
    assert data["self_check"] is None


def test_json_of_a_self_check_has_its_findings(garden_bot):
    data = json.loads(render(self_check(garden_bot), "json"))
    assert data["kind"] == "self-check"
    assert data["self_check"] == {"thin": [{"id": "rose-flowers", "examples": 2}], "duplicates": [],
                                  "canonical_misses": []}


def test_junit_has_one_testcase_per_utterance_and_parses_back(report):
    root = ET.fromstring(render_junit(report))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("11", "2", "0")
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name").endswith("garden.yaml")
    cases = suites[0].findall("testcase")
    assert len(cases) == 11
    assert cases[0].get("classname") == "coverage.garden"
    assert cases[0].get("name") == "line 1: How often should I water tomatoes?"
    assert [c.get("name") for c in cases[-2:]] == ["line 20 turn 1: what about pests and flowers",
                                                   "line 22 turn 2: 1"]
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.find("failure").get("message") for c in failed][0].startswith(
        "expected tomato-water, got tomato-feed (score ")
    assert len(failed) == 2


def test_junit_stays_valid_xml_with_control_characters(garden_bot, tmp_path):
    path = write(tmp_path, '- say: "bad \\x01 byte & <tag>"\n  expect: rose-prune\n')
    root = ET.fromstring(render_junit(coverage_report(garden_bot, [path])))
    assert root.find("testsuite/testcase").get("name") == "line 1: bad \\x01 byte & <tag>"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.classes, self.cells = [], [], []
        self._in_matrix = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "class" in attrs:
            self.classes.append((tag, attrs["class"]))
        if tag == "table":
            self._in_matrix = attrs.get("class") == "matrix"
        if tag == "td" and self._in_matrix and "title" in attrs:
            self.cells.append(attrs["title"])


def test_html_is_one_page_with_the_intent_table_and_the_matrix(report):
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    from faqbot import __version__
    assert re.search(rf'<p class="provenance">faqbot {re.escape(__version__)} on intents folder .+, \d{{4}}-', page)
    for outside in ("http://", "https://", "<script", "<link", "src="):
        assert outside not in page
    parsed = _Tags()
    parsed.feed(page)
    assert ("table", "intents") in parsed.classes and ("table", "matrix") in parsed.classes
    assert "expected tomato-water, got tomato-feed: 1" in parsed.cells
    assert "expected rose-prune, got rose-prune: 1" in parsed.cells
    assert "<td>tomato-water</td><td>tomatoes</td>" in page
    assert "threshold" in page


def test_html_escapes_what_tests_say(garden_bot, tmp_path):
    path = write(tmp_path, "- say: <script>alert(1)</script>\n  expect: rose-prune\n")
    page = render_html(coverage_report(garden_bot, [path]))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_of_a_self_check_lists_its_findings(garden_bot):
    page = render_html(self_check(garden_bot))
    assert "<h1>faqbot coverage (self-check)</h1>" in page
    assert "<h2>Thin intents (fewer than 5 examples)</h2>" in page and "<li>rose-flowers: 2</li>" in page
    assert "<h2>Near-duplicate phrasings across intents</h2>" in page
    assert 'class="matrix"' in page


def test_analyzers_share_only_uncorrected_analyses(garden_bot):
    """Analyzers of one lexicon may share a cache of uncorrected analyses (what a leave-one-out
    self-check relies on); corrected ones depend on each index's vocabulary and are never shared."""
    from faqbot.bot import index_texts
    from faqbot.language.analyzer import Analyzer

    shared: dict = {}
    texts = index_texts(garden_bot.intent_set)
    first = Analyzer(garden_bot.lexicon, texts, shared_analyses=shared)
    second = Analyzer(garden_bot.lexicon, texts[1:], shared_analyses=shared)
    analysis = first.analyse(texts[0])
    assert second.analyse(texts[0]) is analysis
    assert analysis == Analyzer(garden_bot.lexicon, texts).analyse(texts[0])
    assert list(shared) == [(texts[0], False)]
    first.analyse("when shuld I prune", correct=True)
    assert list(shared) == [(texts[0], False)]


def test_reports_say_when_by_which_faqbot_and_on_which_folder(tea_bot, tmp_path):
    """Item 6 of issue 13: a report read later says what it measured; JUnit cases carry file and
    line so CI can point at the test."""
    import json as _json
    import xml.etree.ElementTree as _ET

    from faqbot import __version__
    from faqbot.evaluation.renderers import render_json, render_junit
    from faqbot.evaluation.report import coverage_report

    tests = tmp_path / "t.yaml"
    tests.write_text("# one test\n- say: does green tea have caffeine\n  expect: tea-caffeine\n")
    report = coverage_report(tea_bot, [tests])
    data = _json.loads(render_json(report))
    assert data["faqbot_version"] == __version__ and data["intents_folder"] == str(tea_bot.intent_set.folder)
    assert data["generated"].endswith("+00:00")
    root = _ET.fromstring(render_junit(report))
    case = root.find(".//testcase")
    assert (case.get("file"), case.get("line")) == (str(tests), "2")
    assert {p.get("name") for p in root.find("properties")} == {"faqbot_version", "intents_folder"}
