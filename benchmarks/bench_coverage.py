"""How long a coverage run over 1,000 utterances takes (target: well under a second).

The utterances are the bundled coverage tests grown to 1,000 distinct ones by deterministic,
patient-like edits (a typo, a dropped word, a trailing "please?"), so spelling correction and
matching meet new text instead of cached answers. Each timing builds a fresh Bot; the first
repetition is cold (stemmer cache empty), the best of the rest is warm. Parsing the YAML file is
timed apart: PyYAML's pure-Python safe loader (the one faqbot trusts with untrusted files) costs
about as much as answering.

    python benchmarks/bench_coverage.py [--intents DIR] [--count N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from faqbot.bot import Bot
from faqbot.evaluation.report import Report
from faqbot.evaluation.runs import run_dialogues
from faqbot.evaluation.suite import load_suite, load_tests, suite_files
from faqbot.evaluation.renderers import render_text

REPO = Path(__file__).resolve().parent.parent


def variants(text: str, rng: random.Random) -> list[str]:
    """A few patient-like rewrites of one utterance."""
    words = text.split()
    out = [text.lower().rstrip("?") + " please?"]
    if len(words) > 3:
        drop = rng.randrange(len(words))
        out.append(" ".join(words[:drop] + words[drop + 1:]))
    long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if long_words:
        i = rng.choice(long_words)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        out.append(" ".join(words[:i] + [w[:j] + w[j + 1] + w[j] + w[j + 2:]] + words[i + 1:]))
    return out


def utterances(folder: Path, count: int) -> list[dict]:
    """``count`` distinct single cases: the bundled ones first, then their variants."""
    rng = random.Random(4)
    base = [turn for path in suite_files(folder) for dialogue in load_tests(path)
            if not dialogue.is_conversation for turn in dialogue.turns]
    cases, seen = [], set()
    for turn in base:
        if turn.say not in seen:
            seen.add(turn.say)
            cases.append({"say": turn.say, "expect": turn.expect})
    round_ = 0
    while len(cases) < count and round_ < 10:
        for turn in base:
            for text in variants(turn.say, rng):
                if text not in seen and len(cases) < count:
                    seen.add(text)
                    cases.append({"say": text, "expect": turn.expect})
        round_ += 1
    return cases[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intents", type=Path, default=REPO / "intents")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    cases = utterances(args.intents, args.count)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
        timings = []
        for _ in range(args.repeat):
            bot = Bot.from_folder(args.intents)
            start = time.perf_counter()
            dialogues = load_suite([path])
            loaded = time.perf_counter()
            report = Report("tests", bot.intent_set, run_dialogues(bot, dialogues), [str(path)])
            render_text(report)
            timings.append((loaded - start, time.perf_counter() - loaded))
    print(f"{report.total} utterances, accuracy {report.accuracy:.1%}")
    for name, (parse, run) in (("cold", timings[0]), ("warm", min(timings[1:] or timings, key=sum))):
        print(f"{name}: {run:.3f} s to answer every utterance and build the text report "
              f"({1000 * run / report.total:.2f} ms each); parsing the YAML test file: {parse:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
