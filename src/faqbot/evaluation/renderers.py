"""Render a coverage Report: a terminal table, JSON, JUnit XML or one self-contained HTML page.

Renderers return text and never print; cli.py decides where it goes and whether the terminal gets
colour. Everything that came from a test file or an intent passes through ``printable`` (text)
or is escaped (XML, HTML), so no utterance can drive a terminal or break a page.

JSON keys (stable; new keys may be added, none renamed or removed):
  format_version, generated (UTC date and time), faqbot_version, intents_folder, kind ("tests" | "self-check"), sources, threshold, near_miss_margin,
  total, passed, accuracy, fallbacks, fallback_rate,
  intents / statuses: [{label, topic, support, predicted, correct, precision, recall, f1,
                        confused_with: [{label, count, utterances: [{say, where}]}]}],
  confused_pairs: [{a, b, a_as_b, b_as_a, count}],
  near_misses, failures, cases: [{where, dialogue, turn, say, expect, got, status, score,
                                  runner_up, runner_up_score, margin, passed}],
  score_bins: [{low, high, right, wrong}],
  unreached: [{id, support}], unknown_expectations: [{where, say, expect}],
  confusion: {labels, matrix}  (matrix[expected][got]),
  self_check: null | {thin: [{id, examples}], duplicates: [{a, a_text, b, b_text, similarity}],
                      canonical_misses: [case]},
  rule_cases: {total, passed, failed: [{layer, rule, message, expected ("fires" | "never"), got}]}
Ratios are 0-1 floats rounded to 4 places; precision/recall/f1 are null when undefined.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from .report import LabelStats, Report
from .runs import CaseResult
from ..display import json_printable, one_line, printable

FORMAT_VERSION = 1
FORMATS = ("text", "json", "junit", "html")


def render(report: Report, fmt: str, colour: bool = False) -> str:
    if fmt == "text":
        return render_text(report, colour)
    if fmt == "json":
        return render_json(report)
    if fmt == "junit":
        return render_junit(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown coverage format {fmt!r}")


def summary_line(report: Report) -> str:
    what = "held-out examples" if report.kind == "self-check" else "test utterances"
    return (f"accuracy {_percent(report.accuracy)} ({report.passed} of {report.total} {what}), "
            f"fallback rate {_percent(report.fallback_rate)}")


# --- JSON ----------------------------------------------------------------------------------


def to_data(report: Report) -> dict:
    """The report as plain data: the documented JSON keys (see the module docstring)."""
    labels, matrix = report.confusion()
    check = report.self_check
    return {
        "format_version": FORMAT_VERSION,
        **provenance(report),
        "kind": report.kind,
        "sources": list(report.sources),
        "threshold": report.threshold,
        "near_miss_margin": report.near_miss_margin,
        "total": report.total,
        "passed": report.passed,
        "accuracy": _ratio(report.accuracy),
        "fallbacks": report.fallbacks,
        "fallback_rate": _ratio(report.fallback_rate),
        "intents": [_label_data(s) for s in report.intent_stats],
        "statuses": [_label_data(s) for s in report.status_stats],
        "confused_pairs": [{"a": p.a, "b": p.b, "a_as_b": p.a_as_b, "b_as_a": p.b_as_a, "count": p.count}
                           for p in report.confused_pairs],
        "near_misses": [_case_data(r) for r in report.near_misses],
        "failures": [_case_data(r) for r in report.failures],
        "score_bins": [{"low": b.low, "high": b.high, "right": b.right, "wrong": b.wrong} for b in report.score_bins],
        "unreached": [{"id": s.label, "support": s.support} for s in report.unreached],
        "unknown_expectations": [{"where": r.utterance.where, "say": r.utterance.say, "expect": r.utterance.expect}
                                 for r in report.unknown],
        "confusion": {"labels": labels, "matrix": matrix},
        "cases": [_case_data(r) for r in report.results],
        "self_check": None if check is None else {
            "thin": [{"id": i, "examples": n} for i, n in check.thin],
            "duplicates": [{"a": d.a, "a_text": d.a_text, "b": d.b, "b_text": d.b_text, "similarity": d.similarity}
                           for d in check.duplicates],
            "canonical_misses": [_case_data(r) for r in check.canonical_misses],
        },
        "rule_cases": {"total": len(report.rule_cases), "passed": len(report.rule_cases) - len(report.failed_rule_cases),
                       "failed": [{"layer": c.layer, "rule": c.rule, "message": c.message, "expected": c.expected,
                                   "got": c.got} for c in report.failed_rule_cases]},
    }


def provenance(report: Report) -> dict:
    """When, by which faqbot, on which intents folder: a report read later says what it measured."""
    from .. import __version__

    folder = report.intent_set.folder
    return {"generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "faqbot_version": __version__, "intents_folder": str(folder) if folder is not None else None}


def provenance_line(report: Report) -> str:
    """'faqbot 1.0.0 on intents folder intents, 2026-12-02T03:08:10+00:00' (text and HTML reports)."""
    meta = provenance(report)
    return (f"faqbot {meta['faqbot_version']} on intents folder {_safe(meta['intents_folder'] or '(intents)')}, "
            f"{meta['generated']}")


def render_json(report: Report) -> str:
    return json_printable(json.dumps(to_data(report), ensure_ascii=False, indent=2)) + "\n"


def _label_data(stats: LabelStats) -> dict:
    return {"label": stats.label, "topic": stats.topic, "support": stats.support, "predicted": stats.predicted,
            "correct": stats.correct, "precision": _ratio(stats.precision), "recall": _ratio(stats.recall),
            "f1": _ratio(stats.f1),
            "confused_with": [{"label": label, "count": len(results),
                               "utterances": [{"say": r.utterance.say, "where": r.utterance.where} for r in results]}
                              for label, results in _confusions(stats)]}


def _case_data(result: CaseResult) -> dict:
    return {"where": result.utterance.where, "dialogue": result.dialogue, "turn": result.turn,
            "say": result.utterance.say, "expect": result.utterance.expect, "got": result.got,
            "status": result.status, "score": result.score, "runner_up": result.runner_up,
            "runner_up_score": result.runner_up_score, "margin": result.margin, "passed": result.passed}


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _confusions(stats: LabelStats) -> list[tuple[str, list[CaseResult]]]:
    return sorted(stats.confused_with.items(), key=lambda item: (-len(item[1]), item[0]))


# --- terminal text -------------------------------------------------------------------------


class _Style:
    """ANSI styling that is a no-op without colour, so the layout code has one path."""

    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def bold(self, text: str) -> str:
        return self(text, "1")

    def ratio(self, value: float | None, width: int) -> str:
        cell = "-" if value is None else f"{value:.2f}"
        cell = cell.rjust(width)
        if value is None:
            return self(cell, "2")
        return self(cell, "32" if value >= 0.9 else "33" if value >= 0.7 else "31")


def render_text(report: Report, colour: bool = False) -> str:
    style = _Style(colour)
    lines = [style.bold(f"faqbot coverage ({report.kind}): " + _safe(", ".join(report.sources))),
             provenance_line(report),
             summary_line(report) + f", answer threshold {report.threshold:g}", ""]
    lines += _label_table(report, style)
    failures = report.failures
    if failures:
        lines += ["", style.bold(f"failing utterances ({len(failures)}), by expected label:")]
        for result in sorted(failures, key=lambda r: (r.utterance.expect, r.utterance.where)):
            lines.append(f"  {result.utterance.expect} <- {_quote(result.utterance.say)}")
            lines.append(f"      got {result.got} (score {result.score:g})  {_safe(result.utterance.where)}")
    pairs = report.confused_pairs
    if pairs:
        lines += ["", style.bold("most confused intent pairs:")]
        for pair in pairs:
            lines.append(f"  {pair.count:3}  {pair.a} <-> {pair.b}  "
                         f"({pair.a_as_b} answered as {pair.b}, {pair.b_as_a} as {pair.a})")
    near = report.near_misses
    if near:
        lines += ["", style.bold(f"near misses (right, but the runner-up within {report.near_miss_margin:g} points):")]
        for result in near:
            lines.append(f"  {_quote(result.utterance.say)}  {result.got} {result.score:g} vs "
                         f"{result.runner_up} {result.runner_up_score:g}  {_safe(result.utterance.where)}")
    lines += ["", style.bold("score distribution (replies that went through matching):")]
    lines += _histogram(report, style)
    unreached = report.unreached
    if unreached:
        lines += ["", style.bold("intents no test reaches:")]
        for stats in unreached:
            why = "no test expects it" if not stats.support else f"all {stats.support} of its tests went elsewhere"
            lines.append(f"  {stats.label}: {why}")
    if report.unknown:
        lines += ["", style.bold("tests expecting an intent that does not exist:")]
        for result in report.unknown:
            lines.append(f"  {_safe(result.utterance.where)}: {_quote(result.utterance.say)} expects "
                         f"'{_safe(result.utterance.expect)}'")
    if report.self_check is not None:
        lines += _self_check_text(report, style)
    if report.rule_cases:
        failed = report.failed_rule_cases
        lines += ["", style.bold(f"rule cases (beside the triage and scope rules): "
                                 f"{len(report.rule_cases) - len(failed)} of {len(report.rule_cases)} pass")]
        for case in failed:
            expected = "its rule to meet it" if case.expected == "fires" else "no emergency"
            lines.append(f"  {_safe(case.layer)} {_safe(case.rule)} ({case.expected}): {_quote(case.message)} "
                         f"expected {expected}, got {_safe(case.got)}")
    return "\n".join(lines) + "\n"


def _label_table(report: Report, style: _Style) -> list[str]:
    rows = report.intent_stats + [s for s in report.status_stats if s.support or s.predicted]
    width = min(max([len(s.label) for s in rows] + [6]), 40)
    header = f"{'label':<{width}}  {'support':>7}  {'precision':>9}  {'recall':>6}  {'f1':>5}  confused with"
    lines = [style.bold(header)]
    for stats in rows:
        if stats is report.status_stats[0] or (stats.kind == "status" and rows[rows.index(stats) - 1].kind == "intent"):
            lines.append(style("-" * len(header), "2"))
        confused = ", ".join(f"{label} ({len(results)})" for label, results in _confusions(stats)[:3])
        lines.append(f"{stats.label[:width]:<{width}}  {stats.support:>7}  {style.ratio(stats.precision, 9)}  "
                     f"{style.ratio(stats.recall, 6)}  {style.ratio(stats.f1, 5)}  {confused}".rstrip())
    return lines


def _histogram(report: Report, style: _Style) -> list[str]:
    bins = report.score_bins
    peak = max([b.right for b in bins] + [b.wrong for b in bins] + [1])
    scale = 30 / peak
    lines = [f"  {'score':>7}  {'right':>5} {'':30}  {'wrong':>5}"]
    for b in bins:
        if b.low <= report.threshold < b.high or (b.high == 100 and report.threshold == 100):
            lines.append(style(f"  {'-' * 7}  answer threshold {report.threshold:g} falls in {b.low}-{b.high} "
                               + "-" * 20, "36"))
        right = style("#" * round(b.right * scale), "32")
        wrong = style("#" * round(b.wrong * scale), "31")
        pad = " " * (30 - round(b.right * scale))
        lines.append(f"  {b.low:>3}-{b.high:<3}  {b.right:>5} {right}{pad}  {b.wrong:>5} {wrong}".rstrip())
    return lines


def _self_check_text(report: Report, style: _Style) -> list[str]:
    check = report.self_check
    lines = []
    if check.thin:
        lines += ["", style.bold("thin intents (fewer than 5 examples):")]
        lines += [f"  {intent_id}: {count} example{'s' if count != 1 else ''}" for intent_id, count in check.thin]
    if check.duplicates:
        lines += ["", style.bold("near-duplicate phrasings across intents (the matcher cannot tell them apart):")]
        for d in check.duplicates:
            lines.append(f"  {d.similarity:5.1f}  {d.a}: {_quote(d.a_text)}")
            lines.append(f"         {d.b}: {_quote(d.b_text)}")
    if check.canonical_misses:
        lines += ["", style.bold("canonical questions that do not reach their intent:")]
        for result in check.canonical_misses:
            lines.append(f"  {result.utterance.expect}: {_quote(result.utterance.say)} -> {result.got} "
                         f"(score {result.score:g})")
    if not (check.thin or check.duplicates or check.canonical_misses):
        lines += ["", "no thin intents, near-duplicates or canonical misses"]
    return lines


def _quote(text: str) -> str:
    return '"' + one_line(text, 100) + '"'


def _safe(text: str) -> str:
    return one_line(text, 200)


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


# --- JUnit XML -----------------------------------------------------------------------------

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text an XML 1.0 document can hold: controls made visible, other invalid characters dropped."""
    return _XML_INVALID.sub("", printable(str(text)))


