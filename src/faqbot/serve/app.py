"""The web front end: HTTP in, ``Bot.reply`` calls, JSON out, and the chat page's files.

Routes (documented in openapi.yaml beside this file, which a test compares with ``ROUTES``):
``POST /v1/chat``, ``GET /v1/health``, ``DELETE /v1/sessions/{id}``, ``GET /v1/openapi.json``,
and the page: ``/chat``, ``/widget.js``, ``/static/chat.js``, ``/static/chat.css``.

``Guard``, one plain ASGI wrapper round the Starlette app, does what every response needs: the
security headers, CORS for the allowed origins, the cap on requests in flight, and a JSON 500
with no traceback when anything fails. The Bot is called on the event loop itself: a reply takes
a fraction of a millisecond and holds the GIL throughout, so a thread pool would only add a hop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from importlib import resources

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import __version__
from ..bot import Bot
from .config import ServeConfig
from .limits import RateLimiter, retry_after
from .replies import reply_json
from .sessions import SESSION_ID, SessionStore

log = logging.getLogger("faqbot.serve")

STATIC = resources.files("faqbot.serve") / "static"
# (path, method) of every route: the OpenAPI file must document exactly the /v1/ ones.
ROUTES = [("/v1/chat", "POST"), ("/v1/health", "GET"), ("/v1/sessions/{session_id}", "DELETE"),
          ("/v1/openapi.json", "GET"), ("/", "GET"), ("/chat", "GET"), ("/widget.js", "GET"),
          ("/static/chat.js", "GET"), ("/static/chat.css", "GET")]


INTERNAL_ERROR = "Something went wrong on our side; please try again."


class ApiError(Exception):
    """An error the client gets as ``{"error": {"code", "message"}}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.headers)


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)


