"""The lexicon: synonym groups from ``lexicon.yaml`` (data, not code), loaded strictly."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataFileError
from ..language.lexicon import Lexicon
from ..language.normalise import tokenize
from ..yamlfile import LineDict, LineList, excerpt, load_yaml, reject_unknown_keys, type_name

LEXICON_KEYS = {"synonyms"}


def lay_terms_file() -> Path:
    """The general lay terms a new folder's lexicon starts from (data, not code)."""
    from importlib import resources

    return Path(str(resources.files("faqbot") / "content" / "lay-terms.yaml"))


def load_lexicon(path: Path) -> Lexicon:
    """Read lexicon.yaml; a missing file means no synonyms (imported FAQs have none)."""
    if not path.exists():
        return Lexicon()
    data = load_yaml(path)
    if data is None:
        return Lexicon()
    if not isinstance(data, LineDict):
        raise DataFileError(path, getattr(data, "line", 1), f"expected a mapping with 'synonyms', got {type_name(data)}")
    reject_unknown_keys(path, data, LEXICON_KEYS, "lexicon")
    groups = data.get("synonyms") or []
    if not isinstance(groups, LineList):
        raise DataFileError(path, data.line_of("synonyms"), f"'synonyms' must be a list of lists, got {type_name(groups)}")
    result = []
    for index, group in enumerate(groups):
        line = groups.line_of(index)
        if not isinstance(group, list) or len(group) < 2:
            raise DataFileError(path, line, "each synonym group must be a list of at least two words or phrases")
        for term in group:
            if not isinstance(term, str) or not tokenize(term):
                raise DataFileError(path, line, f"synonym entries must be words or phrases, got '{excerpt(term)}'")
        result.append([str(t) for t in group])
    return Lexicon(result)
