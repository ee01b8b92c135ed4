"""Turn source documents (markdown or plain text) into question-answer pairs with provenance.

What counts as an answerable piece of content, in the order the parser looks for it:
- FAQ bullets ``* **Question?** Answer`` and ``Q:`` / ``A:`` blocks, taken as they are;
- labelled sections (``**Usage:**``, ``**Side Effects:**``...) and headings, turned into natural
  questions about the document's subject; a heading phrased as a question is kept as the question;
- a side-effects section split into its "common" and "serious" lists when the document has both.
Page noise is dropped: front matter, stray short lines whose words occur nowhere else (``web
analytics``, random tokens), repeated title lines. ``Disclaimer`` and ``Note`` sections become the
bot's disclaimer, never an answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from ..language.words import STOPWORDS
from ..language.normalise import tokenize
from ..yamlfile import read_text

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
DISCLAIMER_LABELS = {"disclaimer", "note", "medical disclaimer", "important note"}
MAX_HEADING_WORDS = 12

# Labelled sections of drug pages and the natural question each one answers.
LABEL_QUESTIONS = {
    "usage": "What is {s} used for?",
    "uses": "What is {s} used for?",
    "indications": "What is {s} used for?",
    "generic name": "What is the generic name of {s}?",
    "brand names": "What are the brand names of {s}?",
    "side effects": "What are the side effects of {s}?",
    "how it works": "How does {s} work?",
    "mechanism of action": "How does {s} work?",
    "dosage": "What is the usual dose of {s}?",
    "dose": "What is the usual dose of {s}?",
    "warnings": "What warnings should I know about {s}?",
    "precautions": "What precautions should I take with {s}?",
    "interactions": "Does {s} interact with other medicines?",
    "storage": "How should I store {s}?",
    "overdose": "What happens if I take too much {s}?",
    "contraindications": "Who should not take {s}?",
    "key takeaways": "What are the key takeaways about {s}?",
    "summary": "What is the summary about {s}?",
    "symptoms": "What are the symptoms of {s}?",
    "causes": "What causes {s}?",
    "treatment": "How is {s} treated?",
    "diagnosis": "How is {s} diagnosed?",
}

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LABEL_ONLY = re.compile(r"^\*\*([^*]+?):?\*\*:?\s*$")
_LABEL_INLINE = re.compile(r"^\*\*([^*]+?):\*\*\s*(.+)$")
_FAQ_BULLET = re.compile(r"^\s*[*\-\u2022+]\s+\*\*(.+?\?)\*\*\s*(.*)$")
_BULLET = re.compile(r"^\s*(?:[*\-+\u2022\u25cf\u25aa]|\d+[.)])\s+(.*)$")
_Q_LINE = re.compile(r"^\s*Q\s*[:.]\s*(.+)$")
_A_LINE = re.compile(r"^\s*A\s*[:.]\s*(.*)$")
_INTRO_CUE = re.compile(
    r"\b(we will|we'll|let[’']s|let us|this (?:blog )?(?:post|article|chapter|section) (?:explores|will)|"
    r"in this (?:post|article|chapter|section))\b", re.I)
_MIXED_TOKEN = re.compile(r"\b(?=\w*\d)(?=\w*[a-zA-Z])\w+\b")


@dataclass
class Pair:
    """One extracted question-answer pair and where in the document it came from."""

    question: str
    answer: str
    section: str
    lines: tuple[int, int]
    kind: str  # faq | qa | section | heading | overview
    examples: list[str] = field(default_factory=list)


@dataclass
class Document:
    path: Path
    title: str
    subject: str
    pairs: list[Pair]
    disclaimer: list[str]


@dataclass
class _Block:
    """A run of non-blank lines: a paragraph, a list, a heading or a label."""

    kind: str  # heading | label | para | list | faq | q | a | field
    text: str
    start: int
    end: int
    items: list[str] = field(default_factory=list)
    extra: str = ""


def find_documents(folder: Path) -> list[Path]:
    """The documents of a folder (or the one file given), in name order."""
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise DataFileError(folder, None, "no such file or folder")
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    if not found:
        raise DataFileError(folder, None, "no documents (.md, .markdown, .txt) in this folder")
    return found


def extract_document(path: Path) -> Document:
    """Parse one document into pairs; raises DataFileError when it yields nothing answerable."""
    path = Path(path)
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    front_title = None
    offset = 0
    match = _FRONT_MATTER.match(text)
    if match:
        front = match.group(0)
        title_match = re.search(r"^title:\s*(.+)$", front, re.M)
        front_title = title_match.group(1).strip().strip("'\"") if title_match else None
        offset = front.count("\n")
        for i in range(offset):
            lines[i] = ""
    _drop_repeated_title_lines(lines)
    blocks = _blocks(lines, markdown=path.suffix.lower() in (".md", ".markdown"))
    blocks = _drop_noise(blocks, lines)
    doc = _assemble(path, blocks, front_title)
    if not doc.pairs:
        raise DataFileError(path, None, "found no questions, sections or headings to answer from")
    return doc


def _blocks(lines: list[str], markdown: bool) -> list[_Block]:
    """Group lines into blocks; line numbers are 1-based. Markdown marks its own headings; plain
    text needs them recognised by shape."""
    blocks: list[_Block] = []
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        line = raw.strip()
        number = i + 1
        if not line:
            i += 1
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            blocks.append(_Block("heading", _plain(heading.group(2)), number, number, extra=str(len(heading.group(1)))))
            i += 1
            continue
        faq = _FAQ_BULLET.match(raw)
        if faq:
            end = i
            answer = [faq.group(2).strip()]
            while end + 1 < n and lines[end + 1].strip() and not _BULLET.match(lines[end + 1]):
                end += 1
                answer.append(lines[end].strip())
            blocks.append(_Block("faq", _plain(faq.group(1)), number, end + 1, extra=_plain(" ".join(answer))))
            i = end + 1
            continue
        label = _LABEL_ONLY.match(line)
        if label:
            blocks.append(_Block("label", _plain(label.group(1)).rstrip(":"), number, number))
            i += 1
            continue
        inline = _LABEL_INLINE.match(line)
        if inline and not _BULLET.match(raw):
            end = i
            body = [inline.group(2).strip()]
            while end + 1 < n and lines[end + 1].strip():
                end += 1
                body.append(lines[end].strip())
            blocks.append(_Block("field", _plain(inline.group(1)), number, end + 1, extra=_plain(" ".join(body))))
            i = end + 1
            continue
        q_line = _Q_LINE.match(line)
        if q_line:
            blocks.append(_Block("q", _plain(q_line.group(1)), number, number))
            i += 1
            continue
        a_line = _A_LINE.match(line)
        if a_line:
            end = i
            body = [a_line.group(1).strip()]
            while end + 1 < n and lines[end + 1].strip() and not _Q_LINE.match(lines[end + 1].strip()):
                end += 1
                body.append(lines[end].strip())
            blocks.append(_Block("a", _plain(" ".join(b for b in body if b)), number, end + 1))
            i = end + 1
            continue
        if _BULLET.match(raw):
            end = i
            items = []
            while end < n and lines[end].strip():
                bullet = _BULLET.match(lines[end])
                if bullet:
                    items.append(_plain(bullet.group(1)))
                elif items:
                    items[-1] += " " + _plain(lines[end].strip())
                end += 1
            # A list may continue after blank lines when the next non-blank line is a bullet again.
            blocks.append(_Block("list", "", number, end, items=items))
            i = end
            continue
        end = i
        body = [line]
        while end + 1 < n and lines[end + 1].strip() and not _BULLET.match(lines[end + 1]):
            end += 1
            body.append(lines[end].strip())
        blocks.append(_Block("para", _plain(" ".join(body)), number, end + 1))
        i = end + 1
    return _merge_lists(blocks if markdown else _mark_plain_headings(blocks))


def _merge_lists(blocks: list[_Block]) -> list[_Block]:
    """Join list blocks separated only by blank lines (markdown loose lists)."""
    merged: list[_Block] = []
    for block in blocks:
        if block.kind == "list" and merged and merged[-1].kind == "list":
            merged[-1].items.extend(block.items)
            merged[-1].end = block.end
        else:
            merged.append(block)
    return merged


def _mark_plain_headings(blocks: list[_Block]) -> list[_Block]:
    """In plain text, a short one-line paragraph without a final full stop is a heading.

    A line ending in ':' directly followed by a list is a label ("Key Takeaways:").
    """
    for index, block in enumerate(blocks):
        if block.kind != "para" or block.start != block.end:
            continue
        words = block.text.split()
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.text.endswith(":") and len(words) <= 5 and "," not in block.text:
            block.kind = "label"
            block.text = block.text.rstrip(":").strip()
        elif (len(words) <= MAX_HEADING_WORDS and block.text[-1:] not in ".!,:;" and block.text[:1].isupper()
              and following is not None and following.kind in ("para", "list", "heading", "faq", "q", "label", "field")):
            block.kind = "heading"
            block.extra = "0"
    return blocks


def _drop_noise(blocks: list[_Block], lines: list[str]) -> list[_Block]:
    """Remove stray short lines (tracking snippets, random tokens) and repeated title lines.

    Only lines that are not sentences can be noise: a heading the author marked (markdown) or a
    short sentence ("Keep it below 25 degrees.") is content even when its words occur only there.
    """
    body_words = Counter()
    for block in blocks:
        for word in tokenize(" ".join([block.text, block.extra, *block.items])):
            body_words[word] += 1
    kept: list[_Block] = []
    for block in blocks:
        guessed = block.kind == "para" or (block.kind == "heading" and block.extra == "0")
        if guessed and len(block.text.split()) <= 6 and block.text[-1:] not in ".!?":
            words = [w for w in tokenize(block.text) if w not in STOPWORDS]
            own = Counter(tokenize(block.text))
            elsewhere = [w for w in words if body_words[w] > own[w]]
            if not elsewhere or _MIXED_TOKEN.search(block.text):
                continue
        kept.append(block)
    return kept


def _drop_repeated_title_lines(lines: list[str]) -> None:
    """Blank short lines before the body text that repeat an earlier line (page titles echoed by
    the page template), in place so line numbers stay true."""
    seen: list[str] = []
    for index, raw in enumerate(lines):
        words = raw.split()
        if len(words) > MAX_HEADING_WORDS:
            break  # the body text has started
        key = _key(raw)
        if not key:
            continue
        if any(key in earlier for earlier in seen):
            lines[index] = ""
        else:
            seen.append(key)


def _assemble(path: Path, blocks: list[_Block], front_title: str | None) -> Document:
    title = front_title or ""
    for block in blocks:
        if block.kind == "heading":
            if block.extra == "1" or not title and block is blocks[0]:
                title = title or block.text
                block.extra = "title"
            break
    subject = _subject(title, blocks)
    pairs: list[Pair] = []
    disclaimer: list[str] = []
    sections = _sections(blocks, title)
    for heading, body in sections:
        label = heading.text.lower() if heading else ""
        if label in DISCLAIMER_LABELS:
            disclaimer.append(" ".join(b.text for b in body if b.text))
            continue
        pairs.extend(_pairs_of_section(heading, body, subject, title))
    pairs.sort(key=lambda pair: pair.lines[0])  # an inline field is a section before its heading's ends
    pairs = _merge_intro_sections(pairs)
    return Document(path, title, subject, pairs, disclaimer)


def _sections(blocks: list[_Block], title: str) -> list[tuple[_Block | None, list[_Block]]]:
    """Split blocks at headings and labels; inline fields are sections of their own."""
    sections: list[tuple[_Block | None, list[_Block]]] = []
    current: _Block | None = None
    body: list[_Block] = []
    for block in blocks:
        if block.kind in ("heading", "label"):
            if current is not None or body:
                sections.append((current, body))
            current, body = block, []
        elif block.kind == "field":
            sections.append((_Block("label", block.text, block.start, block.end),
                             [_Block("para", block.extra, block.start, block.end)]))
        else:
            body.append(block)
    if current is not None or body:
        sections.append((current, body))
    return sections


def _pairs_of_section(heading: _Block | None, body: list[_Block], subject: str, title: str) -> list[Pair]:
    """FAQ entries and Q/A blocks become pairs as written; the rest of a section becomes one pair."""
    section_name = heading.text if heading else title
    pairs: list[Pair] = []
    rest: list[_Block] = []
    pending_q: _Block | None = None
    for block in body:
        if block.kind == "faq":
            pairs.append(Pair(block.text, block.extra, section_name, (block.start, block.end), "faq"))
        elif block.kind == "q":
            pending_q = block
        elif block.kind == "a" and pending_q is not None:
            pairs.append(Pair(pending_q.text, block.text, "Q&A", (pending_q.start, block.end), "qa"))
            pending_q = None
        else:
            rest.append(block)
    if not rest:
        return pairs
    if heading is None or heading.extra == "title":
        # The text under the document's title: what the document is about.
        main_title = re.split(r"\s+[–—-]\s+|:\s", title)[0] if title else subject
        question = f"What is the article '{main_title}' about?"
        pairs.insert(0, Pair(question, _render(rest), section_name or "Introduction",
                             (rest[0].start, rest[-1].end), "overview"))
        return pairs
    split = _split_side_effects(heading, rest, subject)
    if split:
        return split + pairs
    question = _question_for(heading, subject)
    kind = "heading" if heading.kind == "heading" else "section"
    # The heading itself is one more way to ask for the section ("Evidence from Case Studies").
    examples = [section_name] if _key(section_name) != _key(question) else []
    pairs.insert(0, Pair(question, _render(rest), section_name, (heading.start, rest[-1].end), kind, examples))
    return pairs


def _split_side_effects(heading: _Block, rest: list[_Block], subject: str) -> list[Pair]:
    """A side-effects section with a 'common' and a 'serious' list answers two questions."""
    if "side effect" not in heading.text.lower():
        return []
    cut = None
    for index, block in enumerate(rest):
        if index and block.kind == "para" and re.search(r"\b(serious|severe|rare)\b", block.text, re.I):
            cut = index
            break
    if cut is None or not any(b.kind == "list" for b in rest[:cut]) or not any(b.kind == "list" for b in rest[cut:]):
        return []
    common, serious = rest[:cut], rest[cut:]
    return [
        Pair(f"What are the common side effects of {subject}?", _render(common),
             f"{heading.text} (common)", (heading.start, common[-1].end), "section"),
        Pair(f"What are the serious side effects of {subject}?", _render(serious),
             f"{heading.text} (serious)", (serious[0].start, serious[-1].end), "section"),
    ]


def _merge_intro_sections(pairs: list[Pair]) -> list[Pair]:
    """A heading section that only introduces the next one ("let's take a closer look...") is
    folded into it, so the patient gets the substance, and its question becomes an example."""
    merged: list[Pair] = []
    index = 0
    while index < len(pairs):
        pair = pairs[index]
        following = pairs[index + 1] if index + 1 < len(pairs) else None
        if (pair.kind == "heading" and following is not None and following.kind == "heading"
                and "\n" not in pair.answer and _INTRO_CUE.search(pair.answer)):
            following.answer = pair.answer + "\n\n" + following.answer
            following.lines = (pair.lines[0], following.lines[1])
            following.examples = [pair.question, *pair.examples, *following.examples]
            following.kind = "heading"
            index += 1
            continue
        merged.append(pair)
        index += 1
    questions = {_key(p.question) for p in merged}
    for pair in merged:
        pair.examples = [e for e in pair.examples if _key(e) not in questions]
    return merged


def _question_for(heading: _Block, subject: str) -> str:
    """A natural question for a heading or label, about the document's subject."""
    text = heading.text.strip().rstrip(":").strip()
    if text.endswith("?"):
        return text
    template = LABEL_QUESTIONS.get(text.lower())
    if template:
        return template.format(s=subject)
    lowered = text[0].lower() + text[1:]
    effect = re.match(r"^(.+?) and (?:its|their) (?:effects?|impacts?) on (?:the )?(.+)$", text, re.I)
    if effect:
        return f"How does {_lower_common(effect.group(1))} affect the {effect.group(2).lower()}?"
    gerund = re.match(r"^(?:Exploring|Uncovering|Understanding|Examining|Discussing|Overview of|"
                      r"An Overview of|Introduction to)\s+(?:the\s+)?(.+)$", text, re.I)
    if gerund:
        lowered = gerund.group(1)
    phrase = _lower_common(lowered)
    head = re.split(r"\s+(?:of|from|between|in|on|for|with)\s+", phrase)[0].split()[-1]
    verb = "are" if head.endswith("s") and not head.endswith("ss") else "is"
    question = f"What {verb} the {phrase}"
    if not any(w in _key(text) for w in _key(subject).split()):
        question += f" about {subject}"
    return question + "?"


