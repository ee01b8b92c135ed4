"""The garden intents folder shared by the coverage and review tests: two topics, six intents
(one thin), emergency rules, and coverage tests."""

from __future__ import annotations

from pathlib import Path

GARDEN = """\
intents:
  - id: tomato-water
    question: How often should I water tomatoes?
    examples:
      - watering tomato plants
      - tomatoes need how much water
      - should i water tomatoes every day
      - tomato watering schedule
      - dry soil around my tomatoes
    answer: Water tomatoes deeply two or three times a week, more often in hot weather.
    topic: tomatoes
  - id: tomato-feed
    question: What fertiliser do tomatoes need?
    examples:
      - best feed for tomatoes
      - tomato fertilizer
      - should i feed my tomato plants
      - what to feed tomatoes
      - tomato plant food
    answer: Feed tomatoes with a high-potash fertiliser every week once the first fruits set.
    topic: tomatoes
  - id: tomato-blight
    question: How do I stop tomato blight?
    examples:
      - brown spots on tomato leaves
      - tomato blight treatment
      - blight on my tomatoes
      - tomato leaves going black
      - prevent tomato blight
    answer: Remove infected leaves, water at the base and give plants room for air to move.
    topic: tomatoes
  - id: rose-prune
    question: When should I prune roses?
    examples:
      - rose pruning time
      - cutting back roses
      - how to prune a rose bush
      - best month to prune roses
      - trimming rose bushes
    answer: Prune roses in late winter or early spring, just as the buds begin to swell.
    topic: roses
  - id: rose-aphids
    question: How do I get rid of aphids on roses?
    examples:
      - greenfly on roses
      - aphids on my rose bush
      - bugs on rose buds
      - kill aphids roses
      - insects eating my roses
    answer: Spray aphids off with water or soapy water, and encourage ladybirds.
    topic: roses
  - id: rose-flowers
    question: Why are my roses not flowering?
    examples:
      - roses no flowers
      - rose bush not blooming
    answer: Roses need six hours of sun a day and should not be fed too much nitrogen.
    topic: roses
"""

SAFETY = """\
message: Call the poison line now.
rules:
  - id: poison
    when: someone swallowed part of a plant
    patterns: ["\\\\bswallowed\\\\b"]
"""

# Line numbers matter: the report names them. "best feed for tomatoes" is tomato-feed's own example,
# so expecting tomato-water there is a certain confusion; nonsense expecting an intent falls back.
GARDEN_TESTS = """\
- say: How often should I water tomatoes?
  expect: tomato-water
- say: What fertiliser do tomatoes need?
  expect: tomato-feed
- say: When should I prune roses?
  expect: rose-prune
- say: How do I get rid of aphids on roses?
  expect: rose-aphids
- say: best feed for tomatoes
  expect: tomato-water
- say: zzzq wibble flarn
  expect: rose-prune
- say: asdf qwerty zxcv
  expect: fallback
- say: hello
  expect: smalltalk
- say: my dog swallowed a rose leaf
  expect: emergency
- conversation:
    - say: what about pests and flowers
      expect: fallback
    - say: "1"
      expect: rose-flowers
"""


def make_garden(root: Path, tests: str | None = GARDEN_TESTS, intents: str = GARDEN) -> Path:
    """A garden intents folder (two topics, six intents, one thin), with coverage tests."""
    folder = root / "garden"
    (folder / "tests").mkdir(parents=True, exist_ok=True)
    (folder / "garden.yaml").write_text(intents, encoding="utf-8")
    (folder / "bot.yaml").write_text("name: gardenbot\ndisclaimer: Garden advice only; ask a nursery.\n",
                                     encoding="utf-8")
    (folder / "safety.yaml").write_text(SAFETY, encoding="utf-8")
    if tests is not None:
        (folder / "tests" / "garden.yaml").write_text(tests, encoding="utf-8")
    return folder
