"""Text normalisation shared by the index and by queries, and terminal-safe display.

Only the standard library: the same functions serve extraction, matching and the front ends.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic characters that patients' phones and web pages put in, mapped to plain ASCII.
_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2022": " ", "\u00b7": " ",
})

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Shown as escapes when printing: the controls, and lone surrogates (bytes that were not UTF-8 in a
# file name or an argument), which a strict UTF-8 output stream cannot even encode.
_UNPRINTABLE = re.compile(_CONTROL.pattern[:-1] + r"\ud800-\udfff]")
# Characters that are invisible inside a word (soft hyphen, zero-width space and joiners, BOM):
# removed, not turned into spaces, so "sei\u00adzure" still reads "seizure" for triage and matching.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")   # a word, apostrophes inside it kept

# Function words that carry no meaning for telling FAQ entries apart. General English, not domain.
# Question words (how, when, where, which, who, why) are kept: "where can I get tested" and
# "should I get tested" are different questions; IDF keeps their weight small.
STOPWORDS = frozenset("""
a about above after again against all am an and any are aren aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
here's hers herself him himself his how's i i'd i'll i'm i've if in into is isn't it it's its itself
let's me more most mustn't my myself no nor not of off on once or other ought our ours ourselves
out over own same shan't she she'd she'll she's should shouldn't so some such than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's
when's where's while who's whom why's with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves
also anyone anything im ive dont doesnt cant wont isnt whats hows u ur pls please plz hi hello hey
just really actually still get got getting go going will shall may might must one ok okay yes yeah
thing things something someone tell know want need like much many lot lots bit way well even ever
""".split())


# Common English words that say little about which FAQ entry is meant ("find", "matter", "make").
# In a small index they look rare, so IDF alone would overrate them; the matcher halves their weight.
# Question words are here too: they tell questions apart, but only a little.
LIGHT_WORDS = frozenset("""
able affect again ago almost already always another anyway around ask asked back bad become best better
big came come comes coming day days different does doing done easy else enough every everyone everything
far feel find found give given gives giving good great happen happens help helps hear heard idea
important keep kind last how when where which who why later least less let life little long look looking lot made make makes making
matter mean means mess messing mind new next normal now often old others people person place point possible pretty
probably put quite rather right said say says see seem seen sometimes soon sort start still stuff sure
take takes taking talk tell thanks think thought time times today told took true try trying turn use
used usually wait way week weeks went whether work works year years yet
morning mornings evening evenings night nights tonight lunch lunchtime breakfast dinner bedtime today
tomorrow yesterday weekend month months daily hour hours minute minutes call called name named whole
mum mom mother dad father parent parents son sons daughter daughters wife husband partner boyfriend
girlfriend brother sister grandson granddaughter grandma grandmother grandad grandpa grandfather nan gran
family friend friends neighbour neighbor carer mention mentioned
""".split())
# Who is asking about whom ("my mum", "his wife") says nothing about what is asked: the people
# words above are light, so "what if my son misses a dose" is not read as a question about sons.

# Text-speak and chat shorthand, read as the words they stand for on both sides of the index.
SHORTHAND = {"u": "you", "ur": "your", "wat": "what", "wot": "what", "wen": "when", "cn": "can", "r": "are",
             "y": "why", "n": "and", "yrs": "years", "yr": "year", "pls": "please", "plz": "please",
             "abt": "about", "b4": "before", "coz": "because", "cos": "because", "cuz": "because",
             "bc": "because", "thx": "thanks", "tho": "though", "dr": "doctor", "hrs": "hours", "mins": "minutes"}


def normalize(text: str) -> str:
    """Unicode NFKC, typography to ASCII, case folded, control characters and escapes removed."""
    text = _INVISIBLE.sub("", _ANSI.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.casefold().split())


def tokenize(text: str) -> list[str]:
    """Words of normalised text; apostrophes inside a word are kept ("don't"), possessive 's dropped."""
    tokens = []
    for token in WORD.findall(normalize(text)):
        if token.endswith("'s"):
            token = token[:-2]
        tokens.append(SHORTHAND.get(token, token))
    return tokens


def printable(text: str) -> str:
    """Text safe to print to a terminal: escape sequences and control characters shown, not obeyed.

    Newlines and tabs are kept; every other C0/C1 control, and bidi overrides, become visible
    ``\\xNN``/``\\uNNNN`` escapes, so a document or a question can never drive the terminal.
    """
    def show(match: re.Match) -> str:
        char = match.group()
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(show, text.replace("\r\n", "\n").replace("\r", "\n"))


def json_printable(dumped: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters ``printable``
    shows as escapes written as ``\\uNNNN``: the same data once parsed, inert on a terminal.

    (``json.dumps`` already escapes C0 controls; C1 controls and bidi marks it leaves raw.)
    """
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def one_line(text: str, limit: int = 120) -> str:
    """A printable single-line preview of text, shortened with an ellipsis."""
    flat = " ".join(printable(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
