"""The checked-in OpenAPI file is valid OpenAPI 3.1, documents exactly the API's routes, and
describes what the server really sends (replies and errors checked against its schemas)."""

from __future__ import annotations

import json

import pytest

from faqbot.serve.app import ROUTES, openapi_document

openapi_spec_validator = pytest.importorskip("openapi_spec_validator")


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def test_the_file_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    openapi_spec_validator.validate(document)


def test_it_documents_exactly_the_api_routes(client, document):
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    served = {(path, method) for path, method in ROUTES if path.startswith("/v1/")}
    assert documented == served
    routed = {(route.path, method) for route in client.app.app.routes for method in route.methods - {"HEAD"}}
    assert {(p, m) for p, m in ROUTES} == routed


def test_it_is_served_as_json(client, document):
    assert client.get("/v1/openapi.json").json() == document


def _schema(document, name):
    """A component schema with its references resolved, for jsonschema."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry = Registry().with_resource("urn:openapi", Resource.from_contents(
        {**document, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    return Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry)


@pytest.mark.parametrize("question", ["can I take magnesium with valproate", "how does it work?",
                                      "is it safe to drive", "my child is having a seizure right now", "hello"])
def test_replies_match_the_documented_schema(client, document, question):
    reply = client.post("/v1/chat", content=json.dumps({"question": question}),
                        headers={"Content-Type": "application/json"}).json()
    _schema(document, "ChatReply").validate(reply)
    assert set(reply) == set(document["components"]["schemas"]["ChatReply"]["properties"])


def test_errors_match_the_documented_schema(client, document):
    validator = _schema(document, "Error")
    for response in (client.post("/v1/chat", content=b"{", headers={"Content-Type": "application/json"}),
                     client.post("/v1/chat", content=b"{}", headers={"Content-Type": "text/plain"}),
                     client.get("/v1/nothing")):
        validator.validate(response.json())


def test_every_error_code_the_server_can_send_is_documented(document):
    """Each ApiError code in the source appears in the OpenAPI file's descriptions."""
    import re
    from pathlib import Path

    import faqbot.serve.app as app

    source = Path(app.__file__).read_text()
    codes = set(re.findall(r'ApiError\(\d{3}, "([a-z_]+)"', source))
    codes |= set(re.findall(r'error_response\(\d{3}, "([a-z_]+)"', source))
    text = json.dumps(document)
    assert codes and [code for code in sorted(codes) if code not in text] == []
