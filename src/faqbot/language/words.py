"""Word tiers: stop words, light (common) words, text-speak, and the everyday English word list.

These say how much a word can tell FAQ entries apart; they are general English, never domain words.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
             "bc": "because", "thx": "thanks", "tho": "though", "shud": "should", "shld": "should",
             "wud": "would", "cud": "could", "til": "until", "till": "until", "dr": "doctor", "hrs": "hours", "mins": "minutes"}


@lru_cache(maxsize=1)
def english_words() -> dict[str, float]:
    """Common English words and their Zipf frequencies (english-words.txt, from wordfreq), most
    frequent first. A question using one meant that word, so the corrector leaves it alone even
    when the index lacks it ("my wife" is not "my wine", "five minutes" not "fire minutes").

    The file holds one line per frequency ("3.42 word word ..."): each line becomes its words
    in one step, where 36,000 "word frequency" lines, one float each, took 20 ms of every start."""
    text = (Path(__file__).parent / "english-words.txt").read_text(encoding="utf-8")
    words: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            zipf, *group = line.split()
            words.update(dict.fromkeys(group, float(zipf)))
    return words
