"""Turn a patient document into passages: question-answer pairs with provenance.

The document is parsed into blocks (``documents.py``: markdown, HTML or plain text), then:

1. **Page furniture is dropped**: navigation trails, cookie notices, bylines, "last reviewed"
   lines, tracking tokens, stray short lines whose words occur nowhere else; filler openings
   ("Welcome to our blog! ... let's get started!") lose their filler sentences.
2. **The subject** comes from the title (front matter, ``<title>``, the first heading; generic
   titles such as "Package leaflet" give way to the next heading; strengths and forms such as
   "200 mg Tablets" are dropped), and the document's **names** from its brand-name, generic-name
   and "also known as" lines.
3. **Sections** are cut at headings and bold labels, and each is labelled with a section kind
   (``content/section-kinds.yaml``): its question names the subject and its lay phrasings become
   examples. Long sections become **passages** at their sub-labels, labelled list items (each
   precaution facet, each dosage group) and "common"/"serious" lead-ins, each an intent with its
   section as context; no answer is longer than :data:`MAX_ANSWER_CHARS`.
4. **FAQ entries** (bullets, ``Q:``/``A:`` blocks, question headings, front-matter ``faq:``
   lists) are kept as written.

Disclaimer sections become the document's proposed disclaimer, never an answer; references,
related links and similar sections are dropped. Everything here is linear in the document's size.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.section_kinds import SectionKind, bundled_kinds, label_words
from ..errors import DataFileError
from ..language.normalise import tokenize
from ..language.question import verb_of_activity
from ..language.words import STOPWORDS
from .documents import DOCUMENT_SUFFIXES, MAX_HEADING_WORDS, Block, Item, RawDocument, read_document
from .redflags import Passage, find_red_flags

MAX_ANSWER_CHARS = 1500      # a passage longer than this is split (an answer is read on a phone)
FACET_SPLIT_CHARS = 500      # a section with facets (precautions) longer than this is split by facet
SHORT_INTRO_CHARS = 250      # a section's own text this short is the lead of its first passage
DISCLAIMER_MAX_CHARS = 500   # a passage of no kind this short that says it is no advice is the disclaimer
MAX_ITEM_EXAMPLES = 24       # list items' names turned into examples per passage
MAX_ITEM_WORDS = 8           # a longer item head is a sentence, not a name a patient would type
SECTION_LABEL = -2           # Block.level of a "Key Takeaways:" line: a section of its own, like a heading
TITLE_SCAN_LINES = 40        # repeated title lines are looked for only at the top of a document
KEY_MEMO_SIZE = 4096         # texts whose comparison key is remembered (see _key)

_FILLER = re.compile(
    r"\b(?:welcome to (?:our|the|this|my)\b|let[’']s (?:get started|begin|dive in|dive into|take a look)"
    r"|grab a (?:cup|coffee|cuppa)|whether you are a regular reader|in this (?:blog )?post,? (?:we|i)(?: will|'ll)"
    r"|without further ado)", re.I)
_INTRO_CUE = re.compile(
    r"\b(we will|we'll|let[’']s|let us|this (?:blog )?(?:post|article|chapter|section) (?:explores|will)|"
    r"in this (?:post|article|chapter|section))\b", re.I)
_MIXED_TOKEN = re.compile(r"\b(?=\w*\d)(?=\w*[a-zA-Z])\w+\b")
_NAV_SEPARATORS = re.compile(r"\s+[|>›»]\s+|\s{3,}")
_BYLINE = re.compile(r"^(?:posted (?:by|on)\b|written by\b|published\b|by [A-Z][a-z]+ [A-Z]|\d+ min(?:ute)?s? read$"
                     r"|(?:page )?last (?:reviewed|revised|updated)\b|(?:\(c\)|©|copyright)\s*\d{4}|print this page"
                     r"|share this\b|this leaflet was last revised)", re.I)
# The fixed sentences of the European package leaflet template (the QRD template every EU/UK
# leaflet follows): how to treat the leaflet itself and each section's stock opening. They are in
# every leaflet, so they answer nothing ("Always take this medicine exactly as your doctor has
# told you" is no dose, "Like all medicines, this medicine can cause side effects" no side effect).
_LEAFLET_TEMPLATE = re.compile(
    r"^(?:read all of this leaflet carefully\b|keep this leaflet\b|you may need to read it again\b"
    r"|if you have any further questions,? ask your\b|this medicine has been prescribed for you\b"
    r"|do not pass it on to others\b|it may harm them,? even if\b|see section \d+\.?$"
    r"|if you get any side effects,? talk to your\b|this includes any possible side effects not listed\b"
    r"|always (?:take|use) this medicine exactly as\b|check with your doctor or pharmacist if you are not sure\b"
    r"|like all medicines,? this medicine can cause side effects\b)", re.I)
_COOKIES = re.compile(r"\bcookies?\b", re.I)
_STRENGTH = re.compile(r"\b\d[\d.,]*\s*(?:mg|ml|mcg|micrograms?|g|%|iu)\b(?:\s*/\s*\d[\d.,]*\s*(?:mg|ml|g))?", re.I)
_FORM_WORDS = re.compile(r"\b(?:tablets?|capsules?|caplets?|oral|suspension|solution|liquid|syrup|injection|cream|"
                         r"gel|granules|sachets?|modified[- ]release|film[- ]coated|soluble|effervescent|drops|sprays?|"
                         r"inhalers?|ointment|lotion|patch(?:es)?|pessar(?:y|ies)|suppositor(?:y|ies))\b",
                         re.I)
_TITLE_LEAD = re.compile(r"^(?:understanding|about|all about|introducing|living with|(?:a |your )?guide to|"
                         r"what you need to know about)\s+", re.I)
# A passage of no known kind that says what the page is not ("This leaflet is for general
# information only and is not a substitute for advice from your doctor"): the page's disclaimer.
_SAYS_IT_IS_NO_ADVICE = re.compile(
    r"\b(?:this|the) (?:leaflet|page|information|website|site|article|guide|post|blog)\b.{0,80}?"
    r"\b(?:for general information|not (?:a )?substitute for|not (?:medical )?advice|does not replace|"
    r"not intended to replace|should not replace)", re.I | re.S)
_GENERIC_TITLES = {"package leaflet", "patient leaflet", "patient information", "information for the patient",
                   "patient information leaflet", "leaflet", "home", "medicines", "medicine", "blog", "article"}


@dataclass
class Pair:
    """One extracted question-answer pair and where in the document it came from."""

    question: str
    answer: str
    section: str
    lines: tuple[int, int]
    kind: str  # faq | qa | section | heading | overview
    examples: list[str] = field(default_factory=list)
    section_kind: str = ""   # the section kind's id, when one matched
    label: str = ""          # the sub-label of a passage inside a section, to tell like questions apart


@dataclass
class Document:
    path: Path
    title: str
    subject: str
    pairs: list[Pair]
    disclaimer: list[str]
    names: list[str] = field(default_factory=list)   # other names of the subject (brands, generic name)
    red_flags: list[Passage] = field(default_factory=list)   # its urgent passages (redflags.py)
    plain_sentences: list[str] = field(default_factory=list)  # its other sentences, to tell a sign it also calls common


def find_documents(folder: Path) -> list[Path]:
    """The documents of a folder (or the one file given), in name order.

    A document that is a link must resolve inside the folder: extraction never reads outside the
    documents it was given (a link to /etc/shadow would otherwise become an answer)."""
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise DataFileError(folder, None, "no such file or folder")
    root = folder.resolve()
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in DOCUMENT_SUFFIXES or path.name.startswith("."):
            continue
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            target = path.resolve()
            if not target.is_relative_to(root):
                raise DataFileError(path, None, "is a link to a file outside the documents folder; "
                                                "copy the document into the folder instead")
        if path.is_file():
            found.append(path)
    if not found:
        raise DataFileError(folder, None, f"no documents ({', '.join(DOCUMENT_SUFFIXES)}) in this folder")
    return found


def extract_document(path: Path) -> Document:
    """Parse one document into pairs; raises DataFileError when it yields nothing answerable."""
    return _extracting(Path(path), True)


def extract_passages(path: Path) -> list[Pair]:
    """The pairs ``extract_document`` finds, as ``faqbot check`` compares them: the same
    questions, answers, sections and lines (and kinds), without the work whose only product is
    what extraction writes besides them: the phrasings asked by cue and their de-duplication
    (``examples`` may hold more, or fewer, than extraction's), and the red flags. A check of a
    6,500-page site extracts every page; a fifth of that was this work."""
    return _extracting(Path(path), False).pairs


def _extracting(path: Path, whole: bool) -> Document:
    enabled = gc.isenabled()
    gc.disable()   # a long document makes many small objects and no cycles: collecting only costs time
    try:
        return _extract(path, whole)
    finally:
        if enabled:
            gc.enable()


def _extract(path: Path, whole: bool = True) -> Document:
    raw = read_document(path)
    blocks = _drop_furniture(raw.blocks)
    blocks = _labels_of_plain_lead_ins(blocks)
    blocks = _drop_noise(_drop_repeated_title_lines(blocks), bundled_kinds())
    doc = _assemble(path, raw, blocks, whole)
    if not doc.pairs:
        raise DataFileError(path, None, "found no questions, sections or headings to answer from")
    if whole:
        doc.red_flags, doc.plain_sentences = find_red_flags(blocks)
    return doc


# --- furniture and noise -----------------------------------------------------------------------------


def _is_furniture(text: str) -> bool:
    """Navigation, cookie notices, bylines and tracking tokens: page furniture, never content."""
    stripped = text.strip()
    if not stripped:
        return True
    parts = [p for p in _NAV_SEPARATORS.split(stripped) if p.strip()]
    if len(parts) >= 3 and all(len(p.split()) <= 5 for p in parts):
        return True
    if _COOKIES.search(stripped) and len(stripped.split()) <= 60:
        return True
    if _BYLINE.search(stripped) and len(stripped.split()) <= 16:
        return True
    return " " not in stripped and len(stripped) > 20 and re.search(r"[=&_/]", stripped) is not None


def _is_leaflet_template(text: str) -> bool:
    """Whether every sentence of a text is a stock sentence of the package leaflet template."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip(" *_")) if s.strip()]
    return bool(sentences) and all(_LEAFLET_TEMPLATE.search(s.strip(" *_")) for s in sentences)


def _drop_furniture(blocks: list[Block]) -> list[Block]:
    kept = []
    for block in blocks:
        if block.kind in ("para", "heading", "label") and _is_furniture(block.text):
            continue
        if block.kind == "para" and _is_leaflet_template(block.text):
            continue
        if block.kind == "list" and any(_is_leaflet_template(item.text) for item in block.items):
            block.items = [item for item in block.items if item.label or item.question
                           or not _is_leaflet_template(item.text)]
            if not block.items:
                continue
        if block.kind == "para":
            block.text = _without_filler(block.text)
            if not block.text:
                continue
        kept.append(block)
    return kept


def _disclaimer_sentences(text: str) -> tuple[str, str]:
    """A paragraph's sentences that say the page is no advice, and the rest ("" when none)."""
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if part]
    said = [part for part in sentences if _SAYS_IT_IS_NO_ADVICE.search(part)]
    if not said:                       # the statement runs across sentences: all of it is the disclaimer
        return " ".join(sentences), ""
    return " ".join(said), " ".join(part for part in sentences if part not in said)


