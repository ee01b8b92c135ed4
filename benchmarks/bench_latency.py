"""Interactive speed on the bundled intents: the REPL path (Bot.reply per question) and
`faqbot ask "..."` from a cold process, with where start-up time goes.

    python benchmarks/bench_latency.py

Rows:
- Bot.reply: median and 90th percentile over every phrasing of every intent (with typical damage),
  in one warm process (300 other questions first): once with every question new to the process
  (distinct work), then the same questions four times more (reported apart: per-word memory
  such as spelling corrections makes a repeated question cheaper; no reply is ever cached);
- `faqbot ask`: wall time of a new process, median of 15 runs, with Python's bytecode cache (as
  after `pip install`) and without it (PYTHONDONTWRITEBYTECODE=1, as in some sandboxes: every
  module is compiled at each start), next to the baseline of a bare `python -c pass` (the
  interpreter's own start) and of `python -c "import faqbot.cli"`;
- start-up split: import time of the heavy modules (python -X importtime) and loading the intents.
"""

from __future__ import annotations

import os
import re
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


def wall(argv: list[str], bytecode_cache: bool = True) -> float:
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(argv, capture_output=True, check=True, env=env)     # writes the cache
    else:
        # An empty cache folder that is never written: every module is compiled at each start.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="faqbot-nocache-")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_costs() -> list[tuple[str, float]]:
    """Cumulative import time (ms) of the modules that dominate `faqbot ask`."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import faqbot.cli, faqbot.bot"],
                          capture_output=True, text=True, check=True)
    costs = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
        if match and len(match.group(2)) <= 3:        # top-level and first-level imports only
            costs[match.group(3)] = int(match.group(1)) / 1000
    return sorted(costs.items(), key=lambda item: -item[1])[:6]


def load_time() -> float:
    code = ("import time; from faqbot.bot import Bot; from faqbot.cli import bundled_intents; "
            "t = time.perf_counter(); Bot.from_folder(bundled_intents()); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    print(machine())
    (median, p90, count), (median_again, p90_again, count_again) = reply_latency()
    python = wall([sys.executable, "-c", "pass"])
    imports = wall([sys.executable, "-c", "import faqbot.cli"])
    question = "can I drink alcohol while taking magnesium valproate?"
    ask = wall([FAQBOT, "ask", question])
    ask_uncached = wall([FAQBOT, "ask", question], bytecode_cache=False)
    rows = [
        ["Bot.reply, REPL path, distinct questions", f"median {median:.3f} ms, p90 {p90:.3f} ms over {count:,} questions"],
        ["Bot.reply, same questions again (x4)",
         f"median {median_again:.3f} ms, p90 {p90_again:.3f} ms over {count_again:,} questions"],
        ["faqbot ask, new process, bytecode cached", f"median {ask * 1000:.0f} ms wall over {RUNS} runs"],
        ["faqbot ask, new process, no bytecode cache", f"median {ask_uncached * 1000:.0f} ms wall over {RUNS} runs"],
        ["baseline: python -c pass", f"median {python * 1000:.0f} ms"],
        ["baseline: python -c 'import faqbot.cli'", f"median {imports * 1000:.0f} ms"],
        ["loading the bundled intents (Bot.from_folder)", f"{load_time() * 1000:.0f} ms"],
    ]
    rows += [[f"import {name} (cumulative)", f"{ms:.0f} ms"] for name, ms in import_costs()]
    print(table(["measure", "result"], rows))


if __name__ == "__main__":
    main()
