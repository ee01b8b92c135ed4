"""Read a patient document (markdown, saved web page, plain text) into one model of blocks.

Three readers, one output, so that everything after parsing (section kinds, passages, questions)
is written once:

- **markdown** (``.md``, ``.markdown``) through markdown-it-py, the CommonMark parser MyST and
  mdformat use, with mdit-py-plugins' front matter: ATX and setext headings, nested lists, tables
  and ``faq:`` lists in the front matter all come from a real parser instead of line patterns;
- **HTML** (``.html``, ``.htm``: a page saved from a website) through the standard library's
  ``html.parser``. It is maintained with CPython, tolerant of the malformed markup real pages
  have, pure Python and linear; we only need headings, paragraphs, lists and tables in document
  order, which an event parser gives directly, so a tree builder (BeautifulSoup, lxml) would add
  a dependency without adding anything we use. Page furniture (``script``, ``style``, ``nav``,
  ``header``, ``footer``, ``aside``, ``form``, buttons) is skipped;
- **plain text** (``.txt``): paragraphs separated by blank lines, ``-``/``*``/numbered bullets,
  and heading-like lines (short, capitalised, no final full stop) recognised by shape. A ``.txt``
  file written in markdown (a site's pages saved as text, like the seed documents: front matter,
  ``### Usage`` headings, ``**Usage:**`` labels) is read as the markdown it is
  (:func:`looks_like_markdown`).

Every reader yields *raw* blocks: headings, paragraphs (lines of text segments, each marked bold
or not, which is how ``**Usage:**`` labels are told from text), lists (items with their nested
items) and tables; :func:`classify` then turns paragraphs into labels, fields (``Label: value``),
FAQ entries and ``Q:``/``A:`` blocks the same way for all three. Line numbers are 1-based and
true to the file, so provenance and ``check`` point at the right place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from ..errors import DataFileError
from ..yamlfile import LineDict, LineList, load_yaml, read_text

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
DOCUMENT_SUFFIXES = MARKDOWN_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES
MAX_HEADING_WORDS = 12
# Signs that a .txt file is markdown: front matter first, an ATX heading line ("### Usage"), or
# at least two lines opening with a bold label ("**Usage:**"). Plain text has none of them.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?:.*\n)*?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_BOLD_LABEL = re.compile(r"^ {0,3}(?:[-*+][ \t]+)?\*\*[^*\n]+\*\*", re.MULTILINE)

Segments = list[tuple[str, bool]]  # (text, bold) runs of one line


@dataclass
class Item:
    """One list item: its text, the bold label it starts with (``**Alcohol:** ...``), nested items."""

    text: str
    start: int
    end: int
    label: str = ""
    sub: list[str] = field(default_factory=list)
    question: str = ""   # an FAQ bullet: ``* **Can I ...?** answer``
    term: str = ""       # the bold words it starts with, read on as a sentence: ``**Peak flow** - you blow ...``


@dataclass
class Block:
    """A unit of a document. ``kind`` is one of:

    heading (``level`` 1-6; 0 when guessed from a plain-text line's shape), para, list (``items``),
    label (a bold or colon-ended line introducing what follows; ``text`` the label, ``answer`` the
    whole line when it says more than the label), field (``Label: value`` on one line: ``text``
    the label, ``answer`` the value), faq (``text`` the question, ``answer`` the answer, possibly
    empty when the answer follows as blocks), q, a.
    """

    kind: str
    text: str
    start: int
    end: int
    level: int = 0
    items: list[Item] = field(default_factory=list)
    answer: str = ""
    term: str = ""       # a paragraph's leading bold words, read on as a sentence: ``**Lactic acidosis** is ...``


@dataclass
class RawDocument:
    blocks: list[Block]
    title: str = ""          # from front matter or the HTML <title>
    faqs: list[Block] = field(default_factory=list)   # front-matter FAQ entries


def read_document(path: Path) -> RawDocument:
    """Parse one document by its suffix; an unknown suffix is an error, not an empty result."""
    path = Path(path)
    suffix = path.suffix.lower()
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")   # unreadable files say so first
    if suffix not in DOCUMENT_SUFFIXES:
        raise DataFileError(path, None, f"cannot read '{suffix or 'no suffix'}' documents "
                                        f"(faqbot reads {', '.join(DOCUMENT_SUFFIXES)})")
    if suffix in MARKDOWN_SUFFIXES or (suffix in TEXT_SUFFIXES and looks_like_markdown(text)):
        raw = _read_markdown(path, text)
    elif suffix in HTML_SUFFIXES:
        raw = _read_html(text)
    else:
        raw = RawDocument(_read_plain(text.split("\n")))
    raw.blocks = classify(raw.blocks)
    return raw


def looks_like_markdown(text: str) -> bool:
    """Whether a plain-text file is markdown in fact (front matter, a ``#`` heading, bold labels)."""
    return bool(_FRONT_MATTER.match(text) or _ATX_HEADING.search(text)
                or len(_BOLD_LABEL.findall(text, 0, 200_000)) >= 2)


# --- markdown --------------------------------------------------------------------------------------


@cache
def _markdown_parser():
    """One CommonMark parser (tables, front matter) for every document: building it took a tenth
    of reading a short page. ``parse`` keeps no state between documents."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


def _read_markdown(path: Path, text: str) -> RawDocument:
    tokens = _markdown_parser().parse(text)
    raw = RawDocument([])
    index = 0
    n = len(tokens)
    quotes = 0          # blockquotes open: their paragraphs are read like top-level ones
    while index < n:
        token = tokens[index]
        kind = token.type
        if kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        if kind == "front_matter":
            _front_matter(path, token, raw)
        elif kind == "heading_open":
            raw.blocks.append(Block("heading", _plain(_segments_of(tokens[index + 1])), token.map[0] + 1,
                                    token.map[1], level=int(token.tag[1])))
            index += 2
        elif kind == "paragraph_open" and token.level == 0:
            inline = tokens[index + 1]
            raw.blocks.append(_paragraph(_lines_of(inline), token.map[0] + 1))
            index += 2
        elif kind in ("bullet_list_open", "ordered_list_open") and token.level == 0:
            index = _list(tokens, index, raw.blocks)
            following = tokens[index] if index < n else None
            block = raw.blocks[-1]
            if (kind == "ordered_list_open" and following is not None and following.type == "hr"
                    and following.map[0] == token.map[1] and block.items and not block.items[-1].sub):
                # "1. How to take it" underlined with '---': a numbered setext heading, which
                # CommonMark reads as the last item of a list, then a rule.
                last = block.items.pop()
                heading = Block("heading", last.text, last.start, following.map[1], level=2)
                if block.items:
                    block.end = last.start - 1
                    raw.blocks.append(heading)
                else:
                    raw.blocks[-1] = heading
                index += 1
            continue
        elif kind == "table_open":
            index = _table(tokens, index, raw.blocks)
            continue
        elif kind in ("fence", "code_block") and token.content.strip():
            raw.blocks.append(Block("para", " ".join(token.content.split()), token.map[0] + 1, token.map[1]))
        elif kind == "paragraph_open" and quotes:
            inline = tokens[index + 1]
            raw.blocks.append(_paragraph(_lines_of(inline), token.map[0] + 1))
            index += 2
        index += 1
    source_lines = text.split("\n")
    for block in raw.blocks:
        # markdown-it's line ranges include the blank lines a list ends with
        while block.end > block.start and not source_lines[block.end - 1].strip():
            block.end -= 1
        for item in block.items:
            while item.end > item.start and not source_lines[item.end - 1].strip():
                item.end -= 1
    return raw


def _front_matter(path: Path, token, raw: RawDocument) -> None:
    """Title and a ``faq:`` list of {question, answer} (or {q, a}) from the YAML front matter."""
    offset = token.map[0] + 1     # the line of the opening '---'
    try:
        data = load_yaml(path, token.content)
    except DataFileError as exc:
        raise DataFileError(path, (exc.line or 0) + offset or None, f"front matter: {exc.message}") from None
    if not isinstance(data, LineDict):
        return
    title = data.get("title")
    if isinstance(title, str):
        raw.title = " ".join(title.split())
    faqs = data.get("faq") or data.get("faqs")
    if isinstance(faqs, LineList):
        for position, entry in enumerate(faqs):
            line = faqs.line_of(position) + offset
            if not isinstance(entry, LineDict):
                continue
            question, answer = _entry_text(entry, _FAQ_QUESTION_KEYS), _entry_text(entry, _FAQ_ANSWER_KEYS)
            if question and answer:
                last = max([line] + [entry.line_of(k) + offset for k in entry])
                raw.faqs.append(Block("faq", " ".join(question.split()), line, last, answer=" ".join(answer.split())))


# The keys a front-matter FAQ entry writes its question and answer under, however a site names them.
_FAQ_QUESTION_KEYS = ("question", "q")
_FAQ_ANSWER_KEYS = ("answer", "a")


def _entry_text(entry: dict, keys: tuple[str, ...]) -> str:
    """The text of the first of these keys (in any case) an entry has, or "" when none holds text."""
    for key, value in entry.items():
        if isinstance(key, str) and key.lower() in keys and isinstance(value, str) and value.strip():
            return value
    return ""


def _segments_of(inline) -> Segments:
    return [segment for line in _lines_of(inline) for segment in line + [(" ", False)]][:-1]


def _lines_of(inline) -> list[Segments]:
    """An inline token as lines of (text, bold) runs; emphasis and link markup are dropped."""
    lines: list[Segments] = [[]]
    bold = 0
    for child in inline.children or []:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold = max(0, bold - 1)
        elif kind in ("text", "code_inline", "html_inline"):
            if kind == "html_inline":
                continue
            lines[-1].append((child.content, bold > 0))
        elif kind in ("softbreak", "hardbreak"):
            lines.append([])
        elif kind == "image":
            lines[-1].append((child.content, bold > 0))
    return [line for line in lines if "".join(t for t, _ in line).strip()]


def _paragraph(lines: list[Segments], start: int) -> Block:
    block = Block("para", " ".join(_plain(line) for line in lines), start, start + max(0, len(lines) - 1))
    block.lines = lines  # type: ignore[attr-defined]  # read by classify, then dropped
    return block


def _list(tokens, index: int, blocks: list[Block]) -> int:
    """A top-level list and its nested lists: returns the index after its closing token."""
    opening = tokens[index]
    block = Block("list", "", opening.map[0] + 1, opening.map[1])
    depth = 0
    item: Item | None = None
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                break
        elif token.type == "list_item_open" and depth == 1:
            item = Item("", token.map[0] + 1, token.map[1])
            block.items.append(item)
        elif token.type == "inline" and item is not None:
            lines = _lines_of(token)
            if depth == 1:
                if not item.text and not item.label and not item.question:
                    _item_lead(item, lines)
                else:
                    item.text = (item.text + " " + " ".join(_plain(line) for line in lines)).strip()
            else:
                item.sub.append("  " * (depth - 2) + " ".join(_plain(line) for line in lines))
        index += 1
    blocks.append(block)
    return index + 1


def _item_lead(item: Item, lines: list[Segments]) -> None:
    """The first paragraph of an item: a bold question makes it an FAQ bullet, a bold label a facet."""
    first = lines[0] if lines else []
    text = " ".join(_plain(line) for line in lines)
    bold = _leading_bold(first)
    if bold:
        lead = _strip_q(bold)
        if lead.endswith("?"):
            item.question = lead
            item.text = _strip_a(text[len(_plain([(bold, True)])):].strip())
            return
        rest = text[len(_plain([(bold, True)])):].lstrip()
        if bold.rstrip().endswith(":") or rest.startswith(":"):
            item.label = bold.strip().rstrip(":").strip()
            item.text = rest.lstrip(":").strip()
            return
        item.term = bold.strip()
    item.text = text


def _table(tokens, index: int, blocks: list[Block]) -> int:
    """A table as a list: one item per body row, each cell named by its column header."""
    opening = tokens[index]
    header: list[str] = []
    rows: list[tuple[list[str], int]] = []
    row: list[str] | None = None
    in_head = False
    row_line = opening.map[0] + 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
            row_line = token.map[0] + 1 if token.map else row_line
        elif token.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                rows.append((row, row_line))
        elif token.type == "inline" and row is not None:
            row.append(_plain(_segments_of(token)))
        index += 1
    blocks.append(_table_block(header, rows, opening.map[0] + 1, opening.map[1]))
    return index + 1


def _table_block(header: list[str], rows: list[tuple[list[str], int]], start: int, end: int) -> Block:
    block = Block("list", "", start, end)
    for cells, line in rows:
        named = [f"{h}: {c}" if h and c else c for h, c in zip(header + [""] * len(cells), cells)]
        text = "; ".join(part for part in named if part and part.strip() not in ("-", ":"))
        if text:
            block.items.append(Item(text, line, line))
    return block


# --- HTML ------------------------------------------------------------------------------------------

_SKIPPED_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside",
                 "form", "button", "select", "iframe", "head"}
_VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "base", "embed"}
_PARAGRAPH_TAGS = {"p", "dt", "dd", "blockquote", "figcaption", "summary", "pre", "address"}


class _PageReader(HTMLParser):
    """Headings, paragraphs, lists and tables of a saved web page, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self._in_title = False
        self._skip: list[str] = []
        self._bold = 0
        self._text: list[Segments] | None = None     # the paragraph or heading being read
        self._text_tag = ""
        self._text_line = 0
        self._lists: list[tuple[Block, int]] = []    # open lists and their depth
        self._item: Item | None = None
        self._item_lines: list[Segments] | None = None
        self._sub: list[str] | None = None
        self._table: tuple[list[str], list[tuple[list[str], int]], int] | None = None
        self._cell: list[Segments] | None = None
        self._row: list[str] | None = None
        self._row_line = 0
        self._row_is_header = False
        self._details: list[int] = []                # open <details>: where their blocks begin

    # tags --------------------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag == "title" and not self._skip:
            self._in_title = True
        if self._skip or tag in _SKIPPED_TAGS:
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        if tag in ("strong", "b"):
            self._bold += 1
        elif tag == "br":
            self._newline()
        elif tag == "details":
            self._flush_text()
            self._details.append(len(self.blocks))
        elif re.fullmatch(r"h[1-6]", tag) or tag in _PARAGRAPH_TAGS:
            self._flush_text()
            self._text, self._text_tag, self._text_line = [[]], tag, line
        elif tag in ("ul", "ol", "dl") and tag != "dl":
            if self._item is not None and self._lists:
                self._sub = self._sub if self._sub is not None else []
            else:
                self._flush_text()
                self._lists.append((Block("list", "", line, line), 1))
        elif tag == "li":
            if self._item is not None and self._sub is not None:
                self._item_lines = [[]]      # a nested item: read into the parent's sub-items
            else:
                self._flush_text()
                if not self._lists:
                    self._lists.append((Block("list", "", line, line), 1))
                self._item = Item("", line, line)
                self._item_lines = [[]]
        elif tag == "table":
            self._flush_text()
            self._table = ([], [], line)
        elif tag == "tr" and self._table is not None:
            self._row, self._row_line, self._row_is_header = [], line, False
        elif tag in ("td", "th") and self._row is not None:
            self._cell = [[]]
            self._row_is_header = self._row_is_header or tag == "th"

    def handle_endtag(self, tag):
        line = self.getpos()[0]
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            if tag == "title":
                self._in_title = False
            return
        if tag == "title":
            self._in_title = False
        if tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag == self._text_tag and self._text is not None:
            self._flush_text(line)
        elif tag == "details" and self._details:
            self._flush_text(line)
            self._close_details(self._details.pop(), line)
        elif tag == "li" and self._item is not None:
            lines = [l for l in (self._item_lines or []) if _plain(l)]
            if self._sub is not None and self._item_lines is not None and self._item.text + self._item.label \
                    + self._item.question:
                if lines:
                    self._sub.append(" ".join(_plain(l) for l in lines))
                self._item_lines = None
            else:
                self._finish_item(lines, line)
        elif tag in ("ul", "ol"):
            if self._item is not None and self._sub is not None:
                self._item.sub.extend(self._sub)
                self._sub = None
                self._item_lines = []
            elif self._lists:
                block, _ = self._lists.pop()
                block.end = line
                if block.items:
                    self.blocks.append(block)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(_plain(l) for l in self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._row_is_header and not self._table[1]:
                self._table[0][:] = self._row
            else:
                self._table[1].append((self._row, self._row_line))
            self._row = None
        elif tag == "table" and self._table is not None:
            header, rows, start = self._table
            self.blocks.append(_table_block(header, rows, start, line))
            self._table = None

    def _close_details(self, first: int, line: int) -> None:
        """``<details><summary>Question?</summary><p>Answer</p></details>``, the way web pages
        write an FAQ: one entry whose answer is the disclosure's content, so that the text after
        it (the next question, the page's disclaimer) is never read as part of that answer."""
        inside = self.blocks[first:]
        if not inside or inside[0].kind != "faq" or inside[0].answer:
            return
        entry, content = inside[0], inside[1:]
        parts = []
        for block in content:
            if block.kind == "list":
                parts.append("\n".join("- " + ": ".join(t for t in (item.label, item.question, item.text) if t)
                                       for item in block.items))
            elif block.text:
                parts.append(block.text)
        if not parts:
            return
        entry.answer, entry.end = "\n\n".join(parts), line
        del self.blocks[first + 1:]

    def _finish_item(self, lines: list[Segments], line: int) -> None:
        item = self._item
        if item is None:
            return
        if lines and not (item.text or item.label or item.question):
            _item_lead(item, lines)
        elif lines:
            item.text = (item.text + " " + " ".join(_plain(l) for l in lines)).strip()
        item.end = line
        if self._lists and (item.text or item.question or item.label):
            self._lists[-1][0].items.append(item)
        self._item, self._item_lines = None, None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip or not data:
            return
        target = self._cell if self._cell is not None else self._item_lines if self._item_lines is not None \
            else self._text
        if target is None:
            if data.strip():       # text straight inside a <div> or <section>: a paragraph of its own
                self._text, self._text_tag, self._text_line = [[]], "", self.getpos()[0]
                target = self._text
            else:
                return
        parts = data.split("\n") if self._text_tag == "pre" else [data.replace("\n", " ")]
        for number, part in enumerate(parts):
            if number:
                target.append([])
            target[-1].append((part, self._bold > 0))

    def _newline(self) -> None:
        for target in (self._cell, self._item_lines, self._text):
            if target is not None:
                target.append([])
                return

    def _flush_text(self, end: int | None = None) -> None:
        if self._text is None:
            return
        lines = [l for l in self._text if _plain(l)]
        tag, start = self._text_tag, self._text_line
        self._text = None
        self._text_tag = ""
        if not lines:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.blocks.append(Block("heading", " ".join(_plain(l) for l in lines), start, end or start,
                                     level=int(tag[1])))
        elif tag == "summary" and self._details and _plain(lines[-1]).endswith("?"):
            # a disclosure's question: its answer is folded in when the <details> closes
            self.blocks.append(Block("faq", _strip_q(" ".join(_plain(l) for l in lines)), start, end or start))
        else:
            block = _paragraph(lines, start)
            block.end = max(block.end, end or start)
            self.blocks.append(block)

    def close(self):
        super().close()
        self._flush_text()
        while self._lists:
            block, _ = self._lists.pop()
            if block.items:
                self.blocks.append(block)


def _read_html(text: str) -> RawDocument:
    reader = _PageReader()
    reader.feed(text)
    reader.close()
    return RawDocument(reader.blocks, title=" ".join(reader.title.split()))


# --- plain text ------------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[*\-+\u2022\u25cf\u25aa]|\d+[.)])\s+(.*)$")
_INDENT = re.compile(r"^(\s*)")


_NAVIGATION = re.compile(r"\S(?:\s{3,}|\s[|>›»]\s)\S")


def _is_navigation(line: str) -> bool:
    """A menu or breadcrumb line: three or more short parts set apart by wide gaps or '|', '>'."""
    if not _NAVIGATION.search(line):
        return False
    parts = [p for p in re.split(r"\s{3,}|\s[|>›»]\s", line.strip()) if p.strip()]
    return len(parts) >= 3 and all(len(p.split()) <= 5 for p in parts)


def _read_plain(lines: list[str]) -> list[Block]:
    """Paragraphs and lists of a plain-text file; one pass over the lines (linear in its size)."""
    lines = ["" if _is_navigation(line) else line for line in lines]
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if _BULLET.match(lines[i]):
            block = Block("list", "", i + 1, i + 1)
            base = len(_INDENT.match(lines[i]).group(1))
            while i < n and lines[i].strip():
                bullet = _BULLET.match(lines[i])
                indent = len(_INDENT.match(lines[i]).group(1))
                if bullet and indent > base and block.items:
                    block.items[-1].sub.append(bullet.group(1).strip())
                elif bullet:
                    item = Item("", i + 1, i + 1)
                    _item_lead(item, [_plain_segments(bullet.group(1))])
                    block.items.append(item)
                else:
                    block.items[-1].text = (block.items[-1].text + " " + lines[i].strip()).strip()
                block.items[-1].end = i + 1
                i += 1
            block.end = i
            blocks.append(block)
            continue
        start = i
        body = []
        while i < n and lines[i].strip() and not _BULLET.match(lines[i]):
            body.append(_plain_segments(lines[i].strip()))
            i += 1
        if len(body) > 1 and _glued_heading(lines[start].strip(), lines[start + 1].strip()):
            # "A quick note from us" directly above its text, with no blank line between.
            blocks.append(_paragraph(body[:1], start + 1))
            body, start = body[1:], start + 1
        block = _paragraph(body, start + 1)
        block.end = i
        blocks.append(block)
    return _mark_plain_headings(blocks)


def _glued_heading(first: str, second: str) -> bool:
    """A heading-shaped first line of a paragraph whose next line is much longer: hard-wrapped
    prose has lines of about the same length, a heading is short."""
    return (len(first.split()) <= 8 and first[-1:] not in ".!,:;?" and first[:1].isupper()
            and not re.match(r"^(?:Q|A)\s*[:.]", first) and len(second) > 1.5 * len(first))


def _plain_segments(text: str) -> Segments:
    """A plain-text line; ``**bold**`` written in a text file still marks a label."""
    parts = re.split(r"\*\*(.+?)\*\*", text)
    return [(part, index % 2 == 1) for index, part in enumerate(parts) if part]


def _mark_plain_headings(blocks: list[Block]) -> list[Block]:
    """In plain text, a short one-line paragraph without a final full stop, capitalised and
    followed by more text, is a heading; so is one in capitals ending with a colon ("LIFESTYLE
    CHANGES:"), where a colon after ordinary words introduces a list ("Symptoms include:")."""
    for index, block in enumerate(blocks):
        if block.kind != "para" or block.start != block.end:
            continue
        words = block.text.split()
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        capitals = block.text.endswith(":") and block.text.rstrip(": ").isupper()
        if (len(words) <= MAX_HEADING_WORDS and (block.text[-1:] not in ".!,:;" or capitals)
                and block.text[:1].isupper() and not re.match(r"^(?:Q|A)\s*[:.]", block.text) and following is not None):
            block.kind = "heading"
            block.level = 0
            if block.text.isupper():    # "CAUSES AND RISK FACTORS:" is shouted, not a name
                block.text = block.text.rstrip(": ").capitalize()
    return blocks


# --- classification of paragraphs --------------------------------------------------------------------

_Q_LINE = re.compile(r"^\s*Q\s*[:.]\s*(.+)$")
_A_LINE = re.compile(r"^\s*A\s*[:.]\s*(.*)$")
_PLAIN_FIELD = re.compile(r"^([A-Z][A-Za-z' /()-]{1,40}?):\s+(\S.*)$")
_MAX_LABEL_WORDS = 24


def classify(blocks: list[Block]) -> list[Block]:
    """Paragraphs become labels, fields, FAQ entries, Q/A blocks or stay paragraphs."""
    result: list[Block] = []
    for block in blocks:
        lines = getattr(block, "lines", None)
        if block.kind != "para" or lines is None:
            result.append(block)
            continue
        del block.lines
        if lines and block.text.strip():
            result.extend(_classify_paragraph(block, lines))
    return result


def _classify_paragraph(block: Block, lines: list[Segments]) -> list[Block]:
    texts = [_plain(line) for line in lines]
    first = lines[0]
    bold = _leading_bold(first)
    whole = " ".join(texts)
    # Q: / A: lines, possibly several in one paragraph
    if _Q_LINE.match(texts[0]) or _A_LINE.match(texts[0]):
        out: list[Block] = []
        for offset, text in enumerate(texts):
            line = block.start + offset
            q, a = _Q_LINE.match(text), _A_LINE.match(text)
            if q:
                out.append(Block("q", q.group(1).strip(), line, line))
            elif a:
                out.append(Block("a", a.group(1).strip(), line, line))
            elif out:
                out[-1].text = (out[-1].text + " " + text).strip()
                out[-1].end = line
        if out:
            return out
    if bold:
        lead = _strip_q(bold)
        rest = whole[len(_plain([(bold, True)])):].strip()
        if lead.endswith("?"):
            return [Block("faq", lead, block.start, block.end, answer=_strip_a(rest))]
        label = bold.strip().rstrip(":").strip()
        ends_label = bold.rstrip().endswith(":") or rest.startswith(":")
        if not rest or (len(whole.split()) <= _MAX_LABEL_WORDS and whole.rstrip().endswith(":")):
            return [Block("label", label, block.start, block.end, answer=whole.rstrip(":").strip() if rest else "")]
        if ends_label and len(label.split()) <= _MAX_LABEL_WORDS:
            if len(lines) > 1 and all(_leading_bold(line) for line in lines[1:]):
                return [_field_of(line, block.start + offset) for offset, line in enumerate(lines)]
            return [Block("field", label, block.start, block.end, answer=rest.lstrip(":").strip())]
    # plain "Label: value" lines (Brand names: ..., Available as: ...)
    fields = [_PLAIN_FIELD.match(text) for text in texts]
    if all(fields) and all(len(m.group(1).split()) <= 4 for m in fields):
        if len(texts) == 1:
            return [Block("field", fields[0].group(1).strip(), block.start, block.end,
                          answer=fields[0].group(2).strip(), level=-1)]
        return [Block("field", m.group(1).strip(), block.start + offset, block.start + offset,
                      answer=m.group(2).strip(), level=-1) for offset, m in enumerate(fields)]
    block.text = whole
    block.term = bold.strip() if bold else ""
    return [block]


def _field_of(line: Segments, number: int) -> Block:
    bold = _leading_bold(line)
    text = _plain(line)
    rest = text[len(_plain([(bold, True)])):].strip().lstrip(":").strip()
    return Block("field", bold.strip().rstrip(":").strip(), number, number, answer=rest)


def _leading_bold(line: Segments) -> str:
    """The bold text a line starts with ('' when it does not start bold)."""
    parts = []
    for text, bold in line:
        if not parts and not text.strip():
            continue
        if not bold:
            break
        parts.append(text)
    return "".join(parts).strip()


def _strip_q(text: str) -> str:
    return re.sub(r"^\s*Q\s*[:.]\s*", "", text).strip()


def _strip_a(text: str) -> str:
    return re.sub(r"^\s*A\s*[:.]\s*", "", text).strip()


def _plain(line) -> str:
    """Text of a line of segments (or a string), spaces collapsed."""
    if isinstance(line, str):
        return " ".join(line.split())
    return " ".join("".join(text for text, _ in line).split())
