"""The design's rules, held by tests: layers import only downwards (one declared table), the core
never prints, exits or imports prompt_toolkit or the web stack, and YAML is never read with a
loader that can build arbitrary objects."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import faqbot

PACKAGE = Path(faqbot.__file__).parent

FOUNDATION = {"errors", "display", "files", "yamlfile", "patterns", "workers"}
# Who may import whom: each layer, and the layers below it that it may use. A question flows one
# way: language -> content -> matching / safety -> bot -> batch / evaluation -> front ends.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "display": set(),
    "patterns": set(),                   # what a regular expression needs before it can match
    "workers": set(),                    # what a forked worker process does first
    "files": {"errors"},
    "yamlfile": {"errors", "files"},     # data files are read through the file policy's limits
    "language": {"errors", "display"},
    "content": FOUNDATION | {"language"},
    "matching": FOUNDATION | {"language", "content"},
    "safety": FOUNDATION | {"language", "content"},
    "bot": FOUNDATION | {"language", "content", "matching", "safety"},
    "authoring": FOUNDATION | {"language", "content"},
    "batch": FOUNDATION | {"language", "content", "bot"},
    "evaluation": FOUNDATION | {"language", "content", "matching", "safety", "bot"},
    "serve": FOUNDATION | {"language", "content", "matching", "safety", "bot", "batch", "evaluation"},
    "front": FOUNDATION | {"language", "content", "matching", "safety", "bot", "authoring", "batch",
                           "evaluation", "serve", "front"},
}
# Top-level modules that are not a layer of their own.
MODULE_LAYER = {"bot": "bot", "messages": "bot", "explain": "bot", "tuning": "matching",
                "cli": "front", "repl": "front", "progress": "front", "__main__": "front", "__init__": "front"}
# Third-party packages only some layers may import: the terminal and the web stay at the edges.
RESTRICTED_PACKAGES = {"prompt_toolkit": {"front"}, "starlette": {"serve"}, "uvicorn": {"serve"}}
FRONT_ENDS = {"cli.py", "repl.py", "progress.py", "__main__.py"}   # the modules that talk to a terminal


def layer_of(relative: Path) -> str:
    """The layer of a module given by its path inside the package."""
    first = relative.parts[0]
    if len(relative.parts) > 1:
        return first
    return MODULE_LAYER.get(relative.stem, relative.stem)


def _imported(tree: ast.AST, relative: Path) -> list[tuple[str, int]]:
    """(first part below faqbot, or a third-party top name prefixed '+', line) of every import."""
    package_parts = list(relative.parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
                if not target:
                    # "from . import x" at the top: x is a module of the package
                    found += [(alias.name, node.lineno) for alias in node.names]
                else:
                    found.append((target[0], node.lineno))
            elif node.module and node.module.split(".")[0] == "faqbot":
                parts = node.module.split(".")
                found += [(parts[1], node.lineno)] if len(parts) > 1 else [(a.name, node.lineno) for a in node.names]
            elif node.module:
                found.append(("+" + node.module.split(".")[0], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "faqbot":
                    if len(parts) > 1:
                        found.append((parts[1], node.lineno))
                else:
                    found.append(("+" + parts[0], node.lineno))
    return found


def violations(package: Path) -> list[str]:
    """Every import in the package that the layer table does not allow, as 'file:line: a -> b'."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        layer = layer_of(relative)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, line in _imported(tree, relative):
            if name.startswith("+"):
                allowed = RESTRICTED_PACKAGES.get(name[1:])
                if allowed is not None and layer not in allowed:
                    problems.append(f"{relative}:{line}: {layer} -> {name[1:]}")
                continue
            target = layer_of(Path(name + ".py")) if (package / (name + ".py")).exists() else name
            if target == "__version__" or target == layer:
                continue
            if target not in LAYERS[layer]:
                problems.append(f"{relative}:{line}: {layer} -> {target}")
    return problems