def _lower_common(text: str) -> str:
    """Lower-case ordinary title-cased words; keep acronyms and names with inner capitals."""
    return " ".join(w if (w.isupper() and len(w) > 1) else w.lower() for w in text.split())


def _subject(title: str, blocks: list[_Block]) -> str:
    """The document's subject: its title when short, else the term its own FAQ defines, else the
    title word the text repeats most."""
    title_words = [w for w in title.split() if w]
    if title and len(title_words) <= 4 and "?" not in title:
        return _lower_common(title)
    for block in blocks:
        if block.kind in ("q", "faq"):
            defined = re.match(r"^what (?:is|are) ([\w\s-]+?)\?$", block.text.strip(), re.I)
            if defined:
                return defined.group(1).strip().lower()
    counts = Counter()
    for block in blocks:
        counts.update(tokenize(block.text))
    candidates = [w for w in tokenize(title) if w not in STOPWORDS and len(w) > 3]
    if candidates:
        return max(candidates, key=lambda w: counts[w])
    return title.lower() or "this topic"


def _render(blocks: list[_Block]) -> str:
    """Answer text: paragraphs separated by blank lines, lists kept as '- item' lines."""
    parts = []
    for block in blocks:
        if block.kind == "list":
            parts.append("\n".join(f"- {item}" for item in block.items))
        elif block.kind in ("para", "a", "field"):
            parts.append(block.text)
        elif block.kind in ("label", "heading"):
            parts.append(block.text + ":")
    return "\n\n".join(p for p in parts if p).strip()


def _plain(text: str) -> str:
    """Markdown emphasis and links removed, spaces collapsed."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split())


def _key(text: str) -> str:
    return " ".join(tokenize(text))