def _without_filler(text: str) -> str:
    """A paragraph without its filler sentences (greetings, "let's get started!")."""
    if not _FILLER.search(text):
        return text
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'“])", text)
    return " ".join(s for s in sentences if not _FILLER.search(s)).strip()


def _drop_noise(blocks: list[Block], kinds) -> list[Block]:
    """Remove stray short lines (tracking snippets, random tokens) whose words occur nowhere else.

    Only lines that are not sentences can be noise: a heading the author marked (markdown) or a
    short sentence ("Keep it below 25 degrees.") is content even when its words occur only there.
    """
    body_words: Counter = Counter()
    for block in blocks:
        body_words.update(tokenize(" ".join([block.text, block.answer, *(i.text for i in block.items)])))
    kept: list[Block] = []
    for block in blocks:
        guessed = block.kind == "para" or (block.kind == "heading" and block.level == 0)
        if guessed and len(block.text.split()) <= 6 and block.text[-1:] not in ".!?" \
                and kinds.match(block.text) is None:
            words = [w for w in tokenize(block.text) if w not in STOPWORDS]
            own = Counter(tokenize(block.text))
            elsewhere = [w for w in words if body_words[w] > own[w]]
            if not elsewhere or _MIXED_TOKEN.search(block.text):
                continue
        kept.append(block)
    return kept


def _drop_repeated_title_lines(blocks: list[Block]) -> list[Block]:
    """Short lines at the top that repeat an earlier one (page titles echoed by the template).
    Only the first lines are looked at, so this stays linear however many short lines follow."""
    seen: list[str] = []
    seen_words: set[str] = set()
    kept = []
    for block in blocks:
        if block.start > TITLE_SCAN_LINES or len(block.text.split()) > 2 * MAX_HEADING_WORDS or block.kind == "list":
            kept.append(block)
            continue
        key = _key(block.text)
        echo = block.kind == "para" and block.text[-1:] not in ".!" and seen_words.issuperset(key.split())
        if key and (any(key in earlier for earlier in seen) or echo):
            continue   # the title again, or its words again (lines echoed by the page template)
        if key:
            seen.append(key)
            seen_words.update(key.split())
        kept.append(block)
    return kept


# --- subject and names -------------------------------------------------------------------------------


def _clean_title(text: str) -> str:
    """The name a title is about: "Ibuprofen 200 mg Tablets / ..." -> "Ibuprofen"; a closing
    parenthesis says what the name is made of or also called ("Co-codamol (paracetamol +
    codeine)"), which the page's own fields name: the subject is the name before it."""
    first = re.split(r"\s*:\s+|\s+[-–—|]\s+|\s*/\s*|\s*\|\s*", text.strip())[0]
    first = re.sub(r"(?<=\w)\s*\([^()]*\)\s*$", "", first)
    first = _TITLE_LEAD.sub("", first.strip())
    first = _STRENGTH.sub(" ", first)
    first = _FORM_WORDS.sub(" ", first)
    words = first.split()
    while words and words[-1].lower() in ("and", "or", "&", "with", "-", "for"):
        words.pop()
    while words and words[0].lower() in ("and", "or", "&"):
        words.pop(0)
    return " ".join(words).strip(" .,;:-")


def _subject_of(raw: RawDocument, blocks: list[Block]) -> tuple[str, str, set[int]]:
    """(title, subject, the title headings' lines). The title is the first level-1 heading (or
    the first heading, or the front matter's or page's title); the subject its name, skipping
    generic titles ("Package leaflet") for the heading under them."""
    headings = [b for b in blocks if b.kind == "heading"]
    candidates: list[tuple[str, int]] = []
    title = ""
    top = next((b for b in headings if b.level == 1), None)
    if top is None and headings and headings[0] is blocks[0]:
        top = headings[0]
    if top is not None:
        title = top.text
        candidates.append((top.text, top.start))
        after = [b for b in headings if b.start > top.start][:1]
        candidates += [(b.text, b.start) for b in after if b.level in (0, 2)]
    if raw.title:
        title = title or raw.title
        candidates.append((raw.title, 0))
    first = blocks[0] if blocks else None
    if top is None and first is not None and first.kind == "label" and not first.answer \
            and bundled_kinds().match(first.text) is None:
        # A page titled by a bold line over its fields ("**Atorvastatin tablets**").
        title = title or first.text
        candidates.append((first.text, first.start))
    # A package leaflet's title is generic ("Package leaflet: Information for the patient"); the
    # medicine is named by the product line under it ("Omeprazole 20 mg gastro-resistant
    # capsules") and by the leaflet's standard first heading ("1. What Omeprazole is and what
    # it is used for").
    after_title = [b for b in blocks if top is None or b.start > top.start][:3]
    for block in after_title:
        product = re.match(r"^([A-Z][\w-]*(?:\s+[A-Za-z][\w-]*){0,3}?)\s+\d[\d.,]*\s*(?:mg|mcg|micrograms?|g|ml|%)\b",
                           block.text)
        if block.kind in ("label", "para") and product:
            candidates.append((product.group(1), block.start))
            break
    # The page's own generic-name field names the subject when no title does.
    candidates += [(b.answer, -1) for b in blocks if b.kind == "field" and b.text.lower() == "generic name"][:1]
    for block in headings:
        standard = re.match(r"^(?:\d+[.)]\s*)?what (.+?) (?:is|are) and what (?:it is|they are) used for\b",
                            block.text, re.I)
        if standard:
            candidates.append((standard.group(1), -1))
            break
    defined = _defined_term(blocks, raw.faqs)
    title_lines = {top.start} if top is not None else set()
    for candidate, line in candidates:
        cleaned = _clean_title(candidate)
        if not cleaned or cleaned.lower() in _GENERIC_TITLES or len(cleaned.split()) > 4 or "?" in cleaned:
            continue
        if line >= 0:
            title_lines.add(line)
        if cleaned.isupper():   # "GOUT": a word in capitals, when the text writes it in small letters
            lower = {w for b in blocks for w in re.findall(r"\b[a-z][a-z'-]*\b", b.text)}
            cleaned = " ".join(w.lower() if w.lower() in lower else w for w in cleaned.split())
        subject = _lower_common(cleaned)
        if " and " in subject and defined and defined in subject.split(" and "):
            return title, defined, title_lines
        return title, subject, title_lines
    if defined:
        return title, defined, title_lines
    counts: Counter = Counter()
    for block in blocks:
        counts.update(tokenize(block.text))
    words = [w for w in tokenize(title) if w not in STOPWORDS and len(w) > 3]
    if words:
        return title, max(words, key=lambda w: counts[w]), title_lines
    return title, title.lower() or "this topic", title_lines


def _defined_term(blocks: list[Block], faqs: list[Block]) -> str:
    """The term the document's own FAQ defines ("What is hypomagnesemia?")."""
    for block in blocks + faqs:
        texts = [block.text] if block.kind in ("q", "faq") else [i.question for i in block.items if i.question]
        for text in texts:
            defined = re.match(r"^what (?:is|are) ([\w\s-]+?)\?$", text.strip(), re.I)
            if defined:
                return defined.group(1).strip().lower()
    return ""


