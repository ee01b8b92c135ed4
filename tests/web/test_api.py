"""The HTTP API through Starlette's TestClient: every status, error and limit, the reply's JSON,
sessions, headers and CORS. The browser tests (test_page.py) use the same app through uvicorn."""

from __future__ import annotations

import json
import logging

import pytest

from faqbot.serve.app import ApiError

HEADERS = {"Content-Type": "application/json"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "frame-ancestors 'self'")


def ask(client, **payload):
    return client.post("/v1/chat", content=json.dumps(payload), headers=HEADERS)


def error_of(response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert "Traceback" not in response.text
    return body["error"]["code"]


# --- replies -------------------------------------------------------------------------------

def test_an_answer_carries_its_source_the_disclaimer_and_a_session(client, bundled_bot):
    response = ask(client, question="can I take magnesium with valproate")
    assert response.status_code == 200
    reply = response.json()
    expected = bundled_bot.reply("can I take magnesium with valproate")
    assert reply["status"] == "answered"
    assert reply["intent"] == expected.intent.id
    assert reply["answer"] == expected.intent.answer
    assert reply["text"] == expected.text and reply["text"].endswith(bundled_bot.disclaimer)
    assert reply["disclaimer"] == bundled_bot.disclaimer
    assert reply["source"] == expected.source and reply["source"].startswith("magnesium-valproate.md#")
    assert reply["citation"] == expected.citation and ".md" not in reply["citation"]
    assert reply["suggestions"] == [] and reply["emergency"] is None
    assert reply["see_also"] == [{"number": n, "text": i.question} for n, i in enumerate(expected.see_also, 1)]
    assert reply["session_restarted"] is False and len(reply["session_id"]) >= 24
    assert bundled_bot.disclaimer not in reply["answer"]


def test_a_close_runner_up_comes_as_see_also_and_its_number_answers_it(client, bundled_bot):
    reply = ask(client, question="side effects of valproate").json()
    assert reply["intent"] == "valproate-common-side-effects"
    assert reply["see_also"] == [{"number": 1, "text": "What are the serious side effects of magnesium valproate?"}]
    assert "See also" not in reply["answer"]            # the answer is the document's text alone
    picked = ask(client, choice=1, question=reply["see_also"][0]["text"], session_id=reply["session_id"]).json()
    assert picked["intent"] == "valproate-serious-side-effects"


def test_clarify_offers_numbered_suggestions_and_a_number_picks_one(client, bundled_bot):
    first = ask(client, question="how does it work?").json()
    assert first["status"] == "clarify"
    assert first["suggestions"] == [{"number": 1, "text": "How does magnesium valproate work?"},
                                    {"number": 2, "text": "How might low magnesium trigger seizures?"}]
    assert "1. How does" not in first["answer"] and "Which do you mean?" in first["answer"]
    picked = ask(client, choice=2, question="How might low magnesium trigger seizures?",
                 session_id=first["session_id"]).json()
    assert picked["status"] == "answered" and picked["session_id"] == first["session_id"]
    assert picked["intent"] == bundled_bot.intent_set.intents[[i.question for i in bundled_bot.intent_set.intents]
                                                               .index("How might low magnesium trigger seizures?")].id


def test_typing_the_number_works_like_the_choice(client):
    first = ask(client, question="how does it work?").json()
    typed = ask(client, question="1", session_id=first["session_id"]).json()
    assert typed["status"] == "answered" and typed["source"].endswith("#How it Works")


def test_a_follow_up_uses_the_session_topic(client):
    """Alone, "how does it work?" fits both documents (clarify); after a valproate answer it is
    about valproate."""
    first = ask(client, question="is magnesium valproate something you get dependent on").json()
    follow = ask(client, question="how does it work?", session_id=first["session_id"]).json()
    assert (first["intent"], follow["status"], follow["intent"]) == ("valproate-addictive", "answered",
                                                                     "valproate-how-it-works")
    assert ask(client, question="how does it work?").json()["status"] == "clarify"


def test_an_emergency_comes_first_with_the_number_to_call(make_client, bundled_bot):
    client = make_client(emergency_number="999")
    reply = ask(client, question="my child is having a seizure right now").json()
    assert reply["status"] == "emergency"
    assert reply["emergency"] == {"message": bundled_bot.triage.message, "number": "999", "tel": "tel:999"}
    assert reply["text"].startswith(bundled_bot.triage.message) and reply["text"].endswith(bundled_bot.disclaimer)
    assert not reply["answer"].startswith(bundled_bot.triage.message)


def test_a_fallback_says_so_and_offers_the_closest_questions(client):
    reply = ask(client, question="is it safe to drive").json()
    assert reply["status"] == "fallback" and reply["answer"].startswith("My documents don't cover driving.")
    assert [s["number"] for s in reply["suggestions"]] == [1, 2, 3]
    assert "Reply with a number" in reply["answer"] and "  1. " not in reply["answer"]
    assert reply["source"] is None and reply["intent"] is None


def test_a_choice_no_longer_on_offer_answers_the_question_text(client):
    """A click on an old suggestion after the session expired still gets that question answered."""
    reply = ask(client, choice=1, question="How does magnesium valproate work?", session_id="x" * 24).json()
    assert reply["status"] == "answered" and reply["session_restarted"] is True
    assert reply["source"].endswith("#How it Works")


def test_a_choice_alone_that_is_not_on_offer_is_refused(client):
    response = ask(client, choice=1)
    assert response.status_code == 422 and error_of(response) == "choice_unavailable"


def test_markup_in_a_question_is_data_not_html(client):
    response = ask(client, question="<script>alert(1)</script><img src=x onerror=alert(2)>")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"


def test_a_lone_surrogate_is_answered_not_a_500(client):
    response = client.post("/v1/chat", content=b'{"question": "magnesium \\ud800 valproate"}', headers=HEADERS)
    assert response.status_code == 200 and response.json()["disclaimer"]


# --- sessions --------------------------------------------------------------------------------

def test_an_unknown_session_starts_a_new_one_and_says_so(client):
    reply = ask(client, question="hello", session_id="Zq3k1F0bQe9wYl2H7cAxTm8N").json()
    assert reply["session_restarted"] is True and reply["session_id"] != "Zq3k1F0bQe9wYl2H7cAxTm8N"
    badly_formed = ask(client, question="hello", session_id="../../etc/passwd").json()
    assert badly_formed["session_restarted"] is True


def test_forgetting_a_session_ends_it(client):
    first = ask(client, question="how does it work?").json()
    assert client.delete(f"/v1/sessions/{first['session_id']}").status_code == 204
    again = ask(client, question="1", session_id=first["session_id"]).json()
    assert again["session_restarted"] is True and again["status"] != "answered"
    assert client.delete("/v1/sessions/never-existed-at-all").status_code == 204   # ids are not probed


def test_session_ids_are_random_and_distinct(make_client):
    client = make_client(rate_burst=100)
    ids = {ask(client, question="hello").json()["session_id"] for _ in range(50)}
    assert len(ids) == 50


def test_sessions_expire_after_their_ttl_and_the_cap_drops_the_least_recent():
    from faqbot.serve.sessions import SessionStore

    now = [0.0]
    store = SessionStore(ttl_seconds=1800, max_sessions=2, clock=lambda: now[0])
    a, _, _ = store.get(None)
    b, _, _ = store.get(None)
    now[0] = 100
    assert store.get(a)[0] == a              # a used again: b is now the least recent
    c, _, _ = store.get(None)
    assert store.get(b)[2] is True           # b was dropped by the cap
    assert len(store) == 2
    now[0] = 100 + 1799
    assert store.get(c)[2] is False
    now[0] = 100 + 1799 + 1800
    assert store.get(c)[2] is True and len(store) == 1


def test_a_session_keeps_what_the_bot_remembers_without_the_candidate_list(client):
    first = ask(client, question="is magnesium valproate addictive").json()
    _, conversation, _ = client.app.service.sessions.get(first["session_id"])
    assert conversation.topic is not None and conversation.last.intent.id == first["intent"]
    assert conversation.last.match is None


# --- errors and limits --------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b'{"question": "hi', b"", b"{'question': 'hi'}", b"\xff\xfe", b"[" * 4000, b"[" * 2000 + b"]" * 2000])
def test_malformed_json_is_400(client, body):
    response = client.post("/v1/chat", content=body, headers=HEADERS)
    assert response.status_code == 400 and error_of(response) == "malformed_json"


@pytest.mark.parametrize("payload, code", [
    ([1, 2], "invalid_request"), ("question", "invalid_request"), ({}, "missing_question"),
    ({"question": 7}, "invalid_question"), ({"question": None}, "missing_question"),
    ({"question": "   "}, "empty_question"), ({"question": "x" * 1001}, "question_too_long"),
    ({"question": "hi", "session_id": 5}, "invalid_session_id"), ({"question": "hi", "choice": "2"}, "invalid_choice"),
    ({"question": "hi", "choice": 0}, "invalid_choice"), ({"question": "hi", "choice": True}, "invalid_choice"),
])
def test_wrong_fields_are_422(client, payload, code):
    response = ask(client, **payload) if isinstance(payload, dict) else client.post(
        "/v1/chat", content=json.dumps(payload), headers=HEADERS)
    assert response.status_code == 422 and error_of(response) == code


def test_the_longest_question_allowed_is_answered(client):
    assert ask(client, question="magnesium " * 100).status_code == 200      # 1,000 characters


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_json_is_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/chat", content=b'{"question": "hi"}', headers=headers)
    assert response.status_code == 415 and error_of(response) == "unsupported_media_type"


def test_json_with_a_charset_is_accepted(client):
    response = client.post("/v1/chat", content=b'{"question": "hello"}',
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_a_body_over_the_limit_is_413_declared_or_streamed(client):
    big = json.dumps({"question": "x" * 5000}).encode()
    assert error_of(client.post("/v1/chat", content=big, headers=HEADERS)) == "body_too_large"

    def chunks():          # no Content-Length: the limit is applied while reading
        for _ in range(10):
            yield b"x" * 1024

    response = client.post("/v1/chat", content=chunks(), headers=HEADERS)
    assert response.status_code == 413 and error_of(response) == "body_too_large"


def test_a_body_just_under_the_limit_is_read(make_client):
    client = make_client(max_question_chars=5000)
    body = json.dumps({"question": "a" * (4096 - len('{"question": ""}'))}).encode()
    assert len(body) == 4096
    assert client.post("/v1/chat", content=body, headers=HEADERS).status_code == 200


def test_a_burst_past_the_rate_limit_gets_429_with_retry_after(make_client):
    client = make_client(rate_burst=5, rate_per_minute=6)
    statuses = [ask(client, question="hello").status_code for _ in range(5)]
    response = ask(client, question="hello")
    assert statuses == [200] * 5
    assert response.status_code == 429 and error_of(response) == "rate_limited"
    assert response.headers["Retry-After"] == "10"          # one token every 10 s
    assert client.delete("/v1/sessions/abc").status_code == 429
    assert client.get("/v1/health").status_code == 200   # health is not rate limited


def test_the_rate_limit_is_per_client():
    from faqbot.serve.limits import RateLimiter

    now = [0.0]
    limiter = RateLimiter(rate_per_minute=60, burst=2, max_clients=2, clock=lambda: now[0])
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0.0                      # another client is not held back
    now[0] = 0.5
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] = 1.0
    assert limiter.take("a") == 0.0                      # a token per second comes back
    limiter.take("c")
    assert len(limiter) == 2                             # the least recent bucket was dropped


def test_requests_past_the_in_flight_cap_get_503_with_retry_after(make_client):
    client = make_client(max_in_flight=1)
    client.app.in_flight = 1                              # one request is being served
    response = ask(client, question="hello")
    assert response.status_code == 503 and error_of(response) == "overloaded"
    assert response.headers["Retry-After"] == "1"
    client.app.in_flight = 0
    assert ask(client, question="hello").status_code == 200


def test_a_failure_inside_is_a_json_500_and_the_log_holds_no_question(make_client, bundled_bot, caplog):
    class Broken:
        intent_set, disclaimer, safety = bundled_bot.intent_set, bundled_bot.disclaimer, bundled_bot.safety

        def reply(self, question, conversation=None):
            raise RuntimeError(f"could not answer {question!r}")

    client = make_client(bot=Broken())
    with caplog.at_level(logging.ERROR, logger="faqbot.serve"):
        response = ask(client, question="my secret symptom")
    assert response.status_code == 500 and error_of(response) == "internal_error"
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert "RuntimeError" in caplog.text and "secret" not in caplog.text
    assert response.headers["Content-Security-Policy"] == CSP


@pytest.mark.parametrize("first", [[{"type": "http.request", "body": b'{"quest', "more_body": True}], []],
                         ids=["part-of-the-body", "none-of-it"])
def test_a_slow_body_times_out_with_408(first):
    """The body must arrive within the timeout; the ASGI receive is driven by hand here."""
    import asyncio

    from faqbot.serve.app import read_json_body
    from faqbot.serve.config import ServeConfig
    from starlette.requests import Request

    async def scenario():
        messages = list(first)

        async def receive():
            if messages:
                return messages.pop(0)
            await asyncio.sleep(10)

        scope = {"type": "http", "method": "POST", "path": "/v1/chat", "headers": [
            (b"content-type", b"application/json")]}
        with pytest.raises(ApiError) as raised:
            await read_json_body(Request(scope, receive), ServeConfig(body_timeout_seconds=0.2))
        return raised.value

    error = asyncio.run(scenario())
    assert (error.status, error.code, error.headers) == (408, "body_timeout", {"Connection": "close"})


def test_unknown_routes_and_methods_are_json_errors(client):
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404 and error_of(missing) == "not_found"
    wrong = client.get("/v1/chat")
    assert wrong.status_code == 405 and error_of(wrong) == "method_not_allowed"


def test_questions_are_never_taken_from_the_url(client):
    response = client.get("/v1/chat?question=hello")
    assert response.status_code == 405


# --- headers, CORS, pages ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/v1/health", "/chat", "/widget.js", "/static/chat.js", "/static/chat.css",
                                  "/v1/nothing"])
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_api_is_never_cached_and_the_page_is_revalidated(client):
    assert client.get("/v1/health").headers["Cache-Control"] == "no-store"
    assert ask(client, question="hello").headers["Cache-Control"] == "no-store"
    assert ask(client, question="").headers["Cache-Control"] == "no-store"
    assert client.get("/chat").headers["Cache-Control"] == "no-cache"


