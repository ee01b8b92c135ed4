"""Curation that lasts: a staff round trip (edit, split, delete, add, re-extract, check, import
over a curated file), saving that keeps comments and any text, dry runs, init and check."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from faqbot.content.intents import Intent, Source, load_file, load_folder
from faqbot.content.saving import render_intent_file, save_file

DOCUMENT = """\
# Aspirin

**Usage:** Aspirin relieves pain and fever.

### Precautions

* **Alcohol:** Avoid drinking while taking it.
* **Pregnancy:** Do not take it in the last three months.

### References

1. A textbook.

### FAQs

* **Can I take aspirin with food?** Yes, with food.
"""


@pytest.fixture
def staff(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("docs").mkdir()
    Path("docs/aspirin.md").write_text(DOCUMENT)
    return tmp_path


def ids(path="intents/aspirin.yaml") -> list[str]:
    return [i.id for i in load_file(Path(path))]


# --- saving ----------------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).filter(lambda t: t.strip())


@settings(max_examples=300, deadline=None)
@given(answer=TEXT, example=TEXT)
def test_any_text_saves_and_loads_back_identical(tmp_path_factory, answer, example):
    """'#', ': ', quotes, leading spaces, line breaks, any Unicode: what staff type is what loads."""
    path = tmp_path_factory.mktemp("save") / "x.yaml"
    example = " ".join(example.split()) or "x"
    intent = Intent("x-1", "What?", answer, "topic", [example], Source("x.md", "S", (1, 2), "abc123"))
    save_file(path, [intent])
    [loaded] = load_file(path)
    assert (loaded.answer, loaded.examples) == (answer.strip(), [example])


LINE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).map(
    lambda t: " ".join(t.split())).filter(bool)


@settings(max_examples=300, deadline=None)
@given(question=LINE, topic=LINE, section=LINE, file=LINE, answer=TEXT, example=TEXT, key=LINE)
def test_a_new_file_written_directly_reads_back_as_ruamel_would_write_it(question, topic, section, file, answer,
                                                                          example, key):
    """The direct writer for new files (no ruamel round trip) must give what ruamel's file
    gives, to faqbot's loader and to ruamel reading it back to keep comments later."""
    from faqbot.content import saving

    intent = Intent("x-1", question, answer.strip(), topic, [" ".join(example.split()) or "x"],
                    Source(file, section, (3, 4), "814845e81057"))
    direct = saving._new_file_text([intent], f"../{file}", [f"{section} | {question}"])
    if direct is None:          # a text only ruamel places exactly: that file goes through ruamel
        return
    by_ruamel = saving.dump_yaml(saving._round_trip(direct))
    assert yaml.safe_load(direct) == yaml.safe_load(by_ruamel)
    [loaded] = load_file_text(direct)
    assert (loaded.question, loaded.topic, loaded.answer, loaded.examples, loaded.source) == (
        intent.question, intent.topic, intent.answer, intent.examples, intent.source)


def load_file_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_text(text, encoding="utf-8")
        return load_file(path)


def test_an_extracted_folder_written_directly_is_what_ruamel_writes(tmp_path, monkeypatch):
    from faqbot.authoring.workspace import extract_into
    from faqbot.content import saving

    extract_into(Path(__file__).parents[1] / "data" / "newdocs", tmp_path / "direct")
    monkeypatch.setattr(saving, "_new_file_text", lambda *args: None)
    extract_into(Path(__file__).parents[1] / "data" / "newdocs", tmp_path / "ruamel")
    files = sorted(p.name for p in (tmp_path / "direct").glob("*.yaml"))
    assert files and files == sorted(p.name for p in (tmp_path / "ruamel").glob("*.yaml"))
    for name in files:
        direct, by_ruamel = ((tmp_path / side / name).read_text(encoding="utf-8") for side in ("direct", "ruamel"))
        assert yaml.safe_load(direct) == yaml.safe_load(by_ruamel), name


def test_answers_and_examples_are_block_scalars(tmp_path):
    intent = Intent("a", "Q?", "Take it # with food: always", "t", ["can i: eat # now"])
    text = render_intent_file([intent])
    assert "    answer: |-\n      Take it # with food: always\n" in text
    assert "      - |-\n        can i: eat # now\n" in text


def test_comments_survive_a_save(tmp_path):
    path = tmp_path / "x.yaml"
    intents = [Intent("a", "Q?", "A.", "t", ["one"]), Intent("b", "R?", "B.", "t")]
    save_file(path, intents)
    text = path.read_text().replace("  - id: a\n", "  # reviewed by the pharmacist, May\n  - id: a\n")
    text = text.replace("      - |-\n        one\n", "      - |-\n        one\n      # more to come\n")
    path.write_text(text)
    intents[0].answer = "A, changed."
    save_file(path, intents + [Intent("c", "S?", "C.", "t")])
    saved = path.read_text()
    assert "  # reviewed by the pharmacist, May\n  - id: a\n" in saved and "# more to come" in saved
    assert [i.id for i in load_file(path)] == ["a", "b", "c"]


# --- the staff round trip ------------------------------------------------------------------------------


