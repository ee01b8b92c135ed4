"""End-to-end batch throughput and memory: `faqbot batch FILE -o OUT` (JSONL) on the bundled
intents, as a user runs it, next to simple baselines.

    python benchmarks/bench_batch.py              # 10k and 100k questions
    python benchmarks/bench_batch.py --million    # adds 1M questions (a few minutes)

Questions are patient-style phrasings of the bundled intents and the dev set with typical damage
(typos, capitals, filler words), deterministic for a seed; most are distinct, as in a real export.
Rows:
- `faqbot batch -j 1` (the default) and `-j 2` (a worker per CPU here), wall time from a cold process,
  first on 10,000 questions no two alike (distinct work: the batch's cache of recent replies never
  hits), then on exports of 10,000 and 100,000 questions with repeats, as real exports have;
- baseline "Bot.reply loop": the same questions answered one by one in one process with no I/O,
  no cache, no workers: what a home-made script would get;
- baseline "read + write only": reading the file and writing a fixed JSON record per line, the
  floor that I/O alone costs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FAQBOT, machine, run_measured, table  # noqa: E402
from datagen import perturb  # noqa: E402


def patient_questions(count: int, seed: int = 3) -> list[str]:
    from faqbot.cli import bundled_intents
    from faqbot.content.intents import load_folder

    pool = []
    for intent in load_folder(bundled_intents()).intents:
        pool += [intent.question, *intent.examples]
    return perturb(pool, count, seed)


def distinct_questions(count: int, seed: int = 5) -> list[str]:
    """``count`` questions, no two alike: the batch's reply cache never helps, every one is work."""
    found: dict[str, None] = {}
    size = count
    while len(found) < count:
        found = dict.fromkeys(patient_questions(size, seed))
        size *= 2
    return list(found)[:count]


def in_process_baselines(questions: list[str], path: Path) -> list[list]:
    from faqbot.bot import Bot
    from faqbot.cli import bundled_intents

    bot = Bot.from_folder(bundled_intents())
    sample = questions[:20000]
    start = time.perf_counter()
    for question in sample:
        json.dumps(bot.reply(question).record(), ensure_ascii=False)
    loop = len(sample) / (time.perf_counter() - start)
    record = json.dumps(bot.reply(sample[0]).record(), ensure_ascii=False)
    start = time.perf_counter()
    with open(path, "rb") as source, open(path.with_suffix(".io"), "w", encoding="utf-8") as out:
        for line in source:
            line.decode("utf-8").strip()
            out.write(record + "\n")
    io_rate = len(questions) / (time.perf_counter() - start)
    return [["baseline: Bot.reply loop, in process", f"{len(sample):,}", "-", f"{loop:,.0f}", "-"],
            ["baseline: read + write only, in process", f"{len(questions):,}", "-", f"{io_rate:,.0f}", "-"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 questions")
    args = parser.parse_args()
    sizes = [10_000, 100_000] + ([1_000_000] if args.million else [])
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for kind, size in [("distinct", 10_000)] + [("export", size) for size in sizes]:
            questions = distinct_questions(size) if kind == "distinct" else patient_questions(size)
            path = work / f"questions-{kind}-{size}.txt"
            path.write_text("\n".join(questions) + "\n", encoding="utf-8")
            distinct = len(set(questions))
            for jobs in (["1", "2"] if size <= 100_000 else ["2"]):
                argv = [FAQBOT, "batch", str(path), "-q", "-o", str(work / "out.jsonl"), "-j", jobs]
                wall, peak, _ = run_measured(argv)
                lines = sum(1 for _ in open(work / "out.jsonl", encoding="utf-8"))
                assert lines == size, (lines, size)
                rows.append([f"faqbot batch -j {jobs} (jsonl, -o)", f"{size:,} ({distinct:,} distinct)",
                             f"{wall:.1f}", f"{size / wall:,.0f}", peak])
            if kind == "export" and size == sizes[0]:
                rows += in_process_baselines(questions, path)
    print(table(["run", "questions", "wall s", "questions/s", "peak RSS MB"], rows))


if __name__ == "__main__":
    main()