def test_allowed_origins_may_frame_the_page_and_call_the_api(make_client):
    client = make_client(origins=("https://clinic.example",))
    page = client.get("/chat")
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'self' https://clinic.example")
    allowed = client.options("/v1/chat", headers={"Origin": "https://clinic.example",
                                                  "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
    assert allowed.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    reply = client.post("/v1/chat", content=b'{"question": "hello"}',
                        headers={**HEADERS, "Origin": "https://clinic.example"})
    assert reply.headers["Access-Control-Allow-Origin"] == "https://clinic.example"
    assert reply.headers["Vary"] == "Origin"


def test_other_origins_get_no_cors_and_a_refused_preflight(client):
    refused = client.options("/v1/chat", headers={"Origin": "https://evil.example",
                                                  "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403 and error_of(refused) == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in refused.headers
    reply = client.post("/v1/chat", content=b'{"question": "hello"}',
                        headers={**HEADERS, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_origins_are_checked_when_configured():
    from faqbot.errors import FaqbotError
    from faqbot.serve.config import ServeConfig

    for bad in ("clinic.example", "https://clinic.example/", "https://clinic.example/chat", "*", "'self'"):
        with pytest.raises(FaqbotError, match="--origin"):
            ServeConfig(origins=(bad,))
    with pytest.raises(FaqbotError, match="--emergency-number"):
        ServeConfig(emergency_number="call 999")


def test_the_pages_are_served_with_their_types(client):
    assert client.get("/chat").headers["content-type"] == "text/html; charset=utf-8"
    assert client.get("/widget.js").headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get("/static/chat.css").headers["content-type"] == "text/css; charset=utf-8"
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 302 and home.headers["location"] == "chat"


def test_the_page_has_no_inline_script_or_style_and_no_third_party_asset(client):
    import re

    html = client.get("/chat").text
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="static/chat.js" defer>']
    assert "<style" not in html and " style=" not in html and re.findall(r"\son[a-z]+\s*=", html) == []
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    script = client.get("/static/chat.js").text
    assert "innerHTML" not in script and "outerHTML" not in script and "insertAdjacentHTML" not in script
    assert "eval(" not in script and "document.write" not in script


def test_health(client, bundled_bot):
    assert client.get("/v1/health").json() == {"status": "ok", "version": __import__("faqbot").__version__,
                                               "intents": len(bundled_bot.intent_set.intents)}


# --- privacy -----------------------------------------------------------------------------------------

def test_no_question_is_written_without_the_opt_in(make_client, tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    client = make_client()
    with caplog.at_level(logging.DEBUG):
        ask(client, question="zebra unicorn question about nothing")
    assert "zebra" not in caplog.text
    assert list(tmp_path.iterdir()) == [tmp_path / "home"] or list(tmp_path.iterdir()) == []


def test_the_unanswered_log_is_opt_in_and_owner_only(make_client, tmp_path):
    log = tmp_path / "unanswered.jsonl"
    client = make_client(unanswered_log=log)
    ask(client, question="what is the weather on mars")
    ask(client, question="can I take magnesium with valproate")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["question"] for e in entries] == ["what is the weather on mars"]
    assert log.stat().st_mode & 0o777 == 0o600