class ChatService:
    """What the routes share: the Bot, the sessions, the rate limiter, the optional log."""

    def __init__(self, bot: Bot, config: ServeConfig):
        self.bot = bot
        self.config = config
        self.sessions = SessionStore(config.session_ttl_seconds, config.max_sessions)
        self.limiter = RateLimiter(config.rate_per_minute, config.rate_burst, config.max_clients_tracked)
        self.unanswered = None
        if config.unanswered_log is not None:
            from ..evaluation.review import UnansweredLog

            self.unanswered = UnansweredLog(config.unanswered_log)

    def check_rate(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = self.limiter.take(client)
        if wait:
            raise ApiError(429, "rate_limited", "Too many messages at once; please wait a moment and try again.",
                           {"Retry-After": retry_after(wait)})

    def chat(self, payload: dict) -> dict:
        question, session_id, choice = self._fields(payload)
        session_id, conversation, restarted = self.sessions.get(session_id)
        if choice is not None and choice <= len(conversation.options):
            question = str(choice)      # exactly what typing the number does
        elif question is None:
            raise ApiError(422, "choice_unavailable", "That suggestion is no longer on offer; please type "
                           "your question.")
        reply = self.bot.reply(question, conversation)
        # The session keeps what the Bot remembers (topic, options, the last reply, which triage
        # may read), less the last reply's candidate list: kilobytes a session, for /why only.
        reply.match = None
        if self.unanswered is not None:
            self.unanswered(reply.record())
        bot = self.bot
        return reply_json(reply, session_id, restarted, bot.disclaimer, bot.safety.message,
                          self.config.emergency_number, self.config.tel)

    def _fields(self, payload) -> tuple[str | None, str | None, int | None]:
        if not isinstance(payload, dict):
            raise ApiError(422, "invalid_request", "The body must be a JSON object such as {\"question\": \"...\"}.")
        question, session_id, choice = payload.get("question"), payload.get("session_id"), payload.get("choice")
        if question is not None:
            if not isinstance(question, str):
                raise ApiError(422, "invalid_question", "'question' must be a string.")
            # A lone surrogate (JSON allows "\ud800") cannot be encoded in the reply: made a '?'.
            question = question.encode("utf-8", "replace").decode("utf-8")
            if not question.strip():
                raise ApiError(422, "empty_question", "Please type a question.")
            if len(question) > self.config.max_question_chars:
                raise ApiError(422, "question_too_long", f"Please keep the question under "
                               f"{self.config.max_question_chars} characters.")
        if session_id is not None:
            if not isinstance(session_id, str):
                raise ApiError(422, "invalid_session_id", "'session_id' must be a string.")
            if not SESSION_ID.match(session_id):
                session_id = ""         # cannot be ours: a new session, and the client is told so
        if choice is not None:
            if isinstance(choice, bool) or not isinstance(choice, int) or not 1 <= choice <= 99:
                raise ApiError(422, "invalid_choice", "'choice' must be a suggestion's number (1, 2, ...).")
        if question is None and choice is None:
            raise ApiError(422, "missing_question", "The body needs a 'question' (or a 'choice').")
        return question, session_id, choice


async def read_json_body(request: Request, config: ServeConfig):
    """The request's JSON, or ApiError 415/413/408/400; never more than the limit is held."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > config.max_body_bytes):
        raise ApiError(413, "body_too_large", f"The request body must be at most {config.max_body_bytes} bytes.")
    body = bytearray()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.body_timeout_seconds
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise ApiError(408, "body_timeout", "The request body took too long to arrive.", {"Connection": "close"})
        try:
            message = await asyncio.wait_for(request.receive(), remaining)
        except asyncio.TimeoutError:
            raise ApiError(408, "body_timeout", "The request body took too long to arrive.",
                           {"Connection": "close"}) from None
        if message["type"] == "http.disconnect":
            raise ApiError(400, "disconnected", "The client went away.")
        body += message.get("body", b"")
        if len(body) > config.max_body_bytes:
            raise ApiError(413, "body_too_large", f"The request body must be at most {config.max_body_bytes} bytes.")
        if not message.get("more_body", False):
            break
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, "malformed_json", "The body is not valid JSON.") from None


def create_app(bot: Bot, config: ServeConfig | None = None) -> "Guard":
    """The ASGI application serving ``bot`` under ``config`` (defaults: same origin only)."""
    config = config or ServeConfig()
    service = ChatService(bot, config)
    page = {name: (STATIC / name).read_bytes() for name in ("chat.html", "chat.js", "chat.css", "widget.js")}
    openapi = openapi_document()

    async def chat(request: Request) -> Response:
        try:
            service.check_rate(request)
            payload = await read_json_body(request, config)
            return JSONResponse(service.chat(payload))
        except ApiError as error:
            return error.response()

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "intents": len(bot.intent_set.intents)})

    async def forget(request: Request) -> Response:
        try:
            service.check_rate(request)
        except ApiError as error:
            return error.response()
        service.sessions.forget(request.path_params["session_id"])
        return Response(status_code=204)    # the same whether or not it existed: ids are not probed

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi)

    def asset(name: str, media_type: str):
        async def serve(request: Request) -> Response:
            return Response(page[name], media_type=media_type, headers={"Cache-Control": "no-cache"})
        return serve

    async def home(request: Request) -> Response:
        return RedirectResponse("chat", 302)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = {404: "No such page.", 405: "That method is not allowed here."}.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    routes = [
        Route("/v1/chat", chat, methods=["POST"]),
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/sessions/{session_id}", forget, methods=["DELETE"]),
        Route("/v1/openapi.json", openapi_json, methods=["GET"]),
        Route("/", home, methods=["GET"]),
        Route("/chat", asset("chat.html", "text/html; charset=utf-8"), methods=["GET"]),
        Route("/widget.js", asset("widget.js", "text/javascript; charset=utf-8"), methods=["GET"]),
        Route("/static/chat.js", asset("chat.js", "text/javascript; charset=utf-8"), methods=["GET"]),
        Route("/static/chat.css", asset("chat.css", "text/css; charset=utf-8"), methods=["GET"]),
    ]
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette's last handler: the client gets JSON, then Guard logs the failure.
        return error_response(500, "internal_error", INTERNAL_ERROR)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    guard = Guard(app, config)
    guard.service = service
    return guard


def openapi_document() -> dict:
    """The checked-in OpenAPI file, read with the safe loader."""
    import yaml

    return yaml.safe_load((resources.files("faqbot.serve") / "openapi.yaml").read_text(encoding="utf-8"))


class Guard:
    """Plain ASGI round the app: headers, CORS, the in-flight cap, and a JSON 500 for any failure."""

    def __init__(self, app, config: ServeConfig):
        self.app = app
        self.config = config
        self.in_flight = 0
        self.service: ChatService | None = None
        common = [(b"content-security-policy", config.content_security_policy.encode()),
                  (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        self._page_headers = common
        self._api_headers = common + [(b"cache-control", b"no-store")]
        self._origins = {o.encode() for o in config.origins}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)    # lifespan
            return
        api = scope["path"].startswith("/v1/")
        origin = next((v for k, v in scope["headers"] if k == b"origin"), None)
        extra = list(self._api_headers if api else self._page_headers)
        if api and origin is not None and origin in self._origins:
            extra += [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
        if api and scope["method"] == "OPTIONS":
            await self._preflight(origin, extra, send)
            return
        if self.in_flight >= self.config.max_in_flight:
            await self._send(send, extra, error_response(503, "overloaded", "The service is busy; please try "
                                                          "again in a moment.", {"Retry-After": "1"}))
            return
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", ()) if h[0] != b"cache-control" or not api]
                message = {**message, "headers": headers + extra}
            await send(message)

        self.in_flight += 1
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - the client gets a JSON 500, the log the frames
            # Never the exception's message: it could quote what the patient typed.
            log.error("request failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
            if not started:
                await self._send(send, extra, error_response(500, "internal_error", INTERNAL_ERROR))
        finally:
            self.in_flight -= 1

    async def _preflight(self, origin, extra, send) -> None:
        if origin is None or origin not in self._origins:
            response = error_response(403, "origin_not_allowed", "This origin may not call the API.")
        else:
            response = Response(status_code=204, headers={"Access-Control-Allow-Methods": "GET, POST, DELETE",
                                                          "Access-Control-Allow-Headers": "Content-Type",
                                                          "Access-Control-Max-Age": "600"})
        await self._send(send, extra, response)

    @staticmethod
    async def _send(send, extra, response: Response) -> None:
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": response.raw_headers + extra})
        await send({"type": "http.response.body", "body": response.body})