def render_junit(report: Report) -> str:
    """One testcase per utterance, one testsuite per test file (per intent for a self-check)."""
    suites: dict[str, list[CaseResult]] = {}
    for result in report.results:
        key = result.utterance.expect if report.kind == "self-check" else str(result.utterance.path)
        suites.setdefault(key, []).append(result)
    meta = provenance(report)
    root = ET.Element("testsuites", name=f"faqbot coverage ({report.kind})", tests=str(len(report.results)),
                      failures=str(len(report.failures)), errors=str(len(report.unknown)), timestamp=meta["generated"])
    properties = ET.SubElement(root, "properties")
    for key in ("faqbot_version", "intents_folder"):
        ET.SubElement(properties, "property", name=key, value=_xml(meta[key] or ""))
    for name, results in suites.items():
        failures = sum(1 for r in results if r.known and not r.passed)
        errors = sum(1 for r in results if not r.known)
        suite = ET.SubElement(root, "testsuite", name=_xml(name), tests=str(len(results)),
                              failures=str(failures), errors=str(errors), skipped="0", time="0")
        for result in results:
            _testcase(suite, report, result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(suite: ET.Element, report: Report, result: CaseResult) -> None:
    utterance = result.utterance
    if report.kind == "self-check":
        classname, name = f"self-check.{utterance.expect}", f"example: {utterance.say}"
    else:
        classname = "coverage." + re.sub(r"[^\w.-]+", "_", utterance.path.stem)
        turn = f" turn {result.turn}" if result.turn > 1 or _in_conversation(report, result) else ""
        name = f"line {utterance.line}{turn}: {utterance.say}"
    case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=_xml(name), time="0")
    if getattr(utterance, "path", None) is not None and getattr(utterance, "line", None):
        case.set("file", _xml(str(utterance.path)))     # read by CI annotators (GitLab, GitHub reporters)
        case.set("line", str(utterance.line))
    detail = (f"{utterance.where}\nsay: {utterance.say}\nexpect: {utterance.expect}\ngot: {result.got} "
              f"(status {result.status}, score {result.score:g})")
    if result.runner_up:
        detail += f"\nrunner-up: {result.runner_up} ({result.runner_up_score:g})"
    if not result.known:
        error = ET.SubElement(case, "error", type="unknown-intent",
                              message=_xml(f"expects '{utterance.expect}', which is not an intent"))
        error.text = _xml(detail)
    elif not result.passed:
        failure = ET.SubElement(case, "failure", type="wrong-answer",
                                message=_xml(f"expected {utterance.expect}, got {result.got} (score {result.score:g})"))
        failure.text = _xml(detail)


