"""Deterministic benchmark data: large intents folders and realistic question streams.

Why generated: the bundled intents are 24 entries, far fewer than a help desk loads, and the
public FAQ tables in ``../shared/datasets`` hold under 300. We grow them into 1,000-50,000 intents by
giving each table row many "products" (synthetic names, as a pharmacy FAQ repeats its questions
per medicine) and rotating the phrasing, so the vocabulary grows with size like real content does.
Every run with the same arguments writes byte-identical files (no randomness without a seed).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"
ROWS_PER_TABLE = 5000          # keeps each imported YAML file well under the loader's size limit

_SYLLABLES = ["ba", "ko", "ri", "zen", "tal", "mo", "vi", "dra", "nel", "sor", "qua", "li", "fen", "tor", "ga", "pex",
              "ul", "tri", "mab", "cor", "dex", "sa", "nor", "vel"]
_TEMPLATES = ["{q} ({name})", "{name}: {q}", "About {name}, {ql}", "{q} - {name} edition", "For {name} users: {ql}"]


def product_name(k: int) -> str:
    """A pronounceable, unique name for the k-th variation (base-24 digits as syllables)."""
    parts = []
    k += 24
    while k:
        k, digit = divmod(k, 24)
        parts.append(_SYLLABLES[digit])
    return "".join(reversed(parts))


def kb_rows(datasets: Path = DATASETS) -> list[tuple[str, str]]:
    """(question, answer) of every public FAQ table, in a fixed order."""
    rows = []
    for kb in sorted(datasets.glob("*/kb.yaml")):
        for entry in yaml.safe_load(kb.read_text(encoding="utf-8")):
            rows.append((" ".join(str(entry["question"]).split()), str(entry["answer"]).strip()))
    if not rows:
        raise SystemExit(f"no FAQ tables found under {datasets}")
    return rows


def scaled_rows(count: int, datasets: Path = DATASETS) -> list[tuple[str, str]]:
    """``count`` distinct (question, answer) pairs: each base row once per product name."""
    base = kb_rows(datasets)
    rows = []
    for number in range(count):
        question, answer = base[number % len(base)]
        variant = number // len(base)
        if variant == 0:
            rows.append((question, answer))
            continue
        name = product_name(variant)
        template = _TEMPLATES[(number + variant) % len(_TEMPLATES)]
        rows.append((template.format(q=question, ql=question[:1].lower() + question[1:], name=name),
                     f"{answer} (This applies to {name}.)"))
    return rows


def write_intents(folder: Path, count: int, datasets: Path = DATASETS) -> Path:
    """Write FAQ tables of ``count`` rows and load them with ``faqbot import``, as a team would."""
    from faqbot.cli import main

    folder = Path(folder)
    tables = folder / "tables"
    intents = folder / "intents"
    tables.mkdir(parents=True, exist_ok=True)
    rows = scaled_rows(count, datasets)
    for start in range(0, count, ROWS_PER_TABLE):
        table = tables / f"faq-{start // ROWS_PER_TABLE + 1:02d}.csv"
        with open(table, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["question", "answer"])
            writer.writerows(rows[start:start + ROWS_PER_TABLE])
        status = main(["import", str(table), "--into", str(intents)], stdout=_Null(), stderr=_Null())
        if status != 0:
            raise SystemExit(f"faqbot import {table} failed with status {status}")
    return intents


def user_questions(count: int, seed: int = 7, datasets: Path = DATASETS) -> list[str]:
    """Questions as people type them: the crowd-written rephrasings of the public FAQ sets, some
    with a product name, typos, shouting or extra words. Deterministic for a seed."""
    pool = []
    for queries in sorted(datasets.glob("*/queries.yaml")):
        pool += [" ".join(str(item["q"]).split()) for item in yaml.safe_load(queries.read_text(encoding="utf-8"))]
    return perturb(pool, count, seed, names=[product_name(k) for k in range(1, 200)])


def perturb(pool: list[str], count: int, seed: int, names: list[str] = ()) -> list[str]:
    """``count`` questions drawn from ``pool`` with typical damage: a swapped letter, upper case,
    a filler word, a name. Most questions come out distinct, as in a real export."""
    rng = random.Random(seed)
    fillers = ["please", "thanks", "asap", "quick question", "hi,", "urgent", "?", "again"]
    out = []
    for _ in range(count):
        question = rng.choice(pool)
        roll = rng.random()
        if roll < 0.25 and len(question) > 4:
            i = rng.randrange(len(question) - 1)
            question = question[:i] + question[i + 1] + question[i] + question[i + 2:]
        elif roll < 0.35:
            question = question.upper()
        if rng.random() < 0.4:
            question = f"{rng.choice(fillers)} {question}" if rng.random() < 0.5 else f"{question} {rng.choice(fillers)}"
        if names and rng.random() < 0.3:
            question = f"{question} {rng.choice(names)}"
        out.append(question)
    return out


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
