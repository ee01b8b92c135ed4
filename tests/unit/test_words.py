"""The everyday English word list (language/english-words.txt, written by tools/make_english_words.py
from wordfreq): one line per frequency, read into {word: Zipf frequency}, most frequent first."""

from __future__ import annotations

from pathlib import Path

from faqbot.language import words as words_module
from faqbot.language.words import english_words

WORD_LIST = Path(words_module.__file__).parent / "english-words.txt"


def test_the_shipped_list_holds_one_line_per_frequency_most_frequent_first():
    lines = [line for line in WORD_LIST.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    frequencies = [float(line.split()[0]) for line in lines]
    assert frequencies == sorted(frequencies, reverse=True) and len(set(frequencies)) == len(frequencies)
    assert min(frequencies) >= 2.8                  # tools/make_english_words.py's MIN_ZIPF
    listed = [word for line in lines for word in line.split()[1:]]
    assert len(listed) == len(set(listed)) == 36070
    assert all(word.isalpha() and word.isascii() and word.islower() for word in listed)


def test_each_word_reads_with_the_frequency_of_its_line_in_the_files_order():
    words = english_words()
    assert list(words)[:5] == ["the", "to", "and", "of", "a"]
    assert (words["the"], words["wife"], words["clumps"]) == (7.73, 5.23, 2.93)
    assert "becuase" not in words and "medecine" not in words      # typos stay out (Zipf 2.6, 1.7)
    assert list(words.values()) == sorted(words.values(), reverse=True)


def test_comment_and_blank_lines_are_skipped(tmp_path, monkeypatch):
    (tmp_path / "english-words.txt").write_text("# a header\n\n5.00 alpha beta\n# a note\n3.10 gamma\n",
                                                encoding="utf-8")
    monkeypatch.setattr(words_module, "__file__", str(tmp_path / "words.py"))
    english_words.cache_clear()
    try:
        assert english_words() == {"alpha": 5.0, "beta": 5.0, "gamma": 3.1}
    finally:
        english_words.cache_clear()