def _title_aliases(title: str, subject: str) -> list[str]:
    """The subject's other name a title gives in brackets: "High blood pressure (hypertension)",
    "Paracetamol (Acetaminophen)"; not what it is made of ("Co-codamol (paracetamol + codeine)")
    nor a note ("(brand names)", "(200 mg)")."""
    found = re.search(r"(?<=\w)\s*\(([A-Za-z][A-Za-z' -]*)\)", title)
    if not found or not subject:
        return []
    alias = " ".join(found.group(1).split())
    words = alias.lower().split()
    if not 1 <= len(words) <= 3 or set(words) & (_NAME_NOTE_WORDS | {"and", "or", "with"}) \
            or alias.lower() == subject.lower() or not _key(title.split("(")[0]).endswith(_key(subject)):
        return []
    return [alias]


def _names_of(value: str, subject: str) -> list[str]:
    """Names listed on a brand-name or "also known as" line: "Norvasc, Istin (brand names).",
    and a name in brackets after one ("Paracetamol (Acetaminophen)"), not a note ("(brand names)")."""
    first_sentence = re.split(r"(?<=[a-z)])\.\s", value.strip())[0]
    bracketed = [inner for inner in re.findall(r"\(([^)]*)\)", first_sentence)
                 if not set(inner.lower().split()) & _NAME_NOTE_WORDS
                 and (inner[:1].isupper() or len(inner.split()) == 1)]   # not "(in some countries)"
    without_notes = re.sub(r"\([^)]*\)", " ", first_sentence)
    names = []
    for part in re.split(r",|;|/|\band\b|\bor\b", " , ".join([without_notes, *bracketed])):
        name = " ".join(part.split()).strip(" .")
        if name and 1 <= len(name.split()) <= 3 and name[0].isalnum() and name.lower() != subject.lower():
            names.append(name)
    return names


# Words of a bracketed note beside names, not a name: "Norvasc, Istin (brand names)".
_NAME_NOTE_WORDS = {"brand", "brands", "name", "names", "generic", "trade", "other", "also", "known", "eg", "e.g.",
                    "see", "formerly", "uk", "us", "usa", "only"}
# A sentence naming the subject's brands: "... is sold under brand names such as Panadol, Calpol
# and Tylenol", "... marketed as Nexium", "available under the trade name Zoton", "sold in several
# countries, particularly India, under brand names such as Pan-D", "known by brand names including
# Cipro", "also known as Zofran", "Brand names include Protonix, Protium and Pantoloc".
_BRAND_CUE = re.compile(r"\b(?:(?:(?:sold|marketed|available|supplied|branded|known)\b[^.;:()]{0,60}?\s)?"
                        r"(?:under|as|by)\s+(?:the\s+)?(?:brand|trade)[ -]names?"
                        r"|(?:brand|trade)[ -]names?\s+(?:include|includes|including|are|is)"
                        r"|(?:sold|marketed|supplied|branded)\s+(?:in\s+[A-Z][\w ]*?\s+)?as"
                        r"|also\s+(?:known|called|sold)\s+as)\b\s*(?:such as|like|including|include|:)?\s*",
                        re.I)
# The modified-release ending of a brand name ("Flomaxtra XL", "Glucophage SR", "Adalat LA").
_RELEASE_FORM = re.compile(r"(?<=\w)\s+(?:XL|SR|MR|CR|LA|ER|XR|CD|Retard|Continus)$")
# Where a page says its brands are sold, before saying it: "In some other countries", "In the UK,".
_WHERE_SOLD = re.compile(r"^(?:in|outside|across) (?:\w+ ){0,3}?(?:countries|the uk|the us|the usa|europe|america|"
                         r"india|australia|canada|ireland)\b,?\s*")
# The subject's other name in its own sentence: "Paracetamol, known as acetaminophen in ...".
_KNOWN_AS = r"\b{subject},?\s+(?:is\s+)?(?:also\s+)?(?:known|called)\s+(?:in\s+(?:the\s+)?[A-Z][\w ]*?\s+)?(?:as\s+)?(?!by\b|the\b)"
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'-]*|\d[\w'-]*|with)$")
_KNOWN_AS_WORDS = re.compile(r"known|called", re.I)   # what every _KNOWN_AS match holds


def _names_in_prose(text: str, subject: str) -> list[str]:
    """The subject's other names as its text states them ("sold under brand names such as
    Panadol, Calpol and Tylenol"; "paracetamol, known as acetaminophen"): names in capitals
    after a brand cue, or the one word after "<subject>, known as". A list ends at the first
    part that is not a name ("... in the United States and Canada")."""
    names: list[str] = []
    first_word = subject.split()[0].lower() if subject.split() else ""
    starts = []
    for cue in _BRAND_CUE.finditer(text):
        sentence = text[:cue.start()].rsplit(". ", 1)[-1].lstrip().lower()
        sentence = _WHERE_SOLD.sub("", sentence)    # "In some other countries it is sold ..."
        about_subject = (not sentence or first_word and sentence.startswith(first_word)
                         or re.match(r"(?:it|this medicine|they)\b", sentence))
        if about_subject and not re.search(r"\b(?:such as|like|with|including|other|e\.?g)\b", sentence):
            starts.append((cue.end(), False))     # the subject's brands, not another medicine's
    if _KNOWN_AS_WORDS.search(text):
        # The pattern names the subject, so it is compiled for each document: only when it can match.
        starts += [(m.end(), True) for m in re.finditer(_KNOWN_AS.format(subject=re.escape(subject)), text, re.I)]
    for start, lower_first in starts:
        stretch = re.split(r"(?<=[a-z)])\.(?:\s|$)|[;:()]", text[start:], maxsplit=1)[0]
        # A name ending in capitals ends its sentence at "-TH.": the stretch stops there too.
        stretch = re.split(r"(?<=[A-Z0-9])\.(?:\s|$)", stretch, maxsplit=1)[0]
        for part in re.split(r",|\band\b|\bor\b", stretch):
            words = part.split()
            if not words:
                continue
            if words[0] == "in" and len(words) > 1 and words[1][:1].isupper():
                continue                              # an aside: "and, in North America, ..."
            run = []
            for position, word in enumerate(words):
                if _NAME_WORD.match(word) and (position > 0 or word[0].isupper()) \
                        and not (word == "with" and (position == 0 or position + 1 == len(words))) \
                        or position == 0 and lower_first and word.isalpha():
                    run.append(word)
                else:
                    break
            if run and len(run) <= 3:
                names.append(" ".join(run))
            if len(run) < len(words) or lower_first:
                break
    return [n for n in names if n.lower() != subject.lower()]


# --- sections and passages ---------------------------------------------------------------------------


@dataclass
class _Unit:
    """A stretch of a section that becomes one passage: under a heading, a label or a facet."""

    label: str
    kind: SectionKind | None
    parent: SectionKind | None
    start: int
    blocks: list[Block] = field(default_factory=list)
    lead: str = ""          # the label's own line when it says more than the label
    heading: bool = False   # a heading (not a sub-label) opened it
    level: int = 0
    section: str = ""       # the heading it belongs to, for provenance
    from_heading: bool = False  # opened by a real heading (not a bold label standing in for one)
    lead_question: str = "" # the question of a short section lead folded into this passage
    own_topic_defined: bool = False  # the overview: another section says what the subject is
    also: list[SectionKind] = field(default_factory=list)   # other kinds its heading names
    is_faq: bool = False    # a bold question line whose answer follows as paragraphs
    question: str = ""      # its own question, when a facet's item names the condition it is about
    phrased: bool = True    # its kind's phrasings are its examples (only the first part of a split section)
    in_condition_guide: bool = False   # its document is a guide to a condition (steps are asked "with <s>")

    @property
    def end(self) -> int:
        return max([self.start] + [b.end for b in self.blocks])