def test_every_staff_edit_survives_re_extraction_and_check_tells_it_from_drift(staff, cli):
    assert cli(["extract", "docs", "--into", "intents"]).status == 0
    assert "aspirin-references" not in ids()            # references are page furniture, never answers
    path = Path("intents/aspirin.yaml")
    text = path.read_text()
    # Delete one intent, reword a question, add an example, shorten an answer, add an intent of our own.
    start = text.index("  - id: aspirin-pregnancy")
    end = text.index("  - id: ", start + 5)
    text = text[:start] + text[end:]
    text = text.replace("question: Can I drink alcohol while taking aspirin?", "question: Is alcohol OK with aspirin?")
    text = text.replace("Avoid drinking while taking it.", "Avoid drinking.")
    text = text.replace("intents:\n", "intents:\n  # our own, answered by the pharmacy\n"
                        "  - id: opening-hours\n    question: When is the pharmacy open?\n"
                        "    answer: |-\n      Nine to five.\n    topic: aspirin\n", 1)
    path.write_text(text)
    before = ids()

    result = cli(["extract", "docs", "--into", "intents"])
    assert result.status == 0
    assert "  kept (your edited answer): aspirin-alcohol\n" in result.out
    assert "  kept deleted (you removed it): aspirin-pregnancy\n" in result.out
    assert "  kept (your own intent): opening-hours\n" in result.out
    assert ids() == before
    intents = {i.id: i for i in load_file(path)}
    assert intents["aspirin-alcohol"].question == "Is alcohol OK with aspirin?"
    assert intents["aspirin-alcohol"].answer == "Alcohol: Avoid drinking."
    assert "# our own, answered by the pharmacy" in path.read_text()

    check = cli(["check", "intents"])
    assert check.status == 0, check.out
    assert "curated: your edited answer is kept; the document is unchanged" in check.out
    assert "drift:" not in check.out

    # The document changes under the edited answer: now it is drift, and extraction says so.
    Path("docs/aspirin.md").write_text(DOCUMENT.replace("Avoid drinking while taking it.", "Never drink."))
    assert "  review (your edited answer; the document changed there): aspirin-alcohol\n" in \
        cli(["extract", "docs", "--into", "intents"]).out
    check = cli(["check", "intents"])
    assert check.status == 1 and "aspirin-alcohol: the document changed where your edited answer came from" in check.out


def test_a_split_intent_survives_re_extraction(staff, cli):
    Path("docs/aspirin.md").write_text(DOCUMENT.replace("Aspirin relieves pain and fever.",
                                                        "Aspirin relieves pain. It also lowers fever."))
    cli(["extract", "docs", "--into", "intents"])
    path = Path("intents/aspirin.yaml")
    text = path.read_text().replace("      Aspirin relieves pain. It also lowers fever.\n", "      Aspirin relieves pain.\n")
    text = text.replace("intents:\n", "intents:\n  - id: aspirin-fever\n    question: Does aspirin lower fever?\n"
                        "    answer: |-\n      It also lowers fever.\n    topic: aspirin\n"
                        "    source:\n      file: aspirin.md\n      section: Usage\n", 1)
    path.write_text(text)
    assert cli(["extract", "docs", "--into", "intents"]).status == 0
    intents = {i.id: i for i in load_file(path)}
    assert intents["aspirin-uses"].answer == "Aspirin relieves pain."
    assert intents["aspirin-fever"].answer == "It also lowers fever."
    check = cli(["check", "intents"])
    assert check.status == 0 and "aspirin-fever: curated: every paragraph of this answer is text of the document" \
        in check.out


def test_dry_run_shows_the_diff_and_writes_nothing(staff, cli):
    result = cli(["extract", "docs", "--into", "intents", "--dry-run"])
    assert result.status == 0 and not Path("intents").exists()
    assert result.out.startswith("intents folder: intents (dry run: nothing written)\n")
    assert "+++ intents/aspirin.yaml" in result.out and "+  - id: aspirin-uses" in result.out
    cli(["extract", "docs", "--into", "intents"])
    before = Path("intents/aspirin.yaml").read_text()
    Path("docs/aspirin.md").write_text(DOCUMENT.replace("pain and fever", "pain"))
    result = cli(["extract", "docs", "--into", "intents", "--dry-run"])
    assert "-      Aspirin relieves pain and fever.\n+      Aspirin relieves pain.\n" in result.out
    assert Path("intents/aspirin.yaml").read_text() == before


def test_import_refuses_to_replace_curated_intents_unless_told(staff, cli):
    Path("faq.csv").write_text("id,question,answer,alternatives\nbook,How do I book?,Call us.,booking | make an appointment\n"
                               "where,Where are you?,At 1 Main St.,\n")
    assert cli(["import", "faq.csv", "--into", "intents"]).status == 0
    [book, where] = load_file(Path("intents/faq.yaml"))
    assert (book.id, book.examples, where.id) == ("book", ["booking", "make an appointment"], "where")
    Path("faq.csv").write_text("question,answer\nHow do I book?,Call us.\n")   # 'where' would be lost
    before = Path("intents/faq.yaml").read_text()
    result = cli(["import", "faq.csv", "--into", "intents"])
    assert result.status == 2 and result.out == ""
    assert "would drop or override 1 of them (where)" in result.err and "--replace" in result.err
    assert Path("intents/faq.yaml").read_text() == before
    assert cli(["import", "faq.csv", "--into", "intents", "--dry-run", "--replace"]).status == 0
    assert Path("intents/faq.yaml").read_text() == before
    assert cli(["import", "faq.csv", "--into", "intents", "--replace"]).status == 0
    assert [i.id for i in load_file(Path("intents/faq.yaml"))] == ["book"]