def test_every_module_belongs_to_a_declared_layer():
    for path in PACKAGE.rglob("*.py"):
        assert layer_of(path.relative_to(PACKAGE)) in LAYERS, path


def test_layers_import_only_what_the_table_allows():
    assert violations(PACKAGE) == []


def test_the_layer_check_fails_when_a_lower_layer_imports_a_higher_one(tmp_path):
    """The check itself must bite: language importing the bot, matching importing the REPL's toolkit."""
    package = tmp_path / "faqbot"
    (package / "language").mkdir(parents=True)
    (package / "matching").mkdir()
    (package / "bot.py").write_text("X = 1\n")
    (package / "language" / "analyzer.py").write_text("from ..bot import X\nfrom ..errors import E\n")
    (package / "matching" / "matcher.py").write_text("import prompt_toolkit\nfrom faqbot.language import analyzer\n")
    (package / "errors.py").write_text("E = 1\n")
    assert violations(package) == ["language/analyzer.py:1: language -> bot",
                                   "matching/matcher.py:1: matching -> prompt_toolkit"]


def test_the_core_does_not_import_prompt_toolkit():
    """Loading the bot for batch or coverage must stay fast and must work without a terminal."""
    names = sorted(".".join(p.relative_to(PACKAGE).with_suffix("").parts) for p in PACKAGE.rglob("*.py")
                   if p.name not in FRONT_ENDS and p.name != "__init__.py" and p.relative_to(PACKAGE).parts[0] != "serve")
    code = ("import importlib, sys\n"
            f"for name in {names!r}:\n"
            "    importlib.import_module('faqbot.' + name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('prompt_toolkit', 'starlette', 'uvicorn')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


def _calls(path: Path) -> list[tuple[str, int]]:
    """Every call in a module as (dotted name, line): ``print``, ``sys.exit``, ``yaml.load``..."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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


MODULES = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py"))
FORBIDDEN_IN_CORE = {"print", "input", "exit", "quit", "sys.exit", "os._exit", "breakpoint"}
UNSAFE_YAML = {"yaml.load", "yaml.load_all", "yaml.full_load", "yaml.full_load_all", "yaml.unsafe_load",
               "yaml.unsafe_load_all"}


# The one exit below the CLI, and why: a worker process (batch answering, check's integrity pass)
# whose parent is gone (the main process was killed outright) ends itself (workers.py, run only
# in a worker); it never ends the user's process.
WORKER_EXITS = {"workers.py": {"os._exit"}}


@pytest.mark.parametrize("module", [m for m in MODULES if m not in ("cli.py", "__main__.py")])
def test_only_the_cli_prints_or_exits(module):
    """Everything below cli.py returns data or raises FaqbotError; the REPL writes through a callback."""
    forbidden = FORBIDDEN_IN_CORE - WORKER_EXITS.get(module, set())
    assert [(name, line) for name, line in _calls(PACKAGE / module) if name in forbidden] == []


def test_the_cli_writes_to_its_streams_and_exits_only_as_a_script():
    for module in ("cli.py", "__main__.py"):
        calls = _calls(PACKAGE / module)
        assert [c for c in calls if c[0] == "print"] == []
        exits = [line for name, line in calls if name == "sys.exit"]
        source = (PACKAGE / module).read_text().splitlines()
        assert all(source[line - 1].strip() == "sys.exit(main())" for line in exits)


@pytest.mark.parametrize("module", MODULES)
def test_yaml_is_never_loaded_unsafely(module):
    """Intent files come from staff and FAQ tables from other tools: no YAML tag may build objects."""
    assert [(name, line) for name, line in _calls(PACKAGE / module) if name in UNSAFE_YAML] == []
    text = (PACKAGE / module).read_text()
    for loader in ("yaml.Loader", "yaml.UnsafeLoader", "yaml.FullLoader"):
        assert loader not in text
