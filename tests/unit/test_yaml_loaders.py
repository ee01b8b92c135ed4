"""libyaml composes, the pure loader judges: the same values and lines from both, and every
file libyaml refuses (or would judge differently) goes through the pure loader's messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from faqbot import yamlfile
from faqbot.content.intents import bundled_intents

FILES = sorted(bundled_intents().glob("*.yaml")) + sorted((bundled_intents() / "tests").glob("*.yaml"))


def lines(value):
    """The value with every line number kept beside it, for an exact comparison."""
    if isinstance(value, yamlfile.LineDict):
        return ("map", value.line, {k: (value.line_of(k), lines(v)) for k, v in value.items()})
    if isinstance(value, yamlfile.LineList):
        return ("list", value.line, [(value.line_of(i), lines(v)) for i, v in enumerate(value)])
    return value


@pytest.mark.skipif(yamlfile.fast_composer() is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_libyaml_gives_what_the_pure_loader_gives(path):
    text = yamlfile.read_text(path)
    assert lines(yamlfile.load_yaml(path, text)) == lines(yamlfile._load_pure(path, text))


@pytest.mark.skipif(yamlfile.fast_composer() is None, reason="PyYAML built without libyaml")
def test_valid_files_do_not_need_the_pure_loader(monkeypatch):
    monkeypatch.setattr(yamlfile, "_load_pure", lambda path, text: pytest.fail("pure loader used"))
    for path in FILES:
        yamlfile.load_yaml(path)


def test_without_libyaml_the_pure_loader_reads_everything(monkeypatch):
    monkeypatch.setattr(yamlfile, "_FAST_COMPOSER", None)
    for path in FILES:
        assert yamlfile.load_yaml(path) is not None


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: &x 1\nb: *x\n", "a: 1\na: 2\n", "<<: {a: 1}\n",
                                  "\t- tab\n", "a: !!int ''\n"])
def test_errors_are_the_pure_loaders_whatever_libyaml_said(tmp_path, monkeypatch, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(yamlfile.DataFileError) as fast:
        yamlfile.load_yaml(path)
    monkeypatch.setattr(yamlfile, "_FAST_COMPOSER", None)
    with pytest.raises(yamlfile.DataFileError) as pure:
        yamlfile.load_yaml(path)
    assert str(fast.value) == str(pure.value)


def test_the_garbage_collector_is_restored_after_loading():
    import gc

    with yamlfile.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with yamlfile.gc_paused():
            pass
        assert not gc.isenabled()          # left as the caller had it
    finally:
        gc.enable()