# --- init and check --------------------------------------------------------------------------------------


def test_init_makes_an_editable_copy_that_check_and_the_bot_use(staff, cli):
    result = cli(["init", "mine"])
    assert result.status == 0 and result.out.startswith("mine: new intents folder, ")
    assert "--intents mine" in result.out
    assert cli(["check", "mine"]).status == 0
    path = Path("mine/magnesium-valproate.yaml")
    path.write_text(path.read_text().replace("question: Is magnesium valproate addictive?",
                                             "question: Is magnesium valproate habit forming?"))
    assert "Is magnesium valproate habit forming?" in {i.question for i in load_folder(Path("mine")).intents}
    assert cli(["init", "mine"]).status == 2      # never over a folder that holds anything


def test_init_from_documents(staff, cli):
    assert cli(["init", "clinic", "--from-documents", "docs"]).status == 0
    assert ids("clinic/aspirin.yaml")[0] == "aspirin-uses"


def test_check_reports_every_error_with_file_and_line(staff, cli):
    Path("bad").mkdir()
    Path("bad/bot.yaml").write_text("disclaimer: Not advice.\n")
    Path("bad/a.yaml").write_text("intents:\n  - id: Bad Id\n    question: Q?\n    answer: A.\n    topic: t\n"
                                  "  - id: dup\n    question: R?\n    answer: ''\n    topic: t\n"
                                  "  - id: dup\n    question: S?\n    answer: S.\n    topic: t\n")
    Path("bad/b.yaml").write_text("intents:\n  - id: dup\n    question: T?\n    answer: T.\n    topic: t\n")
    Path("bad/c.yaml").write_text("intents: [\n")
    result = cli(["check", "bad"])
    assert result.status == 2
    lines = result.err.splitlines()
    assert lines[0] == "faqbot: error: bad/a.yaml:2: id 'Bad Id' must use lower-case letters, digits, '-', '_' or '.'"
    assert lines[1] == "faqbot: error: bad/a.yaml:8: 'answer' must not be empty"
    assert lines[2] == "faqbot: error: bad/b.yaml:2: duplicate intent id 'dup' (first defined in a.yaml:10)"
    assert lines[3].startswith("faqbot: error: bad/c.yaml:2: invalid YAML")
    assert lines[4] == "faqbot: 4 errors in bad"


def test_loading_quotes_only_a_short_escaped_excerpt_of_a_rejected_file(staff, cli):
    """An intents folder holding a stray file (a link to a secret, a pasted document) must not
    have that file's content printed by the error that rejects it."""
    secret = "root:$6$hunter2hunter2hunter2hunter2hunter2:19000:0:99999:7:::\x1b[2J"
    Path("bad").mkdir()
    Path("bad/bot.yaml").write_text("disclaimer: Not advice.\n")
    Path("bad/a.yaml").write_text(f"intents:\n  - id: x\n    question: Q?\n    answer: A.\n    topic: t\n    {secret!s}: 1\n"
                                  .replace("\x1b", "\\x1b"))
    Path("bad/c.yaml").write_text("intents:\n  - id: " + "S" * 500 + "\n    question: Q?\n    answer: A.\n    topic: t\n")
    result = cli(["check", "bad"])
    assert result.status == 2
    assert "hunter2hunter2hunter2hunter2hunter2" not in result.err and "S" * 60 not in result.err
    assert "unknown key 'root:$6$hunter2hunter2hunter2hunter2hunt...'" in result.err


def test_ids_are_unique_across_a_folder_and_stable_across_re_extraction(staff, cli):
    """Site scale: many pages share a subject ("abacavir" tablets and oral solution); ids come
    from the subject and the kind, told apart by the file name, and do not move when re-run."""
    for name in ("abacavir-tablets.md", "abacavir-solution.md"):
        Path(f"docs/{name}").write_text("# Abacavir\n\n**Usage:** HIV.\n\n**Dosage:** Once a day.\n\n"
                                        "**Side Effects:** Rash.\n")
    assert cli(["extract", "docs", "--into", "intents"]).status == 0
    folder = load_folder(Path("intents"))        # loading refuses duplicate ids
    first = {i.id: (i.source.file, i.answer) for i in folder.intents}
    assert {"abacavir-solution-uses", "abacavir-tablets-uses"} <= set(first)
    assert all(answer.strip() for _, answer in first.values())
    assert cli(["extract", "docs", "--into", "intents"]).status == 0
    assert {i.id: (i.source.file, i.answer) for i in load_folder(Path("intents")).intents} == first
