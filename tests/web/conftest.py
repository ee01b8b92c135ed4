"""Fixtures of the web front end's tests: apps over the bundled Bot (tests/conftest.py) with
chosen limits, through Starlette's TestClient."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install 'faqbot[web]')")


@pytest.fixture
def make_client(bundled_bot):
    """A TestClient for the bundled bot under a ServeConfig built from keyword arguments."""
    from starlette.testclient import TestClient

    from faqbot.serve import ServeConfig, create_app

    clients = []

    def make(bot=None, raise_server_exceptions=False, **settings):
        app = create_app(bot or bundled_bot, ServeConfig(**settings))
        client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()
