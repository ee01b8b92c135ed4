"""Properties of the API for any input: a JSON object with any question (or any bytes at all)
never gets a 500 or a traceback; every reply ends with the disclaimer, carries exactly one status,
numbers its suggestions from 1, and an emergency always comes with the number to call."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import examples

PROPERTY = settings(max_examples=examples(100), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def client(bundled_bot):
    from starlette.testclient import TestClient

    from faqbot.serve import ServeConfig, create_app

    with TestClient(create_app(bundled_bot, ServeConfig(rate_burst=10**9)), raise_server_exceptions=False) as test:
        yield test


questions = st.text(min_size=1, max_size=1000).filter(lambda q: q.strip()) | st.sampled_from([
    "my child is having a seizure right now", "how does it work?", "1", "is it safe to drive",
    "<script>alert(1)</script>", "\x00\x1b[31m", "hello"])


@PROPERTY
@given(question=questions, choice=st.none() | st.integers(1, 5))
def test_any_question_gets_a_reply_with_the_disclaimer(client, bundled_bot, question, choice):
    payload = {"question": question} if choice is None else {"question": question, "choice": choice}
    response = client.post("/v1/chat", content=json.dumps(payload), headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    reply = response.json()
    assert reply["text"].endswith(bundled_bot.disclaimer) and reply["disclaimer"] == bundled_bot.disclaimer
    assert reply["status"] in ("answered", "clarify", "fallback", "smalltalk", "emergency")
    assert (reply["emergency"] is not None) == (reply["status"] == "emergency")
    assert [s["number"] for s in reply["suggestions"]] == list(range(1, len(reply["suggestions"]) + 1))
    assert bundled_bot.disclaimer not in reply["answer"]


@PROPERTY
@given(body=st.binary(max_size=5000), content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_any_body_gets_json_and_never_a_500(client, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/chat", content=body, headers=headers)
    assert response.status_code in (200, 400, 413, 415, 422)
    data = response.json()
    assert ("error" in data) == (response.status_code != 200)
    assert "Traceback" not in response.text