def _assemble(path: Path, raw: RawDocument, blocks: list[Block], examples: bool = True) -> Document:
    """The document's pairs and what else it says; without ``examples``, the phrasings asked by
    cue are not added and none is de-duplicated (``extract_passages``: nothing else differs)."""
    kinds = bundled_kinds()
    title, subject, title_lines = _subject_of(raw, blocks)
    subject_words = tuple(_fold(w) for w in re.findall(r"[a-z0-9]+", subject.lower()))
    names: list[str] = []
    # The title's bracketed name ("High blood pressure (hypertension)") is how patients may ask:
    # its phrasings are examples, but it is no brand or subject name of the folder's lexicon.
    aliases = _title_aliases(title, subject)
    units: list[_Unit] = []
    faqs: list[Pair] = []
    disclaimer: list[str] = []
    stack: list[tuple[int, SectionKind | None]] = []      # open headings: (level, kind)
    current: _Unit | None = None
    section_unit: _Unit | None = None
    pending_q: Block | None = None
    title_seen = False

    def open_unit(label: str, kind, parent, start, heading, level, section) -> _Unit:
        unit = _Unit(label, kind, parent, start, heading=heading, level=level, section=section)
        units.append(unit)
        return unit

    for position, block in enumerate(blocks):
        if block.kind != "heading" and block.start in title_lines:
            continue        # the product line naming a package leaflet's medicine, under its title
        if block.kind == "heading":
            if block.start in title_lines:
                if not title_seen:
                    current = section_unit = open_unit("", None, None, block.start, True, block.level,
                                                       title or subject)
                title_seen = True
                continue
            level = block.level or 2
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            # A heading asking a question is an FAQ entry, whatever words it uses; when it is
            # word for word a kind's label ("What is high blood pressure?"), it is also asked
            # in that kind's phrasings.
            kind = kinds.match(block.text, subject_words, parent.id if parent else None)
            if block.text.endswith("?") and kind is not None \
                    and label_words(block.text, subject_words) not in kind.labels:
                kind = None
            stack.append((level, kind or (parent if parent is not None and parent.role == "container" else None)))
            current = section_unit = open_unit(block.text, kind, parent, block.start, True, level, block.text)
            current.from_heading = True
            if kind is not None:
                current.also = [k for k in kinds.matches(block.text, subject_words, parent.id if parent else None)[1:4]
                                if k.role == "answer"]
            continue
        if current is None:
            current = section_unit = open_unit("", None, None, block.start, True, 1, title or subject)
        context = section_unit.kind or section_unit.parent
        if block.kind == "label":
            kind = kinds.match(block.text, subject_words, context.id if context else None)
            inside = kind is not None and context is not None and context.id in kind.within
            if block.level == SECTION_LABEL or not section_unit.from_heading and (
                    kind is None and section_unit.label == "" and block.text[-1:] != "?" or kind is not None and not inside):
                # Under the title, or on a page whose sections are bold labels ("**Usage:**"),
                # a label opens a section of its own.
                current = section_unit = open_unit(block.text, kind, None, block.start, True, 2, block.text)
                current.lead = block.answer
                continue
            current = open_unit(block.text, kind, context, block.start, False, 0, _sub_section(section_unit, block.text, kind))
            current.lead = block.answer
            continue
        if block.kind == "para" and len(block.text) < DISCLAIMER_MAX_CHARS and _SAYS_IT_IS_NO_ADVICE.search(block.text):
            # "This page is for general information only and is not a substitute for ...": the
            # page's disclaimer wherever it stands (closing a FAQ section, under the title). Its
            # other sentences stay ("... sold under brand names such as Elavil and Endep. This
            # information ... does not replace advice from your doctor.").
            said, rest = _disclaimer_sentences(block.text)
            disclaimer.append(said)
            if not rest:
                continue
            block.text = rest
        if block.kind == "para" or block.kind in ("field", "label") and block.answer:
            names += _names_in_prose(block.text if block.kind == "para" else block.answer, subject)
        if block.kind == "field":
            kind = kinds.match(block.text, subject_words, context.id if context else None)
            if kind is not None and kind.id == "names" or block.text.lower() in ("brand names", "also known as",
                                                                                  "generic name"):
                names += _names_of(block.answer, subject)
            if kind is not None and kind.role == "noise":
                continue
            unit = open_unit(block.text, kind, context, block.start, False, 0,
                             _sub_section(section_unit, block.text, kind))
            unit.blocks.append(Block("para", block.answer, block.start, block.end))
            if block.level == -1 and kind is None:
                # "Word: text" that is no label we know: an ordinary sentence of the section.
                units.remove(unit)
                current.blocks.append(Block("para", f"{block.text}: {block.answer}", block.start, block.end))
            continue
        if block.kind == "faq":
            if block.answer:
                faqs.append(Pair(block.text, block.answer, section_unit.section, (block.start, block.end), "faq"))
            else:
                current = open_unit(block.text, None, None, block.start, False, 0, section_unit.section)
                current.is_faq = True   # "**Can I exercise?**" over its answer: an FAQ entry, kept as written
            continue
        if block.kind == "q":
            pending_q = block
            continue
        if block.kind == "a" and pending_q is not None:
            faqs.append(Pair(pending_q.text, block.text, "Q&A", (pending_q.start, block.end), "qa"))
            pending_q = None
            continue
        if block.kind == "list" and any(item.label or item.question for item in block.items):
            rest = Block("list", "", block.start, block.end)
            labelled = [item for item in block.items if item.label]
            known = [item for item in labelled
                     if kinds.match(item.label, subject_words, context.id if context else None) is not None]
            split = len(labelled) >= 2 and (2 * len(known) >= len(labelled)
                                            or len(_render([block])) > MAX_ANSWER_CHARS)
            for item in block.items:
                if item.question:
                    faqs.append(Pair(item.question, _item_text(item), section_unit.section, (item.start, item.end),
                                     "faq"))
                elif item.label and split:
                    kind = kinds.match(item.label, subject_words, context.id if context else None)
                    unit = open_unit(item.label, kind, context, item.start, False, 0,
                                     _sub_section(section_unit, item.label, kind))
                    unit.blocks.append(Block("list-item", _item_text(item), item.start, item.end))
                else:
                    rest.items.append(item)
            if rest.items:
                (current if current is not None else section_unit).blocks.append(rest)
            continue
        if block.kind == "para" and block.text.endswith(":") and context is not None:
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            kind = _lead_in_kind(block.text, kinds, subject_words, context.id)
            if following is not None and following.kind == "list" and kind is not None:
                current = open_unit(block.text.rstrip(":"), kind, context, block.start, False, 0,
                                    _sub_section(section_unit, block.text, kind))
                current.blocks.append(block)
                current.label = _short_label(block.text)
                continue
        if block.kind == "para" and current is not section_unit and not current.heading and current.blocks \
                and current.blocks[-1].kind == "para" and current.lead == "" and _field_unit(current):
            # After a "Label: text" field, the section's own text resumes.
            section_unit.blocks.append(block)
            current = section_unit
            continue
        current.blocks.append(block)

    if any(u.kind is not None and u.kind.id == "what-it-is" for u in units):
        for unit in units:
            unit.own_topic_defined = True
    condition = _is_condition_guide(units)
    if condition:
        for unit in units:
            unit.in_condition_guide = True
            unit.kind, unit.parent = _as_condition(unit.kind), _as_condition(unit.parent)
            unit.also = [k for k in map(_as_condition, unit.also) if k is not None]
    pairs, section_disclaimers = _pairs_of_units(units, subject, title, names + aliases)
    disclaimer += section_disclaimers
    faqs += [Pair(b.text, b.answer, "FAQ (front matter)", (b.start, b.end), "faq") for b in raw.faqs]
    pairs += faqs
    covered = {u.kind.id for u in units if u.kind is not None} | {p.section_kind for p in pairs if p.section_kind}
    for pair in faqs:
        kind = kinds.match(pair.question, subject_words)
        kind = _as_condition(kind) if condition else kind
        if kind is not None and kind.role == "answer" and kind.id not in covered:
            # "Can I drink alcohol?" in an FAQ is the document's alcohol passage: asked like one.
            covered.add(kind.id)
            pair.section_kind = kind.id
            pair.examples += kind.examples(subject) + [e for n in (names + aliases)[:2]
                                                       for e in kind.examples(n.lower())[:2]]
    for pair in faqs:
        if not _names_subject(pair.question, subject):
            # "How long will I need to take it?" under the subject's page: it is the subject.
            named = _it_named(pair.question.rstrip("?"), subject)
            pair.examples.append(named if named != pair.question.rstrip("?") else f"{named} {subject}")
    pairs.sort(key=lambda pair: pair.lines[0])
    if examples:
        _kinds_by_cue(pairs, kinds, covered, subject, names + aliases, condition)
    _overview_question(pairs, subject, title)
    pairs = _merge_intro_sections(pairs, examples)
    pairs = _unique_questions(pairs)
    _whole_short_sections(pairs, blocks)
    unique_names = []
    ingredients = {part.split()[0] for part in re.split(r"\s*(?:\band\b|\bwith\b|\+|&|/|,)\s*", subject) if part}
    # A brand's release-form ending is often left off ("Flomaxtra" for "Flomaxtra XL"): both are its names.
    names = [variant for name in names for variant in (name, _RELEASE_FORM.sub("", name)) if variant]
    for name in names:
        if name.lower() in (n.lower() for n in unique_names) or name.lower() == subject:
            continue
        if len(ingredients) > 1 and name.lower().split()[0] in ingredients:
            continue      # "Paracetamol" on the paracetamol-and-codeine page is an ingredient, not its name
        unique_names.append(name)
    return Document(path, title, subject, pairs, disclaimer, unique_names)


def _is_condition_guide(units: list[_Unit]) -> bool:
    """Whether a document is a guide to a condition rather than about a medicine: more of its
    sections are of condition kinds (symptoms, causes, treatment) than of medicine kinds (dose,
    side effects, storage)."""
    found = Counter(u.kind.documents for u in units if u.kind is not None and u.kind.documents)
    return found["condition"] > found["medicine"]


def _as_condition(kind: SectionKind | None) -> SectionKind | None:
    """A kind as a condition guide has it: a medicine's kind is none there, a shared one is
    asked as a condition guide asks it (``SectionKind.as_condition``)."""
    if kind is None or not kind.fits(condition=True):
        return None
    return kind.as_condition()


