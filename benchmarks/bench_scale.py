"""Latency and memory as the intents grow: 1,000 / 10,000 / 50,000 intents generated from the
public FAQ tables (see datagen.py) and loaded through `faqbot import`, as a team would.

    python benchmarks/bench_scale.py [--sizes 1000,10000,50000] [--work DIR]

Each size runs in a fresh process, so its peak memory is its own: load the folder, then answer 300
crowd-written user questions (typos and product names included) one at a time through Bot.reply,
the REPL path. The generated folders are kept in --work (default: faqbot-bench in the temporary folder),
so a rerun skips the import.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import machine, table  # noqa: E402
from datagen import write_intents  # noqa: E402

TARGETS_MS = {1000: 2, 10000: 5, 50000: 20}

PROBE = r"""
import json, resource, statistics, sys, time
sys.path.insert(0, sys.argv[2])
from datagen import user_questions
from faqbot.bot import Bot
start = time.perf_counter()
bot = Bot.from_folder(sys.argv[1])
load = time.perf_counter() - start
questions = user_questions(300)
for question in questions[:20]:
    bot.reply(question)                      # warm the spelling cache as a running bot would be
times = []
for question in questions:
    start = time.perf_counter()
    bot.reply(question)
    times.append(time.perf_counter() - start)
times.sort()
print(json.dumps({"intents": len(bot.intent_set.intents), "load": load,
                  "median": statistics.median(times) * 1000, "p90": times[int(len(times) * 0.9)] * 1000,
                  "max": times[-1] * 1000, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "faqbot-bench"))
    args = parser.parse_args()
    print(machine())
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = Path(args.work) / f"intents-{size}"
        if not (folder / "intents" / "bot.yaml").exists():
            write_intents(folder, size)
        done = subprocess.run([sys.executable, "-c", PROBE, str(folder / "intents"), str(HERE)],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout)
        target = TARGETS_MS.get(size)
        rows.append([f"{result['intents']:,}", f"{result['load']:.1f}", f"{result['median']:.2f}",
                     f"{result['p90']:.2f}", f"{result['max']:.1f}", f"{result['peak']:.0f}",
                     f"< {target} ms" if target else "-"])
    print(table(["intents", "load s", "median ms", "p90 ms", "max ms", "peak RSS MB", "target (median)"], rows))


if __name__ == "__main__":
    main()
