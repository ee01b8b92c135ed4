"""Fuzz targets for the two places staff-edited files enter: document extraction and intent loading.

Each target feeds arbitrary input and allows exactly one outcome besides success: a DataFileError
(a one-line message naming the file). Anything else is a crash. CI runs a few seconds of each; set
FAQBOT_FUZZ_EXAMPLES (for example 20000) for a longer hunt. Crashes found so far are kept below as
explicit regression tests.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqbot.bot import Bot
from faqbot.errors import DataFileError
from faqbot.authoring.extract import extract_document
from faqbot.content.intents import load_file
from conftest import examples

EXAMPLES = int(os.environ.get("FAQBOT_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=EXAMPLES or examples(250), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Lines that steer the extractor into each of its branches, mixed with arbitrary text.
DOCUMENT_LINES = st.one_of(
    st.sampled_from([
        "---", "title: A Title", "# Magnesium", "## What is it?", "### Side Effects", "**Usage:**",
        "**Side Effects:** some", "**How it Works:**", "* **Is it safe?** Mostly.", "* **Why?**", "- item",
        "* item", "1. first", "2) second", "\u2022 bullet", "Q: Why?", "A: Because.", "A:", "Q:",
        "Key Takeaways:", "Serious side effects include:", "Common side effects include:", "Disclaimer",
        "Note:", "**Disclaimer:** not advice", "Effects on the Body", "Let's take a closer look.", "", " ",
        "web analytics", "x1y2z3", "\t", "\r", "\x0c", "\u2028",
        # setext headings, tables, front-matter FAQs, numbered headings and HTML
        "Leaflet", "========", "-----", "| Age | Dose |", "|-----|------|", "| 5 | 2 ml |", "faq:",
        "  - question: Can I?", "    answer: Yes.", "1. What it is", "<h1>Title</h1>", "<h2>Dosage</h2>",
        "<p><strong>Alcohol:</strong> avoid</p>", "<ul><li>", "<li><b>Q?</b> A.", "</li></ul>", "<script>x",
        "<table><tr><th>a</th></tr><tr><td>b</td></tr></table>", "<nav>", "</nav>", "<p>", "<br>", "&amp;",
        "Brand names: Keppra, Desitrend", "Also known as: X", "Home > Medicines > X", "We use cookies.",
    ]),
    st.text(max_size=60),
)
YAML_TOKENS = st.one_of(
    st.sampled_from([
        "intents:", "document:", "- ", "  ", "    ", "id:", "question:", "answer:", "topic:", "source:",
        "file:", "section:", "lines:", "examples:", "disclaimer:", "[", "]", "{", "}", ", ", "\n", "&a ", "*a",
        "!!int ", "!!float ", "!!timestamp ", "!!binary ", "!!str ", "!!map ", "!!seq ", "!!set ", "!!omap ",
        "!!bool ", "!!null ", "!!python/name:os.system ", "!x ", "? ", ": ", "'", '"', "\\", "|", ">-", "#",
        "---", "...", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "~", "0", "-1", "1.5", "0x1F", "1e999", "yes",
        "2001-02-30", "12:30:45", "<<: ", "tea-caffeine", "What?", "\t", "\ufeff",
    ]),
    st.text(max_size=8),
)


def scratch(suffix: str, data: bytes) -> Path:
    """A fresh file in a fresh folder (hypothesis runs many examples per test function)."""
    folder = Path(tempfile.mkdtemp(prefix="faqbot-fuzz-"))
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates make invalid UTF-8, also worth trying


@FUZZ
@given(st.lists(DOCUMENT_LINES, max_size=40), st.sampled_from([".md", ".txt", ".markdown", ".html"]))
def test_fuzz_extraction_of_structured_documents(lines, suffix):
    text = "\n".join(lines)
    try:
        document = extract_document(scratch(suffix, encoded(text)))
    except DataFileError:
        return
    line_count = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for pair in document.pairs:
        assert pair.question.strip() and isinstance(pair.answer, str)
        assert 1 <= pair.lines[0] <= pair.lines[1] <= line_count  # provenance points into the document


@FUZZ
@given(st.binary(max_size=400) | st.text(max_size=400).map(encoded), st.sampled_from([".md", ".txt", ".html"]))
def test_fuzz_extraction_of_arbitrary_bytes(data, suffix):
    try:
        extract_document(scratch(suffix, data))
    except DataFileError:
        pass


@FUZZ
@given(st.lists(YAML_TOKENS, max_size=50))
def test_fuzz_loading_yaml_shaped_intent_files(tokens):
    try:
        load_file(scratch(".yaml", encoded("".join(tokens))))
    except DataFileError:
        pass


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_loading_arbitrary_bytes_as_intents(data):
    try:
        load_file(scratch(".yaml", data))
    except DataFileError:
        pass


VALID_INTENT = "intents:\n  - id: tea\n    question: Tea?\n    answer: Yes.\n    topic: tea\n"


@FUZZ
@given(st.lists(YAML_TOKENS, max_size=30), st.sampled_from(["bot.yaml", "lexicon.yaml", "safety.yaml", "tea.yaml"]))
def test_fuzz_a_whole_folder_loads_or_fails_with_one_error(tokens, broken):
    """One file of a valid folder is replaced by fuzz; the result is a working bot or a DataFileError."""
    folder = Path(tempfile.mkdtemp(prefix="faqbot-fuzz-"))
    (folder / "tea.yaml").write_text(VALID_INTENT, encoding="utf-8")
    (folder / "bot.yaml").write_text("disclaimer: Not advice.\n", encoding="utf-8")
    (folder / broken).write_bytes(encoded("".join(tokens)))
    try:
        bot = Bot.from_folder(folder)
    except DataFileError:
        return
    assert bot.reply("tea?").text.endswith(bot.disclaimer)


@FUZZ
@given(st.lists(YAML_TOKENS, max_size=40))
def test_fuzz_loading_coverage_test_files(tokens):
    from faqbot.evaluation.suite import load_tests

    try:
        load_tests(scratch(".yaml", encoded("".join(tokens))))
    except DataFileError:
        pass


# --- crashes the fuzzers found, kept as regression tests ------------------------------------

FOUND = {
    "empty !!int (IndexError)": "intents: !!int ''\n",
    "!!timestamp that is no time (AttributeError)": "a: !!timestamp x\n",
    "empty !!bool (KeyError)": "a: !!bool ''\n",
    "february 30th (ValueError)": "a: 2001-02-30\n",
    "!!float of a word (ValueError)": "a: !!float abc\n",
    "!!int key (ValueError)": "!!int abc: 1\n",
    "a 5000-digit integer (ValueError)": "a: " + "9" * 5000 + "\n",
    "nesting deeper than the recursion limit (RecursionError)": "a: " + "[" * 600 + "]" * 600 + "\n",
}


@pytest.mark.parametrize("text", FOUND.values(), ids=FOUND.keys())
def test_regression_yaml_values_that_used_to_crash(tmp_path, text):
    path = tmp_path / "tea.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        load_file(path)
    assert str(raised.value).startswith(str(path))
