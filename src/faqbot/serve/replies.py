"""A Reply as the API's JSON: the one place that decides what the web sees of an answer.

The page shows ``answer`` with the suggestions (or the "see also") as buttons under it, the
citation under that and the disclaimer last, so ``answer`` leaves out what comes in its own fields: the disclaimer, the source
line and the numbered suggestion lines. ``text`` keeps the whole reply as a terminal shows it.
"""

from __future__ import annotations

from ..bot import Reply


def reply_json(reply: Reply, session_id: str, restarted: bool, disclaimer: str, emergency_message: str,
               emergency_number: str, tel: str) -> dict:
    status = reply.status.value
    body = reply.text
    if body.endswith(disclaimer):
        body = body[: len(body) - len(disclaimer)].rstrip()
    if status == "answered" and reply.intent is not None:
        answer = reply.intent.answer
    else:
        numbered = {f"  {n}. {text}" for n, text in enumerate(reply.suggestions, 1)}
        answer = "\n".join(line for line in body.splitlines() if line not in numbered)
    emergency = None
    if status == "emergency":
        emergency = {"message": emergency_message, "number": emergency_number, "tel": "tel:" + tel}
        if answer.startswith(emergency_message):
            answer = answer[len(emergency_message):].lstrip("\n")
    return {
        "session_id": session_id,
        "session_restarted": restarted,
        "status": status,
        "text": reply.text,
        "answer": answer,
        "disclaimer": disclaimer,
        "source": reply.source,
        "citation": reply.citation,
        "intent": reply.intent.id if reply.intent is not None else None,
        "score": round(reply.score, 1),
        "suggestions": [{"number": n, "text": text} for n, text in enumerate(reply.suggestions, 1)],
        # A close runner-up of an answer; its number answers it, like a suggestion's.
        "see_also": [{"number": n, "text": intent.question} for n, intent in enumerate(reply.see_also, 1)],
        "emergency": emergency,
        "reason": reply.reason.text if reply.reason is not None else None,
    }
