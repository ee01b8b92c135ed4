"""The design's rules, held by tests: the core never prints, exits or imports prompt_toolkit, and
YAML is never read with a loader that can build arbitrary objects."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import faqbot

PACKAGE = Path(faqbot.__file__).parent
FRONT_ENDS = {"cli", "repl", "progress", "__main__"}  # the modules that talk to a terminal
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
CORE = [m for m in MODULES if m not in FRONT_ENDS]


def test_the_core_does_not_import_prompt_toolkit():
    """Loading the bot for batch or coverage must stay fast and must work without a terminal."""
    names = ["bot", "matcher", "intents", "batch", *CORE]
    code = ("import importlib, sys\n"
            f"for name in {sorted(set(names))!r}:\n"
            "    importlib.import_module('faqbot.' + name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prompt_toolkit'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


def _calls(module: str) -> list[tuple[str, int]]:
    """Every call in a module as (dotted name, line): ``print``, ``sys.exit``, ``yaml.load``..."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func, parts = node.func, []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                parts.append(func.id)
            found.append((".".join(reversed(parts)), node.lineno))
    return found


FORBIDDEN_IN_CORE = {"print", "input", "exit", "quit", "sys.exit", "os._exit", "breakpoint"}
UNSAFE_YAML = {"yaml.load", "yaml.load_all", "yaml.full_load", "yaml.full_load_all", "yaml.unsafe_load",
               "yaml.unsafe_load_all"}


@pytest.mark.parametrize("module", [m for m in MODULES if m != "cli"])
def test_only_the_cli_prints_or_exits(module):
    """Everything below cli.py returns data or raises FaqbotError; the REPL writes through a callback."""
    assert [(name, line) for name, line in _calls(module) if name in FORBIDDEN_IN_CORE] == []


def test_the_cli_writes_to_its_streams_and_exits_only_as_a_script():
    calls = _calls("cli")
    assert [c for c in calls if c[0] == "print"] == []
    exits = [line for name, line in calls if name == "sys.exit"]
    source = (PACKAGE / "cli.py").read_text().splitlines()
    assert all(source[line - 1].strip() == "sys.exit(main())" for line in exits)


@pytest.mark.parametrize("module", MODULES)
def test_yaml_is_never_loaded_unsafely(module):
    """Intent files come from staff and FAQ tables from other tools: no YAML tag may build objects."""
    assert [(name, line) for name, line in _calls(module) if name in UNSAFE_YAML] == []
    text = (PACKAGE / f"{module}.py").read_text()
    for loader in ("yaml.Loader", "yaml.UnsafeLoader", "yaml.FullLoader"):
        assert loader not in text
