"""Interactive speed on the bundled intents: the REPL path (Bot.reply per question) and
`faqbot ask "..."` from a cold process, with where start-up time goes.

    python benchmarks/bench_latency.py

Rows:
- Bot.reply: median and 90th percentile over every phrasing of every intent (with typical damage),
  in one warm process (300 other questions first): once with every question new to the process
  (distinct work), then the same questions four times more (reported apart: per-word memory
  such as spelling corrections makes a repeated question cheaper; no reply is ever cached);
- `faqbot ask`: wall and CPU time of a new process, median of 15 runs, with Python's bytecode
  cache (as after `pip install`), reading the folder's compiled index (the usual start: the
  first one wrote it), without the index (FAQBOT_CACHE=0: YAML parsed and the index built), the
  very first start (no index yet: built, then written), and without the bytecode cache
  (PYTHONDONTWRITEBYTECODE=1, as in some sandboxes: every module is compiled at each start),
  next to the baseline of a bare `python -c pass` (the interpreter's own start) and of
  `python -c "import faqbot.cli"`;
- start-up split, medians of 15 fresh processes timing each step's CPU in-process: the imports, then
  from the compiled index (fingerprint, reading it, the word list, the first reply) and without
  it (the word list, YAML and the folder's rules, the Analyzer, the safety triage, the index);
  and import time by module (python -X importtime).
The compiled index goes to a cache folder of the benchmark's own (FAQBOT_CACHE_DIR), emptied first.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FAQBOT, machine, table  # noqa: E402
from datagen import perturb  # noqa: E402

RUNS = 15


def reply_latency() -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """(median ms, p90 ms, count) of the first pass, where every question is new to the process
    (distinct work: only per-word memory carries over from earlier questions), and of the four
    passes repeating the same questions after it."""
    from faqbot.bot import Bot
    from faqbot.cli import bundled_intents

    bot = Bot.from_folder(bundled_intents())
    pool = []
    for intent in bot.intent_set.intents:
        pool += [intent.question, *intent.examples]
    warm = perturb(pool, 300, seed=99)       # first-use compilation of the rules, as in a running bot
    for question in warm:
        bot.reply(question)
    seen = set(warm)
    questions = list(dict.fromkeys(q for q in perturb(pool, 2000, seed=11) if q not in seen))
    passes = []
    for _ in range(5):
        times = []
        for question in questions:
            start = time.perf_counter()
            bot.reply(question)
            times.append(time.perf_counter() - start)
        passes.append(times)

    def summary(times: list[float]) -> tuple[float, float, int]:
        times = sorted(times)
        return statistics.median(times) * 1000, times[int(len(times) * 0.9)] * 1000, len(times)

    return summary(passes[0]), summary([t for times in passes[1:] for t in times])


CACHE = Path(tempfile.mkdtemp(prefix="faqbot-bench-cache-"))   # this benchmark's compiled indexes


def wall(argv: list[str], bytecode_cache: bool = True, index: str = "read") -> tuple[float, float]:
    """(median wall, median CPU) seconds of RUNS new processes. ``index``: "read" (the folder's
    compiled index is current: written by a first run), "off" (FAQBOT_CACHE=0) or "first" (the
    cache folder emptied before each run: the index is built and written)."""
    env = dict(os.environ, FAQBOT_CACHE_DIR=str(CACHE))
    if index == "off":
        env["FAQBOT_CACHE"] = "0"
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(argv, capture_output=True, check=True, env=env)     # writes both caches
    else:
        # An empty cache folder that is never written: every module is compiled at each start.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="faqbot-nocache-")
    times, cpu = [], []
    for _ in range(RUNS):
        if index == "first":
            shutil.rmtree(CACHE, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


# Each step of a start, timed in a new process: the imports, then the Bot from its compiled index
# or built from the YAML (the Bot's own steps timed through the names bot.py calls them by).
SPLIT = r"""
import json, sys, time
T = time.process_time      # CPU time: on a shared machine wall time also counts waiting for a core
steps = {}
def timed(label, call, *args, **kwargs):
    start = T()
    try:
        return call(*args, **kwargs)
    finally:
        steps[label] = steps.get(label, 0.0) + T() - start
start = T()
import faqbot.cli
steps["import faqbot.cli"] = T() - start
start = T()
import faqbot.bot as bot_module
steps["import faqbot.bot (every layer below it)"] = T() - start
from faqbot.content.rules import SafetyRules
from faqbot.language.words import english_words
from faqbot.matching import cache as compiled
folder = faqbot.cli.bundled_intents()
if sys.argv[1] == "read":
    printed = timed("fingerprint (faqbot's code and the folder's YAML hashed)", compiled.fingerprint, folder)
    bot = timed("reading the compiled index (signature checked, unpickled)", compiled.load, folder, printed).value
    assert isinstance(bot, bot_module.Bot)
    timed("word list (36,070 English words)", english_words)