def _kinds_by_cue(pairs: list[Pair], kinds, covered: set[str], subject: str, names: list[str],
                  condition: bool = False) -> None:
    """A kind the document gives no section of, whose cue a passage's text holds ("it is thought
    to work by", "report suspected side effects", "a long-term treatment"), is asked of that
    passage: the first one holding the most of its cues gets the kind's question and phrasings. A condition
    guide is asked only what a condition guide answers (never "how much asthma should I take")."""
    texts = [f" {_key(pair.answer)} " for pair in pairs]
    for kind in kinds.kinds:
        if kind.role != "answer" or not kind.cues or kind.id in covered or not kind.fits(condition) or kind.within:
            continue    # a part of a section (a precaution's facet, a dose group) is found inside it
        if condition:
            kind = kind.as_condition()
        cues = [f" {_key(cue.replace('<s>', subject))} " for cue in kind.cues]
        counts = [sum(cue in text for cue in cues) for text in texts]
        best = max(range(len(pairs)), key=lambda i: counts[i], default=None)
        if best is None or counts[best] == 0:
            continue
        pair = pairs[best]
        pair.examples += [kind.ask(subject)] + kind.examples(subject) + [e for n in names[:2]
                                                                          for e in kind.examples(n.lower())[:2]]
        covered.add(kind.id)


def _sub_section(section: _Unit, label: str, kind: SectionKind | None) -> str:
    """Provenance of a passage inside a section: "Side Effects (common)", "Precautions (Alcohol)";
    under the title, the label itself ("Generic Name")."""
    if not section.label or (section.kind is None and kind is not None and not kind.within):
        # Under the title, or a known section ("**Dosage:**") under a heading no kind names.
        return label.rstrip(":").strip()
    if kind is not None and section.kind is not None and section.kind.id in kind.within:
        return f"{section.section} ({kind.id.removeprefix(section.kind.id + '-')})"
    return f"{section.section} ({_short_label(label)})"


_LEAD_IN_ENDINGS = {"include", "includes", "including", "are", "is", "as", "try", "have", "has", "of", "were",
                    "be", "can", "will", "following", "these", "if", "you", "to", "with", "for"}


def _labels_of_plain_lead_ins(blocks: list[Block]) -> list[Block]:
    """A short line ending in ':' over a list is a label ("Key Takeaways:", "References:"),
    unless it reads as the start of a sentence ("Other common symptoms include:")."""
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.kind != "para" or not block.text.endswith(":") or following is None or following.kind != "list":
            continue
        words = block.text.rstrip(":").split()
        if len(words) <= 5 and "," not in block.text and words and words[-1].lower() not in _LEAD_IN_ENDINGS:
            block.kind, block.text, block.level = "label", block.text.rstrip(":").strip(), SECTION_LABEL
    return blocks


def _lead_in_kind(text: str, kinds, subject_words, parent: str) -> SectionKind | None:
    """The part-of-section kind a lead-in sentence announces: "Common side effects include:",
    "Serious side effects are rare. Contact a doctor straight away if you have:"."""
    sentences = re.split(r"(?<=[.!?])\s+", text.rstrip(":").strip())
    for sentence in (sentences[-1], sentences[0]):
        kind = kinds.match(sentence, subject_words, parent)
        if kind is not None and parent in kind.within:
            return kind
    return None


def _field_unit(unit: _Unit) -> bool:
    return len(unit.blocks) == 1 and unit.blocks[0].kind == "para" and unit.blocks[0].start == unit.start


def _short_label(text: str) -> str:
    """A label as a question names it: its first sentence, without a bracketed note
    ("Uncommon (may affect up to 1 in 100 people)" -> "Uncommon"), at most eight words."""
    text = re.sub(r"\s*\([^()]*\)?", "", text.rstrip(":").strip()).strip() or text.rstrip(":").strip()
    first = re.split(r"(?<=[.!?])\s+", text)[0]
    return first if len(first.split()) <= 8 else " ".join(first.split()[:8])


def _item_text(item: Item, with_label: bool = True) -> str:
    text = f"{item.label}: {item.text}".strip() if item.label and with_label else item.text
    text = text.rstrip(":").strip() if not item.text else text
    if item.sub:
        indent = "  " if text else ""   # an item that is only its sub-items (an FAQ's answer list)
        subs = [f"{indent}{'  ' if s.startswith('  ') else ''}- {s.strip()}" for s in item.sub]
        text = "\n".join(([text] if text else []) + subs)
    return text.strip()


def _pairs_of_units(units: list[_Unit], subject: str, title: str, names: list[str]) -> tuple[list[Pair], list[str]]:
    pairs: list[Pair] = []
    disclaimer: list[str] = []
    units = _merged_field_runs(units)
    covered = {u.kind.id for u in units if u.kind is not None}
    # Whole sections whose kind is noise or disclaimer take their sub-units with them.
    dropped_section = ""
    for index, unit in enumerate(units):
        if unit.heading:
            dropped_section = unit.section if unit.kind is not None and unit.kind.role in ("noise", "disclaimer") else ""
            if unit.kind is not None and unit.kind.role == "disclaimer":
                disclaimer.append(" ".join(_render(unit.blocks).replace("- ", "").split()))
                continue
        elif dropped_section and unit.section == dropped_section:
            continue
        kind = unit.kind
        if kind is not None and kind.role == "noise":
            continue
        if kind is not None and kind.role == "disclaimer":
            text = " ".join(_render(unit.blocks).split())
            if text:
                disclaimer.append(text)
            continue
        following = units[index + 1] if index + 1 < len(units) else None
        if not unit.blocks:
            if unit.heading and unit.label and following is not None and not following.heading \
                    and not following.is_faq and not following.lead_question:
                # A heading whose own text was only template ("Like all medicines, ..."): its
                # question is asked of its first passage.
                following.parent = following.parent or unit.kind
                following.lead_question = _question(unit, subject, title)
            continue
        answer = _render(unit.blocks, unit.lead)
        if kind is None and len(answer) < DISCLAIMER_MAX_CHARS and _SAYS_IT_IS_NO_ADVICE.search(answer):
            disclaimer.append(" ".join(answer.split()))
            continue
        if (unit.heading and following is not None and not following.heading and following.section == unit.section
                and len(answer) < SHORT_INTRO_CHARS and len(unit.blocks) == 1 and unit.label and not following.is_faq):
            # A short lead under a heading ("Like all medicines, ...") opens its first passage.
            following.blocks.insert(0, unit.blocks[0])
            following.parent = following.parent or unit.kind
            following.lead_question = _question(unit, subject, title)
            continue
        for part in _facet_units(unit, answer, subject):
            pairs.extend(_passages(part, subject, title, names, covered))
    return pairs, [d for d in disclaimer if d]


def _facet_units(unit: _Unit, answer: str, subject: str) -> list[_Unit]:
    """A long section of a kind with facets ("Warnings and precautions") as one passage per
    facet: each paragraph, or lead-in with its list, whose text holds a facet's cues or labels
    (kidney, liver, heart, bones, tests ...) is a passage of that facet, asked its own question
    with the section as context; consecutive parts of one facet, or of none, stay together. A
    patient asking whether it affects their bones gets the paragraph about fractures, not the
    whole section."""
    kind = unit.kind if unit.kind is not None else unit.parent   # "Warnings and precautions" under "Before you take"
    if kind is None or not kind.facets or len(answer) <= FACET_SPLIT_CHARS:
        return [unit]
    # A section that is one list under its own label ("**Do not take ibuprofen if you:**") is
    # one answer, to "who should not take it"; a section of several parts is split.
    blocks = list(unit.blocks)
    if len(blocks) < 2:
        return [unit]
    kinds = bundled_kinds()
    facets = [kinds.by_id[f] for f in kind.facets]
    groups: list[list[Block]] = []
    for block in blocks:
        joins = groups and groups[-1][-1].kind == "para" and groups[-1][-1].text.endswith(":") and block.kind == "list"
        if joins:
            groups[-1].append(block)
        else:
            groups.append([block])
    parts: list[tuple[SectionKind | None, list[Block], str]] = []   # (facet, blocks, the condition an item names)
    for group in groups:
        lead_in = group[0] if len(group) == 2 and group[0].kind == "para" else None
        if lead_in is not None and _CONDITIONS_LEAD_IN.search(lead_in.text) and len(group[1].items) >= 3:
            # "Talk to your doctor before taking ibuprofen if you:" over the conditions that need
            # care: each item is a facet of its own, under its lead-in.
            for item in group[1].items:
                item_list = Block("list", "", item.start, item.end, items=[item])
                facet = _facet_of(f" {_key(_item_text(item))} ", facets)
                condition = _condition_named(item.label or item.text)
                parts.append((facet, [lead_in, item_list], "" if facet else condition))
            continue
        # A lead-in over a list of signs names its facet itself; one sign ("severe liver problems")
        # does not make the list a facet's.
        facet = _facet_of(f" {_key(_render([lead_in] if lead_in else group))} ", facets)
        if parts and parts[-1][0] is facet and not parts[-1][2]:
            parts[-1][1].extend(group)
        else:
            parts.append((facet, list(group), ""))
    # Neighbouring parts of one facet are one passage; two items of one lead-in stay one list
    # under it ("have heart problems", "have had a stroke": heart).
    merged: list[tuple[SectionKind | None, list[Block], str]] = []
    for facet, blocks, condition in parts:
        if merged and facet is not None and merged[-1][0] is facet:
            last = merged[-1][1]
            same_lead = last[0] is blocks[0] and blocks[0].kind == "para" and len(blocks) == 2 and last[-1].kind == "list"
            if same_lead:
                last[-1] = Block("list", "", last[-1].start, blocks[1].end, items=last[-1].items + blocks[1].items)
            else:
                last.extend(blocks)
            continue
        merged.append((facet, blocks, condition))
    if len(merged) < 2 or all(facet is None and not condition for facet, _, condition in merged):
        return [unit]
    units = []
    for number, (facet, blocks, condition) in enumerate(merged):
        if facet is None:
            part = replace(unit, blocks=blocks, also=list(unit.also) if number == 0 else [], phrased=number == 0)
            if number:
                part.lead, part.lead_question, part.heading = "", "", False
                part.label = condition or _short_label(_render(blocks[:1]))
            if condition:
                part.question = f"Can I take {subject} if I {condition}?"
        else:
            name = facet.id.replace("-", " ")
            part = _Unit(name, facet, kind, blocks[0].start, blocks, section=f"{unit.section} ({name})")
        if number == 0:
            part.lead, part.lead_question = unit.lead, unit.lead_question
        else:
            part.lead = ""
        units.append(part)
    return units


