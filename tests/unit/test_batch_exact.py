"""The fast batch paths give exactly what ``Bot.reply`` gives one question at a time: the reply
cache, worker processes, a pickled Bot, and the Dask recipe of the README."""

from __future__ import annotations

import json
import pickle

import pytest

from faqbot.batch.readers import Item
from faqbot.batch.answering import answer_items, answer_partition
from faqbot.bot import Bot
from faqbot.cli import bundled_intents
from faqbot.batch.parallel import answer_parallel


def varied_questions(bot: Bot) -> list[str]:
    """Phrasings of every intent with typical damage, plus small talk, emergencies, nonsense,
    hostile text and repeats: every kind of reply, several times over."""
    questions = []
    for number, intent in enumerate(bot.intent_set.intents):
        for text in [intent.question, *intent.examples[:3]]:
            questions.append(text)
            swapped = text[:3] + text[4:5] + text[3:4] + text[5:] if len(text) > 6 else text
            questions += [swapped, text.upper() + " please", f"{text} and what about mars?"]
        questions.append(intent.topic)
    questions += ["hello", "thanks!", "who are you", "I took too many tablets", "my child is having a seizure right now",
                  "how does it work?", "is it addictive?", "what about metformin", "?", "\x1b[31mred\x1b[0m alert",
                  "x" * 3000, "¿Qué es esto?", "1", "the second one"]
    return questions + questions[::7]


def one_by_one(folder, questions: list[str]) -> list[dict]:
    """The reference: a fresh Bot, one Bot.reply per question, each with its own conversation."""
    bot = Bot.from_folder(folder)
    return [{"n": n, **bot.reply(q).record()} for n, q in enumerate(questions, 1)]


def items(questions):
    return [Item(q, f"#{n}") for n, q in enumerate(questions, 1)]


@pytest.mark.parametrize("which", ["tea", "bundled"])
def test_batch_records_equal_one_by_one_replies(which, tea_folder, tea_bot, bundled_bot):
    folder, bot = (tea_folder, tea_bot) if which == "tea" else (bundled_intents(), bundled_bot)
    questions = varied_questions(bot)
    expected = one_by_one(folder, questions)
    assert [o.record() for o in answer_items(bot, items(questions))] == expected


@pytest.mark.parametrize("jobs", [2, 3])
def test_worker_processes_give_the_same_records_in_order(bundled_bot, jobs):
    """Repeats inside a chunk, across chunks in flight and after their chunk finished; unreadable
    items; chunks answered here and in workers: every record as -j 1 gives it, in order."""
    questions = varied_questions(bundled_bot)
    listed = items(questions)
    listed[10:10] = [Item(None, "#bad", error="cannot be decoded")] * 3
    expected = [o.record() for o in answer_items(bundled_bot, listed)]
    parallel = answer_parallel(bundled_bot, listed, jobs=jobs, chunk=17)
    assert [o.record() for o in parallel] == expected


def test_workers_run_from_the_start_and_stop_on_close_unread(bundled_bot):
    """Forked at once (before a caller's progress thread), and gone after close() even when
    nothing was read; the collector's freeze for the fork is undone."""
    import gc
    import multiprocessing

    frozen = gc.get_freeze_count()
    answers = answer_parallel(bundled_bot, items(["tea?"] * 5), jobs=2)
    assert len(multiprocessing.active_children()) == 1
    answers.close()
    assert multiprocessing.active_children() == []
    assert gc.get_freeze_count() == frozen


def test_fork_is_the_start_method_where_the_platform_has_it():
    import multiprocessing

    from faqbot.batch.parallel import start_method

    methods = multiprocessing.get_all_start_methods()
    assert start_method() in methods
    if "fork" in methods:
        assert start_method() == "fork"


def test_bot_is_picklable_and_answers_the_same(bundled_bot):
    copy = pickle.loads(pickle.dumps(bundled_bot))
    questions = varied_questions(bundled_bot)[:200]
    assert [copy.reply(q).record() for q in questions] == [bundled_bot.reply(q).record() for q in questions]


def test_partition_function_reads_lines_like_a_txt_file(tea_bot):
    lines = ["How do I brew coffee?\n", "\n", "# note\n", b"green tea brewing\r\n", b"\xff\n"]
    records = answer_partition(lines, tea_bot)
    assert [(r["n"], r["question"], r["status"] == "error") for r in records] == [
        (1, "How do I brew coffee?", False), (2, "", False), (3, "green tea brewing", False), (4, None, True)]
    assert records[0] == {"n": 1, **tea_bot.reply("How do I brew coffee?").record()}


def test_dask_recipe_on_the_local_scheduler(tea_folder, tmp_path):
    """The README's recipe, as written, on the synchronous scheduler: read text files in
    partitions, map the picklable Bot over them, write JSON lines per partition."""
    db = pytest.importorskip("dask.bag")
    questions = [f"How do I brew {'coffee' if n % 2 else 'green tea'}? ({n})" for n in range(60)]
    source = tmp_path / "questions.txt"
    source.write_text("\n".join(questions) + "\n", encoding="utf-8")

    bot = Bot.from_folder(tea_folder)
    lines = db.read_text(str(source), blocksize=700)
    assert lines.npartitions > 1
    lines.map_partitions(answer_partition, bot).map(json.dumps).to_textfiles(str(tmp_path / "answers" / "*.jsonl"),
                                                                             scheduler="synchronous")

    written = []
    for part in sorted((tmp_path / "answers").glob("*.jsonl")):
        written += [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
    expected = one_by_one(tea_folder, questions)
    assert [{**r, "n": 0} for r in written] == [{**r, "n": 0} for r in expected]
