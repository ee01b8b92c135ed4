"""The uvicorn protocol faqbot serves with: Nagle off on every connection, and a deadline for a
request's headers, so clients that connect and dawdle cannot hold the server's connections."""

from __future__ import annotations

import socket
import threading
import time

import pytest

uvicorn = pytest.importorskip("uvicorn")

from faqbot.serve import ServeConfig, create_app  # noqa: E402
from faqbot.serve import server as serve_server  # noqa: E402


@pytest.fixture
def running(bundled_bot, monkeypatch):
    monkeypatch.setattr(serve_server, "HEADER_TIMEOUT_SECONDS", 0.5)
    sock = serve_server._bind("127.0.0.1", 0)
    config = uvicorn.Config(create_app(bundled_bot, ServeConfig()), http=serve_server.GuardedHttpToolsProtocol,
                            log_level="warning", timeout_keep_alive=30)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield server, sock.getsockname()[1]
    server.should_exit = True
    thread.join(10)


def _health(connection: socket.socket) -> bytes:
    """One GET /v1/health on a keep-alive connection: the whole response (head and body)."""
    connection.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while not data.endswith(b"}"):
        data += connection.recv(4096)
    return data


def _closed_within(connection: socket.socket, seconds: float) -> bool:
    connection.settimeout(seconds)
    try:
        while True:
            data = connection.recv(4096)
            if not data:
                return True
    except socket.timeout:
        return False


def test_a_connection_that_never_finishes_its_headers_is_closed(running):
    _, port = running
    silent = socket.create_connection(("127.0.0.1", port))
    partial = socket.create_connection(("127.0.0.1", port))
    partial.sendall(b"POST /v1/chat HTTP/1.1\r\nHost: x\r\n")
    assert _closed_within(silent, 3) and _closed_within(partial, 3)


def test_the_deadline_is_per_request_and_a_finished_request_is_not_cut(running):
    _, port = running
    connection = socket.create_connection(("127.0.0.1", port))
    for _ in range(3):                               # each request well within the deadline
        assert _health(connection).startswith(b"HTTP/1.1 200")
        time.sleep(0.3)
    connection.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")   # then headers left unfinished
    assert _closed_within(connection, 3)


def test_every_connection_has_nagle_off(running):
    server, port = running
    connection = socket.create_connection(("127.0.0.1", port))
    assert _health(connection).startswith(b"HTTP/1.1 200")
    protocols = list(server.server_state.connections)
    assert protocols and all(p.transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                             for p in protocols)
    connection.close()