# A lead-in over the conditions that need care: "... before taking ibuprofen if you:", "Do not
# take X if you:". Each of its items names one ("have asthma", "are elderly").
_CONDITIONS_LEAD_IN = re.compile(r"\bif you(?: are| have)?:$", re.I)
_FIRST_PERSON = {"are": "am", "were": "was", "have": "have", "your": "my", "you": "I", "you're": "I'm"}


def _whole_short_sections(pairs: list[Pair], blocks: list[Block]) -> None:
    """A section split into passages (its labelled items, its facets) whose whole text is short
    enough for one answer (MAX_ANSWER_CHARS) answers its own question with all of it, in the
    document's order: "What is the usual dose of ramipril?" was answered by the paragraph left
    after the doses for each condition became passages of their own ("Take ramipril at the same
    time each day ..."). The passages stay, for the questions about one of them; FAQ entries
    under the section are not part of it."""
    parts: dict[str, list[Pair]] = {}
    for pair in pairs:
        if pair.kind in ("section", "heading"):
            parts.setdefault(re.sub(r" \([^()]*\)$", "", pair.section), []).append(pair)
    kinds = bundled_kinds().by_id
    for base, group in parts.items():
        own = [pair for pair in group if pair.section == base]
        if len(own) != 1 or len(group) < 2:
            continue
        own_kind = kinds.get(own[0].section_kind)
        # A passage of another section's kind read as a sub-label ("Side Effects" under
        # "Dosage") is no part of this one's answer; its own parts and facets are.
        group = [pair for pair in group if pair is own[0] or _part_of(kinds.get(pair.section_kind), own_kind)]
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda pair: _first_line_of(pair, blocks))
        whole = "\n\n".join(pair.answer for pair in ordered)
        if len(whole) <= MAX_ANSWER_CHARS:
            own[0].answer = whole
            own[0].lines = (min(pair.lines[0] for pair in ordered), max(pair.lines[1] for pair in ordered))


def _part_of(kind: SectionKind | None, section: SectionKind | None) -> bool:
    """Whether a passage of this kind belongs in a section of that kind: anything but a section
    kind of its own standing (side effects, storage: no ``within``) other than the section's."""
    return kind is None or section is None or kind is section or bool(kind.within) or kind.id in section.facets


def _first_line_of(pair: Pair, blocks: list[Block]) -> int:
    """The line where a passage's own text starts: the first block inside its lines whose text
    begins its answer (a section's own text may follow the items split off it)."""
    opening = _key(pair.answer.split("\n", 1)[0])[:20]
    for block in blocks:
        if pair.lines[0] <= block.start <= pair.lines[1]:
            texts = [block.text] + [item.text for item in block.items]
            if opening and any(_key(text).startswith(opening) for text in texts):
                return block.start
    return pair.lines[0]


def _condition_named(text: str) -> str:
    """The condition a precaution's item names, as a patient says it ("are elderly, as you are
    more likely to get side effects" -> "am elderly"; "have chickenpox (varicella) - ..." ->
    "have chickenpox"; "have asthma or allergies such as hay fever" -> "have asthma or allergies"), or nothing when
    it is longer than a name."""
    head = ""
    for separators in (r"\s[-–—]\s|[:;(]|,|\.\s|\s(?:such as|as|because|which|who|since)\s", r"\s[-–—]\s|[:;(]|\.\s"):
        head = re.split(separators, text.strip())[0].strip(" .")
        if len(head.split()) > 1:
            break       # "have, or have ever had, a stomach ulcer": not "have"
    words = head.split()
    if not words or len(words) > MAX_ITEM_WORDS:
        return ""
    return " ".join(_FIRST_PERSON.get(w.lower(), w) for w in words)


def _facet_of(text: str, facets: list[SectionKind]) -> SectionKind | None:
    """The facet a passage's text names most: its cues and its labels of two or more words
    ("kidney problems"), counted as phrases; none when no facet is named."""
    best, most = None, 0
    for facet in facets:
        phrases = {f" {_key(c)} " for c in facet.cues} | {f" {' '.join(v)} " for v in facet.labels if len(v) > 1}
        count = sum(p in text for p in phrases if p.strip())
        if count > most:
            best, most = facet, count
    return best


def _merged_field_runs(units: list[_Unit]) -> list[_Unit]:
    """Fields of one kind on consecutive lines ("Generic name: ...", "Also known as: ...") are
    one passage, each line under its own label, not two intents asking the same question (the
    second was named after its label: "What are the names of co-codamol: also known as?")."""
    merged: list[_Unit] = []
    runs: set[int] = set()        # ids of the merged units that are runs of fields
    for unit in units:
        previous = merged[-1] if merged else None
        if (previous is not None and _field_unit(unit) and not unit.heading and unit.kind is not None
                and previous.kind is unit.kind and previous.parent is unit.parent
                and (id(previous) in runs or _field_unit(previous) and not previous.heading)
                and unit.start <= previous.end + 1):
            if id(previous) not in runs:
                previous.blocks = [replace(previous.blocks[0], text=f"{previous.label}: {previous.blocks[0].text}")]
                runs.add(id(previous))
            previous.blocks.append(replace(unit.blocks[0], text=f"{unit.label}: {unit.blocks[0].text}"))
            continue
        merged.append(unit)
    return merged


def _question(unit: _Unit, subject: str, title: str) -> str:
    if unit.question:
        return unit.question
    label = unit.label.strip().rstrip(":").strip()
    if label.endswith("?"):
        return label
    if unit.kind is not None and unit.kind.role == "answer":
        return unit.kind.ask(subject)
    if not label:
        if unit.own_topic_defined:
            return f"What should I know about {subject}?"
        return f"What is {subject}?"
    if unit.parent is not None and unit.parent.role == "answer":
        base = unit.parent.ask(subject)
        short = _short_label(label)
        return f"{base.rstrip('?')}: {_lower_common(short)}?" if len(short.split()) <= 6 else base
    return _generic_question(label, subject)


def _passages(unit: _Unit, subject: str, title: str, names: list[str], covered: set[str] | None = None) -> list[Pair]:
    covered = set() if covered is None else covered
    question = _question(unit, subject, title)
    section = unit.section or title or subject
    kind_name = "heading" if unit.heading else "faq" if unit.is_faq else "section"
    examples: list[str] = []
    if unit.lead_question and _key(unit.lead_question) != _key(question):
        examples.append(unit.lead_question)
    if not unit.label:
        kind_name = "overview"
        main_title = re.split(r"\s+[–—-]\s+|:\s", title)[0] if title else ""
        if main_title and _key(main_title) != _key(subject):
            examples.append(f"What is the article '{main_title}' about?")
    elif _key(unit.label) != _key(question):
        examples.append(unit.label if unit.heading else f"{subject} {_lower_common(unit.label)}")
    for kind in (unit.kind, unit.parent if unit.kind is None else None):
        if kind is not None and kind.role == "answer":
            if unit.phrased:
                examples += kind.examples(subject)
                for name in names[:2]:
                    examples += kind.examples(name.lower())[:2]
            for item in _list_heads(unit.blocks)[:MAX_ITEM_EXAMPLES]:
                examples += kind.item_examples(subject, item)
    for also in unit.also:
        # "How to take ibuprofen" is about the dose and about how to take it: asked both ways.
        examples += _also_examples(also, unit.label, subject, covered)
    examples += _step_questions(unit.blocks, subject, unit.in_condition_guide, unit.lead or unit.label)[:MAX_ITEM_EXAMPLES]
    examples += _term_questions(unit.blocks)[:MAX_ITEM_EXAMPLES]
    chunks = _chunks(unit.blocks, unit.lead)
    pairs = []
    for number, (text, start, end) in enumerate(chunks, 1):
        q = question if number == 1 else f"{question.rstrip('?')} (part {number})?"
        lines = (min(unit.start, start) if number == 1 and unit.label else start, end)
        part_kind = unit.kind.id if unit.kind else (unit.parent.id if unit.parent else "")
        part_examples = examples if number == 1 else []
        part = _part_kind(unit, text, covered) if number > 1 else None
        if part is not None:
            # The dose section's second part is about children's doses: asked so, not "(part 2)".
            covered.add(part.id)
            q, part_kind, part_examples = part.ask(subject), part.id, part.examples(subject)
        pairs.append(Pair(q, text, section, lines, kind_name, part_examples, part_kind,
                          "" if unit.heading else _short_label(unit.label)))
    return pairs