def _in_conversation(report: Report, result: CaseResult) -> bool:
    return sum(1 for r in report.results if r.dialogue == result.dialogue) > 1


# --- HTML ----------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2430;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dde6;padding-bottom:.2rem}
table{border-collapse:collapse;font-size:.9rem}th,td{padding:.25rem .5rem;border:1px solid #d8dde6;text-align:left;vertical-align:top}
th{background:#f1f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.good{background:#dff3e4}.fair{background:#fff3cd}.poor{background:#f8d7da}.none{color:#8a93a3}
.summary span{display:inline-block;margin-right:2rem;font-size:1.1rem}
table.matrix td{width:1.8rem;height:1.8rem;padding:0;text-align:center;font-size:.8rem}
table.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
table.matrix th.row{white-space:nowrap;font-weight:normal;text-align:right}
.bar{display:inline-block;height:.8rem;vertical-align:middle}.right{background:#3c9a5f}.wrong{background:#c8414b}
tr.threshold td{border-top:3px solid #1f6feb}
code,.say{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
"""


def render_html(report: Report) -> str:
    """One page, no scripts or network assets: summary, per-intent table, confusion heat map, details."""
    e = _html
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>faqbot coverage: {e(summary_line(report))}</title>", f"<style>{_CSS}</style></head><body>",
             f"<h1>faqbot coverage ({e(report.kind)})</h1>",
             f"<p>{e(', '.join(report.sources))}</p>",
             f'<p class="provenance">{e(provenance_line(report))}</p>',
             '<p class="summary">'
             f"<span>accuracy <b>{_percent(report.accuracy)}</b> ({report.passed}/{report.total})</span>"
             f"<span>fallback rate <b>{_percent(report.fallback_rate)}</b></span>"
             f"<span>answer threshold <b>{report.threshold:g}</b></span></p>"]
    parts += _html_label_table(report)
    parts += _html_matrix(report)
    parts += _html_failures(report)
    parts += _html_pairs_and_near_misses(report)
    parts += _html_histogram(report)
    parts += _html_lists(report)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _html(text) -> str:
    return html.escape(printable(str(text)), quote=True)


def _html_ratio(value: float | None) -> str:
    if value is None:
        return '<td class="num none">-</td>'
    grade = "good" if value >= 0.9 else "fair" if value >= 0.7 else "poor"
    return f'<td class="num {grade}">{value:.2f}</td>'


def _html_label_table(report: Report) -> list[str]:
    rows = report.intent_stats + [s for s in report.status_stats if s.support or s.predicted]
    parts = ['<h2>Per intent</h2>', '<table class="intents"><thead><tr><th>intent</th><th>topic</th>'
             '<th>support</th><th>precision</th><th>recall</th><th>F1</th><th>confused with</th></tr></thead><tbody>']
    for stats in rows:
        confused = "<br>".join(
            f"<b>{_html(label)}</b> ({len(results)}): " + "; ".join(
                f'<span class="say">{_html(r.utterance.say)}</span>' for r in results)
            for label, results in _confusions(stats))
        parts.append(f"<tr><td>{_html(stats.label)}</td><td>{_html(stats.topic or stats.kind)}</td>"
                     f'<td class="num">{stats.support}</td>{_html_ratio(stats.precision)}'
                     f"{_html_ratio(stats.recall)}{_html_ratio(stats.f1)}<td>{confused}</td></tr>")
    parts.append("</tbody></table>")
    return parts


def _html_matrix(report: Report) -> list[str]:
    labels, matrix = report.confusion()
    parts = ["<h2>Confusion matrix</h2>",
             "<p>Rows: what the test expected; columns: what the bot answered. Darker is more; "
             "off the diagonal is wrong.</p>", '<table class="matrix"><thead><tr><th></th>']
    parts += [f'<th class="col">{_html(label)}</th>' for label in labels]
    parts.append("</tr></thead><tbody>")
    peak = max([max(row) for row in matrix] + [1])
    for i, label in enumerate(labels):
        cells = []
        for j, count in enumerate(matrix[i]):
            if count:
                alpha = 0.15 + 0.85 * count / peak
                colour = f"rgba(60,154,95,{alpha:.2f})" if i == j else f"rgba(200,65,75,{alpha:.2f})"
                title = f"expected {label}, got {labels[j]}: {count}"
                cells.append(f'<td style="background:{colour}" title="{_html(title)}">{count}</td>')
            else:
                cells.append("<td></td>")
        parts.append(f'<tr><th class="row">{_html(label)}</th>{"".join(cells)}</tr>')
    parts.append("</tbody></table>")
    return parts


def _html_failures(report: Report) -> list[str]:
    failures = report.failures
    if not failures:
        return ["<h2>Failing utterances</h2><p>None.</p>"]
    rows = []
    for r in sorted(failures, key=lambda r: (r.utterance.expect, r.utterance.where)):
        runner = f"{_html(r.runner_up)} ({r.runner_up_score:g})" if r.runner_up else ""
        rows.append(f'<tr><td>{_html(r.utterance.expect)}</td><td class="say">{_html(r.utterance.say)}</td>'
                    f'<td>{_html(r.got)}</td><td class="num">{r.score:g}</td><td>{runner}</td>'
                    f"<td><code>{_html(r.utterance.where)}</code></td></tr>")
    return [f"<h2>Failing utterances ({len(failures)})</h2>",
            _html_table(["expected", "said", "got", "score", "runner-up", "where"], rows)]


def _html_table(headers: list[str], rows: list[str]) -> str:
    """A table from its column labels and its rendered ``<tr>`` rows, or a plain "None." line."""
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{label}</th>" for label in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"


def _html_pairs_and_near_misses(report: Report) -> list[str]:
    pairs = [f'<tr><td class="num">{p.count}</td><td>{_html(p.a)}</td><td>{_html(p.b)}</td>'
             f'<td class="num">{p.a_as_b}</td><td class="num">{p.b_as_a}</td></tr>' for p in report.confused_pairs]
    near = [f'<tr><td class="say">{_html(r.utterance.say)}</td><td>{_html(r.got)} ({r.score:g})</td>'
            f"<td>{_html(r.runner_up)} ({r.runner_up_score:g})</td>"
            f'<td class="num">{r.margin:g}</td><td><code>{_html(r.utterance.where)}</code></td></tr>'
            for r in report.near_misses]
    return ["<h2>Most confused intent pairs</h2>",
            _html_table(["count", "a", "b", "a answered as b", "b answered as a"], pairs),
            f"<h2>Near misses (right, runner-up within {report.near_miss_margin:g} points)</h2>",
            _html_table(["said", "answer", "runner-up", "margin", "where"], near)]


def _html_histogram(report: Report) -> list[str]:
    bins = report.score_bins
    peak = max([b.right for b in bins] + [b.wrong for b in bins] + [1])
    parts = ["<h2>Score distribution</h2>",
             f"<p>Replies that went through matching; the marked row holds the answer threshold "
             f"({report.threshold:g}): below it the bot falls back.</p>",
             '<table class="histogram"><thead><tr><th>score</th><th>right</th><th></th><th>wrong</th>'
             "<th></th></tr></thead><tbody>"]
    for b in bins:
        marked = b.low <= report.threshold < b.high
        label = f"{b.low}-{b.high}" + (f" &#9664; threshold {report.threshold:g}" if marked else "")
        parts.append(f"<tr{' class=threshold' if marked else ''}><td>{label}</td><td class=\"num\">{b.right}</td>"
                     f'<td><span class="bar right" style="width:{12 * b.right / peak:.2f}rem"></span></td>'
                     f'<td class="num">{b.wrong}</td>'
                     f'<td><span class="bar wrong" style="width:{12 * b.wrong / peak:.2f}rem"></span></td></tr>')
    parts.append("</tbody></table>")
    return parts


def _html_lists(report: Report) -> list[str]:
    parts = ["<h2>Intents no test reaches</h2>"]
    if report.unreached:
        parts.append("<ul>" + "".join(
            f"<li>{_html(s.label)}: " + ("no test expects it" if not s.support
                                          else f"all {s.support} of its tests went elsewhere") + "</li>"
            for s in report.unreached) + "</ul>")
    else:
        parts.append("<p>None.</p>")
    if report.unknown:
        parts.append("<h2>Tests expecting an intent that does not exist</h2><ul>" + "".join(
            f'<li><code>{_html(r.utterance.where)}</code> <span class="say">{_html(r.utterance.say)}</span> '
            f"expects {_html(r.utterance.expect)}</li>" for r in report.unknown) + "</ul>")
    check = report.self_check
    if check is not None:
        parts.append("<h2>Thin intents (fewer than 5 examples)</h2>")
        parts.append("<ul>" + "".join(f"<li>{_html(i)}: {n}</li>" for i, n in check.thin) + "</ul>"
                     if check.thin else "<p>None.</p>")
        parts.append("<h2>Near-duplicate phrasings across intents</h2>")
        parts.append(_html_table(["similarity", "intent", "phrasing", "intent", "phrasing"], [
            f'<tr><td class="num">{d.similarity:g}</td><td>{_html(d.a)}</td><td class="say">{_html(d.a_text)}</td>'
            f'<td>{_html(d.b)}</td><td class="say">{_html(d.b_text)}</td></tr>' for d in check.duplicates]))
        parts.append("<h2>Canonical questions that do not reach their intent</h2>")
        parts.append("<ul>" + "".join(
            f'<li>{_html(r.utterance.expect)}: <span class="say">{_html(r.utterance.say)}</span> '
            f"&rarr; {_html(r.got)} ({r.score:g})</li>" for r in check.canonical_misses) + "</ul>"
                     if check.canonical_misses else "<p>None.</p>")
    return parts
