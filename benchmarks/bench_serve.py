"""Load and faults for `faqbot serve`, against 127.0.0.1 only; every phase is bounded and the
servers it starts are stopped at the end, whatever happens.

    python benchmarks/bench_serve.py            # about 2 minutes
    python benchmarks/bench_serve.py --quick    # 1-second phases, for a smoke run

Tables printed (markdown, pasted into RESULTS.md):
1. POST /v1/chat throughput and latency at 1, 32 and 256 concurrent clients, each on its own
   keep-alive connection and its own session, asking the bundled intents' phrasings with typical
   damage: one worker, then --workers 2;
2. server memory (RSS) idle, with 10,000 live sessions, and past the session cap;
3. faults: malformed JSON, oversized bodies (declared and chunked), slow clients trickling their
   body, connections that never send a request, a burst past the rate limit: what each got, and
   the latency of a well-behaved client measured at the same time.

The load client is plain asyncio streams (a small HTTP/1.1 client, keep-alive, no pipelining):
httpx costs several times the server's CPU per request and would measure itself. It shares the
2 cores with the server, so the figures are a floor for a server with the machine to itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FAQBOT, machine, table  # noqa: E402
from datagen import perturb  # noqa: E402

HOST = "127.0.0.1"
UNLIMITED = ["--rate-per-minute", "100000000"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """`faqbot serve` in a child process group, stopped (and its workers with it) on exit."""

    def __init__(self, *options: str):
        self.port = free_port()
        self.process = subprocess.Popen([FAQBOT, "serve", "--host", HOST, "--port", str(self.port), *options],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"faqbot serve failed: {self.process.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        self.stop()
        raise SystemExit("faqbot serve did not start within 30 s")

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers, in MB."""
        total = 0
        pids = [self.process.pid] + [int(p) for p in _children(self.process.pid)]
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> str:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.stderr.read().decode(errors="replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _children(pid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found += [entry.name] + _children(int(entry.name))
            except OSError:
                pass
    return found


class Connection:
    """One keep-alive HTTP/1.1 connection; ``request`` returns (status, headers, body)."""

    def __init__(self, port: int, source: str | None = None):
        self.port, self.source = port, source
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(
            HOST, self.port, local_addr=(self.source, 0) if self.source else None)

    async def request(self, method: str, path: str, body: bytes = b"",
                      content_type: str = "application/json") -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self.open()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        return await self.response()

    async def response(self) -> tuple[int, dict, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection") == "close":
            self.close()
        return status, headers, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def questions() -> list[str]:
    import faqbot

    bot = faqbot.load()
    pool = [p for intent in bot.intent_set.intents for p in (intent.question, *intent.examples)]
    return perturb(pool, 5000, seed=23)


async def chat_load(port: int, clients: int, seconds: float, asked: list[str]) -> dict:
    """``clients`` connections asking as fast as answered for ``seconds``: throughput and latency."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds

    async def client(k: int):
        connection = Connection(port)
        rng = random.Random(k)
        session = None
        while time.perf_counter() < stop_at:
            payload = {"question": rng.choice(asked)}
            if session:
                payload["session_id"] = session
            body = json.dumps(payload).encode()
            start = time.perf_counter()
            try:
                status, _, data = await connection.request("POST", "/v1/chat", body)
            except (OSError, asyncio.IncompleteReadError):
                statuses[-1] = statuses.get(-1, 0) + 1
                connection.close()
                continue
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200 and session is None:
                session = json.loads(data)["session_id"]
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "rate": len(latencies) / wall,
            "p50": 1000 * latencies[len(latencies) // 2] if latencies else 0,
            "p99": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else 0, "statuses": statuses}


def baselines(seconds: float, asked: list[str]) -> list[list]:
    """What bounds the server: Bot.reply alone in this process on the same questions (the ceiling
    for one worker), and the HTTP stack alone (GET /v1/health at 32 clients)."""
    import faqbot

    bot = faqbot.load()
    for question in asked[:500]:
        bot.reply(question)                       # warm the analyzer's caches, as the server's are
    times = []
    stop_at = time.perf_counter() + seconds
    k = 0
    while time.perf_counter() < stop_at:
        start = time.perf_counter()
        bot.reply(asked[k % len(asked)])
        times.append(time.perf_counter() - start)
        k += 1
    times.sort()
    rows = [["Bot.reply in process, one at a time", f"{len(times):,}", f"{len(times) / sum(times):,.0f}",
             f"{1000 * times[len(times) // 2]:.2f}", f"{1000 * times[int(len(times) * 0.99)]:.2f}"]]
    with Server(*UNLIMITED) as server:
        health = asyncio.run(http_load(server.port, 32, seconds, "GET", "/v1/health", b""))
    rows.append(["GET /v1/health, 32 clients (HTTP stack only)", f"{health['requests']:,}",
                 f"{health['rate']:,.0f}", f"{health['p50']:.2f}", f"{health['p99']:.2f}"])
    return rows


async def http_load(port: int, clients: int, seconds: float, method: str, path: str, body: bytes) -> dict:
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def client():
        connection = Connection(port)
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            await connection.request(method, path, body)
            latencies.append(time.perf_counter() - start)
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "rate": len(latencies) / wall, "p50": 1000 * latencies[len(latencies) // 2],
            "p99": 1000 * latencies[int(len(latencies) * 0.99)]}


def throughput(seconds: float, asked: list[str]) -> list[list]:
    rows = []
    for workers in (1, 2):
        with Server(*UNLIMITED, "--workers", str(workers)) as server:
            asyncio.run(chat_load(server.port, 8, 1.0, asked))          # warm-up: caches, sessions
            for clients in (1, 32, 256):
                result = asyncio.run(chat_load(server.port, clients, seconds, asked))
                other = {s: n for s, n in result["statuses"].items() if s != 200}
                rows.append([workers, clients, f"{result['requests']:,}", f"{result['rate']:,.0f}",
                             f"{result['p50']:.2f}", f"{result['p99']:.2f}", other or "none"])
                print(f"  workers {workers}, {clients} clients: {result['rate']:,.0f} req/s", file=sys.stderr)
    return rows


async def open_sessions(port: int, count: int, asked: list[str]) -> int:
    """``count`` new sessions (one question each, 64 connections at a time); how many got 200."""
    done = 0
    queue = list(range(count))

    async def client():
        nonlocal done
        connection = Connection(port)
        while queue:
            k = queue.pop()
            status, _, _ = await connection.request("POST", "/v1/chat",
                                                    json.dumps({"question": asked[k % len(asked)]}).encode())
            done += status == 200
        connection.close()

    await asyncio.gather(*(client() for _ in range(64)))
    return done


def memory(asked: list[str]) -> list[list]:
    rows = []
    with Server(*UNLIMITED) as server:
        time.sleep(0.5)
        rows.append(["idle, after start-up", 0, f"{server.rss_mb():.1f}"])
        asyncio.run(open_sessions(server.port, 10_000, asked))
        rows.append(["10,000 live sessions", "10,000", f"{server.rss_mb():.1f}"])
        asyncio.run(open_sessions(server.port, 30_000, asked))
        rows.append(["40,000 sessions opened (cap 20,000: oldest dropped)", "20,000", f"{server.rss_mb():.1f}"])
    return rows


async def faults(port: int, limited_port: int, seconds: float, asked: list[str]) -> list[list]:
    rows = []
    probe_latencies: list[float] = []
    probing = True

    async def probe():
        """A well-behaved patient asking every 20 ms throughout the faults."""
        connection = Connection(port, source="127.0.0.9")
        while probing:
            start = time.perf_counter()
            status, _, _ = await connection.request("POST", "/v1/chat", json.dumps({"question": asked[0]}).encode())
            if status == 200:
                probe_latencies.append(time.perf_counter() - start)
            await asyncio.sleep(0.02)
        connection.close()

    prober = asyncio.create_task(probe())

    def tracebacks(bodies: list[bytes]) -> int:
        return sum(b"Traceback" in b or b"File \"" in b for b in bodies)

    async def many(label: str, count: int, body: bytes, content_type: str = "application/json"):
        connection, statuses, bodies = Connection(port, source="127.0.0.2"), {}, []
        for _ in range(count):
            try:
                status, _, data = await connection.request("POST", "/v1/chat", body, content_type)
            except (OSError, asyncio.IncompleteReadError):
                status, data = -1, b""
                connection.close()
            statuses[status] = statuses.get(status, 0) + 1
            bodies.append(data)
        connection.close()
        rows.append([label, count, _counts(statuses), tracebacks(bodies)])

    await many("malformed JSON ({\"question\": \"hi)", 500, b'{"question": "hi')
    await many("JSON not an object ([1, 2])", 200, b"[1, 2]")
    await many("wrong field types ({\"question\": 7})", 200, b'{"question": 7}')
    await many("deeply nested JSON (2,000 levels in 4,000 bytes)", 20, b"[" * 2000 + b"]" * 2000)
    await many("Content-Type text/plain (a cross-site form)", 200, b'{"question": "hi"}', "text/plain")
    await many("oversized body, declared (64 KiB)", 200, json.dumps({"question": "x" * 65536}).encode())

    # A chunked body without Content-Length, larger than the limit.
    statuses, bodies = {}, []
    for _ in range(50):
        reader, writer = await asyncio.open_connection(HOST, port, local_addr=("127.0.0.3", 0))
        writer.write(b"POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(20):
            writer.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
        writer.write(b"0\r\n\r\n")
        connection = Connection(port)
        connection.reader, connection.writer = reader, writer
        try:
            status, _, data = await connection.response()
        except (OSError, asyncio.IncompleteReadError):
            status, data = -1, b""
        statuses[status] = statuses.get(status, 0) + 1
        bodies.append(data)
        writer.close()
    rows.append(["oversized body, chunked (20 KiB, no length)", 50, _counts(statuses), tracebacks(bodies)])

    # Slow clients: declare 100 bytes, send 10, then nothing; and connections that send nothing.
    slow = []
    for k in range(200):
        reader, writer = await asyncio.open_connection(HOST, port, local_addr=("127.0.0.4", 0))
        writer.write(b"POST /v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"question\"")
        slow.append((reader, writer))
    idle = [await asyncio.open_connection(HOST, port, local_addr=("127.0.0.5", 0)) for _ in range(300)]
    await asyncio.sleep(min(seconds, 3))
    during = len(probe_latencies)
    statuses, bodies = {}, []

    async def outcome(reader):
        try:
            head = await asyncio.wait_for(reader.read(4096), 15)
            return (int(head.split()[1]) if head.startswith(b"HTTP/") else -1), head
        except (asyncio.TimeoutError, OSError, IndexError, ValueError):
            return -1, b""

    for status, data in await asyncio.gather(*(outcome(r) for r, _ in slow)):
        statuses[status] = statuses.get(status, 0) + 1
        bodies.append(data)
    rows.append(["slow body (10 of 100 bytes, then silence)", 200, _counts(statuses) + " after the 10 s body timeout",
                 tracebacks(bodies)])
    closed = 0
    for reader, writer in idle:
        try:
            closed += await asyncio.wait_for(reader.read(1), 1) == b""
        except (asyncio.TimeoutError, OSError):
            pass
        writer.close()
    for _, writer in slow:
        writer.close()
    rows.append(["idle connections (no request at all)", 300, f"{closed} closed by the server by now", 0])

    # A burst past the rate limit (default 60/min after 20) from one client, then another client.
    connection, statuses, retry = Connection(limited_port, source="127.0.0.6"), {}, set()
    for _ in range(100):
        status, headers, _ = await connection.request("POST", "/v1/chat", json.dumps({"question": asked[1]}).encode())
        statuses[status] = statuses.get(status, 0) + 1
        if status == 429:
            retry.add(headers.get("retry-after"))
    connection.close()
    other = Connection(limited_port, source="127.0.0.7")
    other_status, _, _ = await other.request("POST", "/v1/chat", json.dumps({"question": asked[2]}).encode())
    other.close()
    rows.append(["burst: 100 at once from one client (limit 20 + 1/s)", 100,
                 _counts(statuses) + f", Retry-After {', '.join(sorted(map(str, retry)))} s; another client: {other_status}", 0])

    probing = False
    await prober
    probe_latencies.sort()
    rows.append(["a patient asking every 20 ms throughout", len(probe_latencies),
                 f"all 200; median {1000 * statistics.median(probe_latencies):.1f} ms, max "
                 f"{1000 * probe_latencies[-1]:.1f} ms ({during} answered while slow clients held connections)", 0])
    return rows


def _counts(statuses: dict) -> str:
    return ", ".join(f"{n} x {'no response' if s == -1 else s}" for s, n in sorted(statuses.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1-second load phases")
    args = parser.parse_args()
    seconds = 1.0 if args.quick else 5.0
    print(machine())
    asked = questions()
    print("\n## POST /v1/chat throughput\n")
    print(table(["workers", "clients", "requests", "req/s", "p50 ms", "p99 ms", "other statuses"],
                throughput(seconds, asked)))
    print("\n## What bounds it\n")
    print(table(["baseline", "requests", "per s", "p50 ms", "p99 ms"], baselines(seconds, asked)))
    print("\n## Memory\n")
    print(table(["state", "sessions held", "server RSS MB"], memory(asked)))
    print("\n## Faults (one worker)\n")
    with tempfile.TemporaryDirectory():
        with Server(*UNLIMITED) as server, Server() as limited:
            before = server.rss_mb()
            rows = asyncio.run(faults(server.port, limited.port, seconds, asked))
            after = server.rss_mb()
            log = server.stop() + limited.stop()
    print(table(["fault", "requests", "what they got", "tracebacks in bodies"], rows))
    print(f"\nServer RSS before the faults {before:.1f} MB, after {after:.1f} MB; "
          f"server log lines mentioning a traceback: {log.count('Traceback')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