def _also_examples(kind: SectionKind, heading: str, subject: str, covered: set[str]) -> list[str]:
    """The phrasings of another kind a heading names. When the document has a section of that
    kind too, that section answers the kind's own questions, and the heading is asked only the
    phrasings about what it names beyond the kind's question ("Omeprazole with food, drink and
    alcohol" beside "How to take omeprazole": "can i take omeprazole with food", not "what time
    of day should i take omeprazole"; "Reporting side effects": no side-effects phrasing)."""
    examples = kind.examples(subject)
    if kind.id not in covered:
        return examples
    subject_words = tuple(_fold(w) for w in re.findall(r"[a-z0-9]+", subject.lower()))
    own = set(label_words(kind.question, subject_words))
    named = {w for w in label_words(heading, subject_words) if w not in STOPWORDS and w not in own}
    return [e for e in examples if named & set(label_words(e, subject_words))]


def _part_kind(unit: _Unit, text: str, covered: set[str]) -> SectionKind | None:
    """The kind within a long section's kind that a later part of it is about, when the document
    has no passage of that kind: the one whose labels its text names most, at least twice
    ("For children, leave at least 6 to 8 hours ... Do not give to children under 3 months")."""
    if unit.kind is None:
        return None
    words = f" {_key(text)} "
    best, most = None, 1
    for kind in bundled_kinds().kinds:
        if unit.kind.id not in kind.within or kind.id in covered:
            continue
        count = sum(words.count(f" {' '.join(v)} ") for v in kind.labels if v)
        if count > most:
            best, most = kind, count
    return best


_CLAUSE_OPENERS = {"that", "which", "who", "when", "if", "especially", "but", "so", "because", "although",
                   "while", "as", "even", "usually", "often", "sometimes"}


_INSTRUCTIONS = {"sit", "take", "call", "keep", "stay", "try", "use", "go", "ask", "tell", "do", "don't", "stop",
                 "avoid", "make", "get", "see", "wait", "repeat", "give", "check", "remove", "shake", "swallow",
                 "put", "breathe", "loosen", "lie", "rinse", "wash", "store", "read", "follow", "contact", "if"}


def _list_heads(blocks: list[Block]) -> list[str]:
    """What each list item names, for the kind's item phrasings: its first words ("swollen
    ankles or feet (oedema) - this is..." -> "swollen ankles or feet"), the lay or medical name
    in its brackets ("oedema"), and each part of a list of signs ("yellowing of the skin, pale
    stools or dark urine" -> "yellowing of the skin", "pale stools or dark urine"): a patient
    names one of them, not the whole item."""
    heads: list[str] = []
    for block in blocks:
        items = [item.label or item.text for item in block.items] if block.kind == "list" else []
        if block.kind == "para" and block.text.count(";") >= 2:
            # A leaflet's run-in list: "swelling of the feet and ankles; disturbed sleep; dizziness".
            items = [part for part in block.text.split(";") if part.strip()]
        for text in items:
            head = re.split(r"\s[-–—]\s|[:;(]|,\s(?:which|such as|for example|especially|as|but|that)\b|\.\s",
                            text)[0]
            found = [head]
            if "," in head:
                found += head.split(",")
            found += re.findall(r"\(([^()]+)\)", re.split(r"\s[-–—]\s", text)[0])
            # The things an item names by example: "ACE inhibitors, such as ramipril and lisinopril".
            for examples in re.findall(r",?\s(?:such as|for example|e\.g\.)\s([^.;:()]+)", text):
                found += [n for n in re.split(r",\s*|\s(?:and|or)\s", examples.split(", which")[0])
                          if 1 <= len(n.split()) <= 3]
            for piece in found:
                words = re.sub(r"^(?:or|and)\s+", "", piece.strip(" ,.")).split()
                if words and words[0].lower() in _CLAUSE_OPENERS:
                    continue   # "..., or that does not go away": the rest of a sentence, no name
                if piece is head and words and words[0].lower() in _INSTRUCTIONS:
                    break      # "Sit up straight", "Take one puff": a step to follow, not a thing named
                if len(words) <= MAX_ITEM_WORDS and " ".join(words).lower() not in heads:
                    heads.append(" ".join(words).lower())
    return heads


_STEP_VERBS = (_INSTRUCTIONS - {"if"}) | {"cut", "eat", "drink", "be", "lose", "limit", "reduce", "chew", "crush",
                                          "open", "mix", "measure", "wear", "protect", "rest",
                                          "leave", "space", "spread", "throw", "return", "carry", "aim", "eat",
                                          "cover", "apply", "inhale", "hold", "sip", "learn", "plan", "choose"}
_NEGATION = re.compile(r"^(?:do not|don't|dont|never|must not)\s+", re.I)
_THE_MEDICINE = re.compile(r"\b(?:it|them|this medicine|the medicine|your medicine|the tablets?|your tablets?|"
                           r"the capsules?|your capsules?)\b", re.I)


def _step_questions(blocks: list[Block], subject: str, condition_guide: bool, intro: str = "") -> list[str]:
    """A list of steps to follow asked as patients ask them: "Take it with food" -> "should I
    take amlodipine with food", "Do not crush or chew the tablets" -> "can I crush or chew
    amlodipine", "Cut down on salt: ..." -> "should I cut down on salt with high blood pressure".
    A step names no thing a patient would type on its own, so the item phrasings skip it."""
    questions: list[str] = []
    label = Block("para", intro.rstrip(":") + ":", 0, 0) if intro else None   # "**Do not take X if you:**"
    for previous, block in zip([label, *blocks], blocks):
        if previous is not None and previous.kind == "para" and _CONDITIONS_LEAD_IN.search(previous.text):
            continue    # "... more likely to have it if you:" over "drink too much alcohol": conditions, not steps
        items = block.items if block.kind == "list" else []
        steps: list[str] = []
        for item in items:
            text = item.label or item.text
            head = re.split(r"\s[-–—]\s|[:;(]|,|\.(?:\s|$)", text.strip())[0].strip(" .")
            negated = _NEGATION.match(head)
            step = head[negated.end():] if negated else head
            words = step.split()
            if not words or words[0].lower() not in _STEP_VERBS or len(words) > MAX_ITEM_WORDS + 2:
                continue
            step = _THE_MEDICINE.sub(subject, step[0].lower() + step[1:], count=1)
            step = re.sub(r"\byour\b", "my", re.sub(r"\byou\b", "I", re.sub(r"\byou are\b", "I am", step)))
            if subject.lower() not in step.lower():
                verb, _, rest = step.partition(" ")
                step = f"{verb} {subject} {rest}" if negated and verb.lower() in ("store", "crush", "chew", "freeze",
                                                                                   "open", "break") \
                    else f"{step} {'with' if condition_guide else 'on'} {subject}"
            steps.append(f"{'can' if negated else 'should'} i {' '.join(step.split())}")
        if 2 * len(steps) >= len(items):     # a list of steps, not one step among side effects
            questions += [q for q in dict.fromkeys(steps) if q not in questions]
    return questions


def _term_questions(blocks: list[Block]) -> list[str]:
    """What a passage defines: a paragraph or list item that starts with a term in bold and goes
    on to say what it is ("**Lactic acidosis** is a very rare but serious side effect", "**Peak
    flow** - you blow into a small device") is asked "what is lactic acidosis", "what is peak flow"."""
    terms = [b.term for b in blocks if b.kind == "para" and b.term]
    terms += [i.term for b in blocks if b.kind == "list" for i in b.items if i.term]
    questions = []
    for term in terms:
        words = re.sub(r"[^\w\s'-]", " ", term).split()
        if not 1 <= len(words) <= 5:
            continue
        plural = words[-1].lower().endswith("s") and not words[-1].lower().endswith(("ss", "sis", "us", "ics"))
        questions.append(f"what {'are' if plural else 'is'} {_lower_common(' '.join(words))}")
    return list(dict.fromkeys(questions))


def _chunks(blocks: list[Block], lead: str = "") -> list[tuple[str, int, int]]:
    """The rendered blocks in passages of at most MAX_ANSWER_CHARS, cut between blocks or list
    items, never inside a sentence unless a single paragraph is longer than that."""
    pieces: list[tuple[str, int, int]] = []
    if lead:
        pieces.append((lead + ":", blocks[0].start if blocks else 0, blocks[0].start if blocks else 0))
    for block in blocks:
        if block.kind == "list":
            for item in block.items:
                pieces.append(("- " + _item_text(item), item.start, item.end))
        else:
            rendered = _render([block])
            if rendered:
                pieces.append((rendered, block.start, block.end))
    chunks: list[tuple[str, int, int]] = []
    for text, start, end in pieces:
        for part in _split_long(text):
            if chunks and len(chunks[-1][0]) + len(part) + 2 <= MAX_ANSWER_CHARS:
                previous, first, _ = chunks[-1]
                joiner = "\n" if part.startswith("- ") and previous.split("\n")[-1].startswith("- ") else "\n\n"
                chunks[-1] = (previous + joiner + part, first, end)
            else:
                chunks.append((part, start, end))
    return [(text.strip(), start, end) for text, start, end in chunks if text.strip()]


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_ANSWER_CHARS:
        return [text]
    sentences = re.split(r"(?<=[.!?])\s+", text)
    parts, current = [], ""
    for sentence in sentences:
        while len(sentence) > MAX_ANSWER_CHARS:
            cut = sentence.rfind(" ", 0, MAX_ANSWER_CHARS) or MAX_ANSWER_CHARS
            parts.append((current + " " + sentence[:cut]).strip() if current else sentence[:cut])
            current, sentence = "", sentence[cut:].strip()
        if current and len(current) + len(sentence) + 1 > MAX_ANSWER_CHARS:
            parts.append(current)
            current = sentence
        else:
            current = (current + " " + sentence).strip()
    if current:
        parts.append(current)
    return parts


