"""A whole medicine site as one knowledge base: cold start, memory, Bot.reply latency and batch
throughput at 1k, 10k and 80k intents (the first 84, 840 and all 6,500 pages of sitegen.py's
site), so the growth curve is visible.

    python benchmarks/bench_site.py [--pages 84,840,6500] [--work DIR] [--questions 2000]

Each size runs in fresh processes, so peak memory is its own:
- cold start: `Bot.from_folder` in a new process, first with no compiled index (the cache
  folder emptied: parse YAML, build the index, write the cache), then warm (the cache read);
- Bot.reply: median and p99 over distinct patient-style questions (medicines named, misspelt,
  combination products, two medicines, no medicine at all, a bare salt name), one at a time, as
  the REPL asks them; peak RSS of that process;
- batch: `faqbot batch` of 20,000 distinct questions (--batch), `-j 1` and `-j 2`, wall time from a
  cold process (cache warm), its CPU time (on a shared machine wall time includes waiting for
  a core; CPU time does not), peak RSS summed over the process tree.
The generated folders stay in --work (default: faqbot-site in the temporary folder), so a rerun
skips generation; the compiled index goes to a cache folder of its own there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import FAQBOT, machine, run_measured, table  # noqa: E402
from sitegen import plan, write_intents  # noqa: E402

PROBE = r"""
import json, resource, statistics, sys, time
start, start_cpu = time.perf_counter(), time.process_time()
from faqbot.bot import Bot
from faqbot.yamlfile import freeze_loaded
bot = Bot.from_folder(sys.argv[1])
if Bot.is_large(sys.argv[1]):
    freeze_loaded()          # as the REPL, ask and serve do (cli.load_bot)
load, load_cpu = time.perf_counter() - start, time.process_time() - start_cpu
questions = open(sys.argv[2], encoding="utf-8").read().splitlines()
kinds = open(sys.argv[3], encoding="utf-8").read().splitlines()
times = []
statuses = {}
by_kind = {}
cpu = time.process_time()
for question, kind in zip(questions, kinds):
    start = time.perf_counter()
    reply = bot.reply(question)
    took = time.perf_counter() - start
    times.append(took)
    by_kind.setdefault(kind, []).append(took)
    by_kind.setdefault(reply.status, []).append(took)
    statuses[reply.status] = statuses.get(reply.status, 0) + 1
