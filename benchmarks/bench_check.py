"""Where `faqbot check` spends its time on a site-sized folder, stage by stage.

    python benchmarks/bench_check.py [--pages 6500] [--work DIR]

The folder is sitegen.py's site (documents and intents, as bench_site.py writes it; generated
into --work when missing, default faqbot-site in the temporary folder, so both benchmarks share
it). Three runs, each in a fresh process, with the compiled index current (built first):
- stages: one check in this benchmark's own child process with one job, nothing remembered,
  each stage timed by wrapping the function that does it (wall and CPU seconds, calls), so
  every second of CPU is in one process and accounted for;
- first: `faqbot check` as staff run it (its default jobs), nothing remembered: every document
  extracted; wall, CPU of the whole process tree, peak RSS summed over the tree and PSS;
- again: the same command with nothing changed since.
Both runs of the command must print the same lines as the stages run.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import FAQBOT, machine, run_measured_shared, table  # noqa: E402
from sitegen import write_intents  # noqa: E402

STAGES = r"""
import functools, io, json, os, resource, sys, time
os.cpu_count = lambda: 1          # one job: every stage's CPU is in this process
from faqbot import cli
from faqbot.authoring import integrity
from faqbot.bot import Bot
from faqbot.matching import cache as compiled
from faqbot.safety import cases, matrix
times = {}

def timed(owner, name, label):
    function = getattr(owner, name)
    times[label] = [0.0, 0.0, 0]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            seen = times[label]
            seen[0] += time.perf_counter() - wall
            seen[1] += time.process_time() - cpu
            seen[2] += 1
    setattr(owner, name, wrapper)

timed(Bot, "from_compiled_index", "the Bot from the compiled index")
timed(cases, "run_cases", "rule cases")
timed(matrix, "run_matrix", "emergency matrix")
timed(cli, "_report_lexicon", "lexicon notes")
timed(cli, "_integrity_memory", "reading what the last check found")
timed(integrity, "content_hash", "hashing intent files and documents")
# (extract_document before check extracted passages only: the same benchmark times older code)
timed(integrity, "extract_passages" if hasattr(integrity, "extract_passages") else "extract_document",
      "extracting the documents")
timed(integrity, "load_yaml", "parsing intent files again")
timed(integrity, "_compare_file", "comparing answers with passages")
timed(compiled, "store", "storing what this check found")
out = io.StringIO()
wall, cpu = time.perf_counter(), time.process_time()
status = cli.main(["--intents", sys.argv[1], "check"], stdout=out, stderr=io.StringIO())
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
open(sys.argv[2], "w", encoding="utf-8").write(out.getvalue())
print(json.dumps({"status": status, "wall": wall, "cpu": cpu, "stages": times,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=6500)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "faqbot-site"))
    args = parser.parse_args()
    print(machine())
    folder = Path(args.work) / f"site-{args.pages}"
    if not (folder / "intents" / "bot.yaml").exists():
        write_intents(folder, args.pages)
    intents = str(folder / "intents")
    cache = folder / "cache"
    env = dict(os.environ, FAQBOT_CACHE_DIR=str(cache))
    subprocess.run([sys.executable, "-c", "import sys; from faqbot.bot import Bot; Bot.from_folder(sys.argv[1])",
                    intents], check=True, env=env)       # the compiled index, current

    def forget() -> None:
        for entry in glob.glob(str(cache / "integrity-*")):
            os.remove(entry)

    forget()
    printed = folder / "check-stages.out"
    done = subprocess.run([sys.executable, "-c", STAGES, intents, str(printed)], capture_output=True, text=True,
                          check=True, env=env)
    staged = json.loads(done.stdout)
    accounted = sum(cpu for _, cpu, _ in staged["stages"].values())
    rows = [[label, f"{wall:.2f}", f"{cpu:.2f}", f"{100 * cpu / staged['cpu']:.0f}%", f"{calls:,}"]
            for label, (wall, cpu, calls) in sorted(staged["stages"].items(), key=lambda item: -item[1][1])]
    rows.append(["everything else (start-up, listing, printing)", "-", f"{staged['cpu'] - accounted:.2f}",
                 f"{100 * (staged['cpu'] - accounted) / staged['cpu']:.0f}%", "-"])
    rows.append(["check, one job, nothing remembered", f"{staged['wall']:.2f}", f"{staged['cpu']:.2f}", "100%",
                 f"peak {staged['peak']:.0f} MB"])
    print(table(["stage", "wall s", "CPU s", "share of CPU", "calls"], rows))
    print()
    runs = []
    expected = printed.read_text(encoding="utf-8")
    for label in ("first (nothing remembered)", "again (nothing changed)"):
        if label.startswith("first"):
            forget()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, rss, pss, done = run_measured_shared([FAQBOT, "--intents", intents, "check"], env=env, ok_status=(0, 1))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        same = "yes" if done.stdout == expected else "NO"
        runs.append([label, f"{wall:.1f}", f"{cpu:.1f}", f"{rss}", f"{pss}", str(done.returncode),
                     f"{len(done.stdout.splitlines()):,}", same])
    print(table(["faqbot check", "wall s", "CPU s (tree)", "peak RSS MB (summed)", "peak PSS MB", "exit",
                 "lines", "same lines as the stages run"], runs))


if __name__ == "__main__":
    main()