def _overview_question(pairs: list[Pair], subject: str, title: str) -> None:
    """The text under the title answers "What is X?" unless another passage does (a "What is
    asthma" section, an FAQ defining the term): then it is what the article is about."""
    for pair in pairs:
        if pair.kind != "overview":
            continue
        others = {_key(p.question) for p in pairs if p is not pair}
        if _key(pair.question) not in others:
            continue
        main_title = re.split(r"\s+[–—-]\s+|:\s", title)[0] if title else ""
        if main_title and _key(main_title) != _key(subject):
            pair.question = f"What is the article '{main_title}' about?"
            pair.examples = [e for e in pair.examples if _key(e) != _key(pair.question)]
        else:
            pair.question = f"What should I know about {subject}?"


def _unique_questions(pairs: list[Pair]) -> list[Pair]:
    """Two passages asking the same question (two "adults" doses) name their label instead."""
    counts = Counter(_key(p.question) for p in pairs)
    first: set[str] = {_key(p.question) for p in pairs if p.kind in ("faq", "qa")}   # as the author wrote them
    for pair in pairs:
        if pair.kind in ("faq", "qa"):
            continue
        key = _key(pair.question)
        if counts[key] > 1 and pair.label and key in first and _key(pair.label) not in key:
            pair.question = f"{pair.question.rstrip('?')}: {_lower_common(pair.label)}?"
        first.add(key)
    seen: Counter = Counter(_key(p.question) for p in pairs if p.kind in ("faq", "qa"))
    for pair in pairs:
        if pair.kind in ("faq", "qa"):
            continue
        key = _key(pair.question)
        seen[key] += 1
        if seen[key] > 1:
            pair.question = f"{pair.question.rstrip('?')} ({seen[key]})?"
    return pairs


def _merge_intro_sections(pairs: list[Pair], examples: bool = True) -> list[Pair]:
    """A heading section that only introduces the next one ("let's take a closer look...") is
    folded into it, so the patient gets the substance, and its question becomes an example.
    Then (with ``examples``) each pair's examples lose repeats and the questions of other pairs."""
    merged: list[Pair] = []
    index = 0
    while index < len(pairs):
        pair = pairs[index]
        following = pairs[index + 1] if index + 1 < len(pairs) else None
        if (pair.kind == "heading" and following is not None and following.kind == "heading"
                and "\n" not in pair.answer and _INTRO_CUE.search(pair.answer)):
            if len(pair.answer) + len(following.answer) + 2 <= MAX_ANSWER_CHARS:
                following.answer = pair.answer + "\n\n" + following.answer
                following.lines = (pair.lines[0], following.lines[1])
            # else only its question moves: an announcement ("let's take a closer look") is no answer
            following.examples = [pair.question, *pair.examples, *following.examples]
            index += 1
            continue
        merged.append(pair)
        index += 1
    if not examples:
        return merged
    questions = {_key(p.question) for p in merged}
    for pair in merged:
        kept, seen = [], set()
        for example in pair.examples:
            key = _key(example)
            if key and key not in questions and key not in seen:
                seen.add(key)
                kept.append(example)
        pair.examples = kept
    return merged


def _generic_question(text: str, subject: str) -> str:
    """A natural question for a heading no section kind knows, about the document's subject."""
    lowered = text[0].lower() + text[1:]
    effect = re.match(r"^(.+?) and (?:its|their) (?:effects?|impacts?) on (?:the )?(.+)$", text, re.I)
    if effect:
        return f"How does {_lower_common(effect.group(1))} affect the {effect.group(2).lower()}?"
    if re.match(r"^(?:what|how|why|when|who|which|can|is|are|do|does|should|will)\b", text, re.I):
        named = _names_subject(text, subject)
        asked = text if named else _it_named(text, subject)   # "Who may not be able to use it"
        return asked[0].upper() + asked[1:] + "?"
    about = re.match(r"^(?:all )?about\s+(.+)$", text, re.I)
    if about:                                          # "About salbutamol inhalers": what they are
        thing = _lower_common(about.group(1))
        plural = thing.split()[-1].endswith("s") and not thing.endswith("ss")
        return _about_subject(f"What {'are' if plural else 'is'} {thing}", text, subject)
    intro = re.match(r"^(?:Exploring|Uncovering|Understanding|Examining|Discussing|Overview of|"
                     r"An Overview of|Introduction to)\s+(?:the\s+)?(.+)$", text, re.I)
    first, _, rest = text.partition(" ")
    verb = None if intro else verb_of_activity(first.lower())
    if verb and re.match(r"(?:your|the|a|an|it|them|this|these|when|how|with|for|up|out|off|back|on|to)\b", rest, re.I):
        # "Cleaning your inhaler", "Knowing when it is running out", "Living with gout": a task.
        return _about_subject(f"How do I {verb} {_as_patient(rest)}", text, subject)
    yours = re.match(r"^your\s+(.+)$", text, re.I)
    if yours:                                          # "Your INR blood test"
        return _about_subject(f"What should I know about my {_as_patient(yours.group(1))}", text, subject)
    timing = re.match(r"^(before|after|during|while)\s+(.+)$", text, re.I)
    if timing:                                         # "Before your EEG"
        return _about_subject(f"What should I know {timing.group(1).lower()} {_as_patient(timing.group(2))}",
                              text, subject)
    if intro:
        lowered = intro.group(1)
    phrase = _lower_common(lowered)
    if re.match(r"(?:for|in|with|without|on|at|and)\b", phrase):
        # "For depression", "In children": said of the subject ("amitriptyline for depression").
        return f"What should I know about {subject} {phrase}?"
    if _key(phrase).startswith(_key(subject) + " "):
        # "Amitriptyline for pain", "Hay fever in children": the subject in a setting, asked as named.
        return f"What should I know about {phrase}?"
    # "General impacts of hypomagnesemia", "Things to avoid with levothyroxine": the head noun
    # (before "of", "to", ...) says "is" or "are".
    head = (re.split(r"\s+(?:of|from|between|in|on|for|with|to)\s+", phrase)[0].split() or [phrase])[-1]
    verb = "are" if head.endswith("s") and not head.endswith("ss") else "is"
    question = f"What {verb} the {phrase}"
    if not _names_subject(text, subject):
        question += f" about {subject}"
    return question + "?"


def _names_subject(text: str, subject: str) -> bool:
    """Whether the text names the subject by any word of its name."""
    return any(w in _key(text).split() for w in _key(subject).split())


def _about_subject(question: str, heading: str, subject: str) -> str:
    """The question, naming the subject: "it" becomes its name; with no "it", a question that does
    not name the subject says whose it is first ("Salbutamol: how do I clean my inhaler?")."""
    if _names_subject(heading, subject):
        return question + "?"
    named = _it_named(question, subject)
    if named != question:
        return named + "?"
    return f"{subject[0].upper() + subject[1:]}: {question[0].lower() + question[1:]}?"


def _it_named(text: str, subject: str) -> str:
    """The text with its first "it" read as the subject ("How long will I need to take it?"),
    not the "it" of "is it safe to ...", which stands for what follows."""
    return re.sub(r"\bit\b(?!\s+\w+\s+(?:to|if|that|when|for)\b)", subject, text, count=1, flags=re.I)


def _as_patient(text: str) -> str:
    """A heading's words as the patient says them: "your inhaler" -> "my inhaler"."""
    swapped = {"your": "my", "yours": "mine", "yourself": "myself", "you": "I"}
    return re.sub(r"\b(your|yours|yourself|you)\b", lambda m: swapped[m.group(1).lower()], _lower_common(text),
                  flags=re.I)


def _lower_common(text: str) -> str:
    """Lower-case ordinary title-cased words; keep acronyms and names with inner capitals."""
    return " ".join(w if (w.isupper() and len(w) > 1) else w.lower() for w in text.split())


def _render(blocks: list[Block], lead: str = "") -> str:
    """Answer text: paragraphs separated by blank lines, lists kept as '- item' lines."""
    parts = [lead + ":"] if lead else []
    for block in blocks:
        if block.kind == "list":
            parts.append("\n".join(f"- {_item_text(item)}" for item in block.items))
        elif block.kind == "list-item":
            parts.append(block.text)
        elif block.kind in ("para", "a", "field"):
            parts.append(block.text if block.kind != "field" else f"{block.text}: {block.answer}")
        elif block.kind in ("label", "heading"):
            parts.append((block.answer or block.text) + ":")
    return "\n\n".join(p for p in parts if p).strip()


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=KEY_MEMO_SIZE)
def _key(text: str) -> str:
    """A text as compared (its words, normalised). Remembered: the section kinds' cues and a
    document's questions and examples are keyed again and again (a sixth of extracting a site's
    6,500 pages went to tokenising the same strings); bounded, because answers are long."""
    return " ".join(tokenize(text))
