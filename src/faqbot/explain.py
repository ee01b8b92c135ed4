"""Why the bot answered as it did, as lines for staff and curious patients (``/why``, ``ask --explain``).

Built only from what the Reply already holds (its status, reason, rule and match), so the
explanation can never disagree with the decision it explains.
"""

from __future__ import annotations

from .bot import Reply, Status
from .matching.tuning import DEFAULT


def explain(reply: Reply, limit: int = 5) -> list[str]:
    """Lines that show why the bot answered as it did: the reason, corrections, synonyms, candidates."""
    threshold = reply.threshold if reply.threshold is not None else DEFAULT.answer_threshold
    lines = [f"status: {reply.status}  score: {reply.score:.1f}  (answer threshold {threshold:.0f})"]
    if reply.reason is not None:
        lines.append(f"reason: {reply.reason}")   # names the rule too, for an emergency or out of scope
    triage = reply.triage
    if triage is not None and reply.status is not Status.EMERGENCY:
        if triage.crisis:
            lines.append("crisis line added: " + ", ".join(f.id for f in triage.findings if f.crisis))
        for near in triage.near[:2]:
            lines.append(f"triage nearly flagged it ({near.id}): {near.why}")
    result = reply.match
    if result is None:
        if reply.status is Status.ANSWERED:
            lines.append("chosen from the options offered in the previous turn")
        return lines
    analysis = result.analysis
    if analysis.corrections:
        lines.append("spelling: " + ", ".join(f"{a} -> {b}" for a, b in analysis.corrections.items()))
    if analysis.synonyms:
        lines.append("synonyms: " + ", ".join(f"{a} -> {b}" for a, b in analysis.synonyms.items()))
    lines.append("terms: " + (" ".join(analysis.terms) or "(none)"))
    if result.unknown_terms:
        lines.append("unknown to every intent: " + " ".join(result.unknown_terms))
    for rank, candidate in enumerate(result.candidates[:limit], 1):
        lines.append(f"{rank}. {candidate.score:5.1f}  {candidate.intent.id}  via \"{candidate.phrasing}\""
                     f"  [{' '.join(candidate.matched_terms)}]")
    return lines


__all__ = ["explain"]