cpu = (time.process_time() - cpu) / len(questions)
times.sort()
print(json.dumps({"intents": len(bot.intent_set.intents), "load": load, "cpu": cpu * 1000,
                  "load_cpu": load_cpu,
                  "median": statistics.median(times) * 1000, "p99": times[int(len(times) * 0.99)] * 1000,
                  "max": times[-1] * 1000, "statuses": statuses,
                  "kinds": {kind: [statistics.median(t) * 1000, sorted(t)[int(len(t) * 0.99)] * 1000, max(t) * 1000]
                            for kind, t in by_kind.items()},
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_NAMED = ["what is {m} used for", "side effects of {m}", "how does {m} work", "{m} dose for adults",
          "can i drink alcohol on {m}", "is {m} safe in pregnancy", "what precautions with {m}",
          "is {m} addictive", "how long does {m} take to work"]
_UNNAMED = ["is it safe to take while pregnant", "i missed a dose what should i do", "can i drink alcohol with it",
            "what are the side effects", "how long does it take to work"]
_TWO = ["can i take {a} with my {b}", "{a} and {b} together", "is {a} ok with {b}"]


def typo(word: str, rng: random.Random) -> str:
    """One dropped or swapped letter inside a long word, as patients type names."""
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2:]


def site_questions(pages: int, count: int, seed: int = 5) -> list[str]:
    """``count`` distinct questions about the first ``pages`` pages of the site."""
    return [question for question, _ in site_questions_by_kind(pages, count, seed)]


def site_questions_by_kind(pages: int, count: int, seed: int = 5) -> list[tuple[str, str]]:
    """``site_questions`` with each one's kind: named, misspelt, two medicines, no medicine
    named, a bare word of a name."""
    rng = random.Random(seed)
    site = plan(pages)
    questions: list[tuple[str, str]] = []
    seen = set()
    while len(questions) < count:
        page = rng.choice(site)
        roll = rng.random()
        if roll < 0.55:
            name = rng.choice([page.generic, *page.ingredients, *page.brands])
            question, kind = rng.choice(_NAMED).format(m=name), "named"
        elif roll < 0.75:
            name = " ".join(typo(w, rng) for w in rng.choice(page.ingredients).split())
            question, kind = rng.choice(_NAMED).format(m=name), "misspelt"
        elif roll < 0.85:
            other = rng.choice(site)
            question = rng.choice(_TWO).format(a=rng.choice(page.ingredients), b=rng.choice(other.ingredients))
            kind = "two medicines"
        elif roll < 0.95:
            question = rng.choice(_UNNAMED) + rng.choice(["", "?", " please", " thanks"]) + " " * rng.randrange(3)
            kind = "no medicine named"
            if question in seen:
                question, kind = f"{question} {rng.choice(page.ingredients)}", "named"
        else:
            question, kind = rng.choice(page.ingredients[0].split()), "bare word"
        if question not in seen:
            seen.add(question)
            questions.append((question, kind))
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="84,840,6500")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "faqbot-site"))
    parser.add_argument("--questions", type=int, default=2000, help="distinct questions for Bot.reply")
    parser.add_argument("--batch", type=int, default=20000,
                        help="distinct questions for faqbot batch (enough for its workers to start and pay)")
    parser.add_argument("--replies-only", action="store_true",
                        help="only start-up and Bot.reply (no batch, no check): the per-kind table quickly")
    args = parser.parse_args()
    print(machine())
    rows = []
    kind_rows = []
    for pages in [int(p) for p in args.pages.split(",")]:
        folder = Path(args.work) / f"site-{pages}"
        if not (folder / "intents" / "bot.yaml").exists():
            write_intents(folder, pages)
        questions = folder / "questions.txt"
        many = site_questions_by_kind(pages, max(args.questions, args.batch))
        questions.write_text("\n".join(q for q, _ in many[:args.questions]) + "\n", encoding="utf-8")
        kinds = folder / "kinds.txt"
        kinds.write_text("\n".join(k for _, k in many[:args.questions]) + "\n", encoding="utf-8")
        batch_file = folder / "batch.txt"
        batch_file.write_text("\n".join(q for q, _ in many[:args.batch]) + "\n", encoding="utf-8")
        cache = folder / "cache"
        env = dict(os.environ, FAQBOT_CACHE_DIR=str(cache))
        shutil.rmtree(cache, ignore_errors=True)
        probe = [sys.executable, "-c", PROBE, str(folder / "intents"), str(questions), str(kinds)]
        cold = json.loads(subprocess.run(probe, capture_output=True, text=True, check=True, env=env).stdout)
        warm = json.loads(subprocess.run(probe, capture_output=True, text=True, check=True, env=env).stdout)
        kind_rows += [[f"{warm['intents']:,}", kind, f"{median:.2f}", f"{p99:.1f}", f"{most:.0f}"]
                      for kind, (median, p99, most) in sorted(warm["kinds"].items())]
        batch = ["-", "-"]
        for jobs in ("1", "2") if not args.replies_only else ():
            argv = [FAQBOT, "--intents", str(folder / "intents"), "batch", str(batch_file),
                    "-o", str(folder / "out.jsonl"), "-j", jobs]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, peak, done = run_measured(argv, env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                raise SystemExit(f"faqbot batch failed: {done.stderr.strip()}")
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            batch[int(jobs) - 1] = f"{args.batch / wall:,.0f}/s, {cpu:.1f} s CPU ({peak} MB)"
        checks = ["-", "-"]
        for number in (0, 1) if not args.replies_only else ():
            # first: the compiled index is warm from the runs above, nothing of a check is
            # remembered (every document extracted); again: nothing changed since the first
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, peak, done = run_measured([FAQBOT, "--intents", str(folder / "intents"), "check"], env=env,
                                            ok_status=(0, 1))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            checks[number] = f"{wall:.1f} ({cpu:.1f} CPU, {peak} MB)"
        rows.append([f"{warm['intents']:,}", f"{pages:,}", f"{cold['load']:.2f} ({cold['load_cpu']:.2f} CPU)",
                     f"{warm['load']:.2f} ({warm['load_cpu']:.2f} CPU)",
                     f"{warm['median']:.2f}", f"{warm['p99']:.1f}", f"{warm['max']:.0f}", f"{warm['cpu']:.2f}",
                     f"{warm['peak']:.0f}",
                     batch[0], batch[1], checks[0], checks[1],
                     " ".join(f"{k} {v}" for k, v in sorted(warm["statuses"].items()))])
    print(table(["intents", "pages", "cold start s (no cache)", "start s (cache)", "reply median ms",
                 "p99 ms", "max ms", "reply CPU ms (mean)", "peak RSS MB", "batch -j 1", "batch -j 2", "check s (first)", "check s (again)", "statuses"],
                rows))
    print()
    print("Bot.reply by kind of question (as asked, then as answered), wall ms:")
    print(table(["intents", "kind or status", "median ms", "p99 ms", "max ms"], kind_rows))


if __name__ == "__main__":
    main()