else:
    timed("word list (36,070 English words)", english_words)
    for name, label in [("load_folder", "YAML: intents (PyYAML imported)"), ("load_lexicon", "YAML: lexicon"),
                        ("Analyzer", "Analyzer (synonyms, vocabulary)"), ("Triage", "safety triage (built-in and folder rules)"),
                        ("Matcher", "index (terms, postings, topics)")]:
        setattr(bot_module, name, lambda *a, _call=getattr(bot_module, name), _label=label, **k: timed(_label, _call, *a, **k))
    rules = SafetyRules.load
    SafetyRules.load = lambda *a, **k: timed("YAML: safety and scope rules (regexes compiled)", rules, *a, **k)
    bot = timed("Bot built (all of the above)", bot_module.Bot._built, folder)
timed("first reply (first use of the question patterns)", bot.reply, sys.argv[2])
print(json.dumps(steps))
"""


def startup_split(question: str) -> tuple[list[list[str]], list[list[str]]]:
    """Rows (step, median ms) of a start from the compiled index and of one without it."""
    env = dict(os.environ, FAQBOT_CACHE_DIR=str(CACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([FAQBOT, "ask", question], capture_output=True, check=True, env=env)   # the index
    tables = []
    for path in ("read", "build"):
        runs = [json.loads(subprocess.run([sys.executable, "-c", SPLIT, path, question], capture_output=True,
                                          text=True, check=True, env=env).stdout) for _ in range(RUNS)]
        tables.append([[step, f"{statistics.median(r[step] for r in runs) * 1000:.1f} ms CPU"] for step in runs[0]])
    return tables[0], tables[1]


def import_costs() -> list[tuple[str, float]]:
    """Cumulative import time (ms) of the modules that dominate `faqbot ask`, medians of RUNS
    processes (with the bytecode cache: compiling is not importing)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    costs: dict[str, list[float]] = {}
    for _ in range(RUNS):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import faqbot.cli, faqbot.bot"],
                              capture_output=True, text=True, check=True, env=env)
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
            if match and len(match.group(2)) <= 3:        # top-level and first-level imports only
                costs.setdefault(match.group(3), []).append(int(match.group(1)) / 1000)
    medians = {name: statistics.median(times) for name, times in costs.items()}
    return sorted(medians.items(), key=lambda item: -item[1])[:12]


def main() -> None:
    print(machine())
    (median, p90, count), (median_again, p90_again, count_again) = reply_latency()
    question = "can I drink alcohol while taking magnesium valproate?"

    def ms(measured: tuple[float, float]) -> str:
        return f"median {measured[0] * 1000:.0f} ms wall, {measured[1] * 1000:.0f} ms CPU over {RUNS} runs"

    rows = [
        ["Bot.reply, REPL path, distinct questions", f"median {median:.3f} ms, p90 {p90:.3f} ms over {count:,} questions"],
        ["Bot.reply, same questions again (x4)",
         f"median {median_again:.3f} ms, p90 {p90_again:.3f} ms over {count_again:,} questions"],
        ["faqbot ask, new process, from the compiled index", ms(wall([FAQBOT, "ask", question]))],
        ["faqbot ask, without the index (FAQBOT_CACHE=0)", ms(wall([FAQBOT, "ask", question], index="off"))],
        ["faqbot ask, first start (index built and written)", ms(wall([FAQBOT, "ask", question], index="first"))],
        ["faqbot ask, no bytecode cache (index read)", ms(wall([FAQBOT, "ask", question], bytecode_cache=False))],
        ["baseline: python -c pass", ms(wall([sys.executable, "-c", "pass"]))],
        ["baseline: python -c 'import faqbot.cli'", ms(wall([sys.executable, "-c", "import faqbot.cli"]))],
    ]
    from_index, built = startup_split(question)
    rows += [[f"start from the index: {step}", took] for step, took in from_index]
    rows += [[f"start without it: {step}", took] for step, took in built]
    rows += [[f"import {name} (cumulative)", f"{ms:.0f} ms"] for name, ms in import_costs()]
    print(table(["measure", "result"], rows))
    shutil.rmtree(CACHE, ignore_errors=True)


if __name__ == "__main__":
    main()
