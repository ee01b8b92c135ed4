"""The chat page in a real browser: Debian's Chromium driven by Playwright, against uvicorn
serving the bundled bot on 127.0.0.1. A patient's conversation, the emergency banner, embedding
on another origin (allowed and refused), markup shown as text, timeouts and retry, storage that
is blocked, keyboard use, axe-core with no violations, and screenshots at desktop and phone sizes
(kept in $FAQBOT_SCREENSHOTS when set, to look at)."""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs it with apt-get install chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


class LiveServer:
    """uvicorn serving ``app`` in a thread on a free 127.0.0.1 port."""

    def __init__(self, app):
        import uvicorn

        from faqbot.serve.server import GuardedHttpToolsProtocol, _bind

        self.sock = _bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", http=GuardedHttpToolsProtocol))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


class HostPage:
    """A clinic's page on another origin (another port) that embeds the chat with /widget.js."""

    def __init__(self):
        self.chat_url = None
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clinic</title>'
                        f'</head><body><h1>Our clinic</h1><label>Search <input id="search" autofocus></label>'
                        f'<div id="chat-box"></div><script src="{host.chat_url}/widget.js" data-title="Ask the '
                        f'pharmacist" data-height="600px" data-target="#chat-box" defer></script></body></html>'
                        ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live(bundled_bot):
    from faqbot.serve import ServeConfig, create_app

    server = LiveServer(create_app(bundled_bot, ServeConfig(rate_burst=1000, emergency_number="999")))
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    yield page
    context.close()


def ask(page, question: str):
    """Type a question and press Enter; wait until its reply (or error note) is in the log."""
    before = page.locator("#transcript .from-bot, #transcript .from-system").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    page.locator("#transcript .from-bot, #transcript .from-system").nth(before).wait_for()
    return page.locator("#transcript .from-bot, #transcript .from-system").nth(before)


def shoot(page, name: str):
    folder = os.environ.get("FAQBOT_SCREENSHOTS")
    target = Path(folder) / f"{name}.png" if folder else None
    data = page.screenshot(full_page=False)
    assert data.startswith(b"\x89PNG")
    if target:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.x A/AA and best-practice rules on the page as it is now."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")
    return result


# --- a patient's conversation -------------------------------------------------------------------

def test_a_patients_conversation(page, live, bundled_bot):
    page.goto(live.url + "/chat")
    assert page.evaluate("document.activeElement === document.body")      # nothing grabs focus
    assert page.locator("#transcript").get_attribute("role") == "log"
    assert page.get_by_label("Your question").count() == 1

    answer = ask(page, "can I take magnesium with valproate")
    assert "Source: Magnesium valproate, " in answer.locator(".source").inner_text()   # never a file name
    assert answer.locator(".disclaimer").inner_text() == bundled_bot.disclaimer
    assert page.locator("#transcript .from-patient").last.inner_text().endswith("can I take magnesium with valproate")
    assert page.evaluate("document.activeElement.id") == "question"       # focus stays in the input
    assert page.locator("#question").input_value() == ""

    follow = ask(page, "how does it work?")                                # the topic carries over
    assert follow.locator(".source").inner_text().endswith("Magnesium valproate, How it works")

    page.locator("#clear").click()
    assert page.locator("#transcript .message").count() == 1
    assert "cleared" in page.locator("#transcript").inner_text()

    clarify = ask(page, "how does it work?")                               # new session: two readings
    buttons = clarify.locator(".suggestions button")
    assert buttons.all_inner_texts() == ["1. How does magnesium valproate work?",
                                         "2. How might low magnesium trigger seizures?"]
    assert clarify.locator(".disclaimer").inner_text() == bundled_bot.disclaimer
    buttons.nth(1).click()
    picked = page.locator("#transcript .from-bot").last
    expect(page.locator("#transcript .from-bot")).to_have_count(2)
    assert page.locator("#transcript .from-patient").last.inner_text().endswith("How might low magnesium trigger seizures?")
    assert picked.locator(".source").count() == 1
    assert clarify.locator(".suggestions button").count() == 2            # earlier suggestions stay usable

    emergency = ask(page, "my child is having a seizure right now")
    banner = emergency.locator(".emergency")
    assert banner.get_attribute("role") == "alert"
    assert bundled_bot.triage.message.split(".")[0] in banner.inner_text()
    assert banner.locator("a").get_attribute("href") == "tel:999"
    assert banner.locator("a").inner_text() == "Call 999 now"
    assert emergency.locator(".disclaimer").inner_text() == bundled_bot.disclaimer
    assert emergency.evaluate("node => node.firstElementChild.nextElementSibling.className") == "emergency"
    shoot(page, "desktop-conversation")

    session = json.loads(page.evaluate("sessionStorage.getItem('faqbot.chat.v1')"))["sessionId"]
    assert session in live.app.service.sessions
    page.locator("#clear").click()
    assert page.locator("#transcript .from-bot, #transcript .from-patient").count() == 0
    kept = json.loads(page.evaluate("sessionStorage.getItem('faqbot.chat.v1')"))
    assert kept["sessionId"] is None and [e["kind"] for e in kept["entries"]] == ["system"]
    deadline = time.monotonic() + 5
    while session in live.app.service.sessions and time.monotonic() < deadline:   # forgotten on the server
        time.sleep(0.05)
    assert session not in live.app.service.sessions
    assert page.errors == []


def test_typing_a_suggestions_number_picks_it(page, live):
    page.goto(live.url + "/chat")
    ask(page, "how does it work?")
    answer = ask(page, "1")
    assert answer.locator(".source").inner_text().endswith("Magnesium valproate, How it works")


def test_suggestions_work_from_the_keyboard(page, live):
    page.goto(live.url + "/chat")
    ask(page, "how does it work?")
    for _ in range(12):                                     # Shift+Tab back from the input
        if page.evaluate("document.activeElement.textContent").startswith("2. "):
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("2. ")
    page.keyboard.press("Enter")
    expect(page.locator("#transcript .from-bot")).to_have_count(2)
    assert "seizure" in page.locator("#transcript .from-bot").last.inner_text().lower()
    page.keyboard.press("Tab")                              # focus was not moved: the next suggestion...
    page.locator("#clear").focus()
    page.keyboard.press("Enter")                            # the clear button works from the keyboard
    assert page.locator("#transcript .from-bot").count() == 0


def test_the_conversation_survives_a_reload(page, live):
    page.goto(live.url + "/chat")
    ask(page, "is magnesium valproate something you get dependent on")
    page.reload()
    assert page.locator("#transcript .from-bot").count() == 1
    follow = ask(page, "how does it work?")                 # same server session: the topic is kept
    assert follow.locator(".source").inner_text().endswith("Magnesium valproate, How it works")
    assert "new one" not in page.locator("#transcript").inner_text()


def test_an_expired_session_is_announced(page, live):
    page.goto(live.url + "/chat")
    ask(page, "hello")
    session = json.loads(page.evaluate("sessionStorage.getItem('faqbot.chat.v1')"))["sessionId"]
    live.app.service.sessions.forget(session)
    reply = ask(page, "hello again")
    assert "Your earlier conversation had ended, so this is a new one." in reply.inner_text()


def test_markup_in_a_question_is_shown_as_text(page, live):
    page.goto(live.url + "/chat")
    hostile = '<img src=x onerror="window.pwned=1"><b>bold</b><script>window.pwned=2</script>'
    ask(page, hostile)
    patient = page.locator("#transcript .from-patient p").last
    assert patient.inner_text() == hostile
    assert page.locator("#transcript img, #transcript b, #transcript script").count() == 0
    assert page.evaluate("window.pwned") is None


def test_works_when_storage_is_blocked(browser, live):
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script("Object.defineProperty(window, 'sessionStorage', {get() {"
                            " throw new DOMException('blocked', 'SecurityError'); }});")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live.url + "/chat")
    ask(page, "how does it work?")
    answer = ask(page, "1")                                 # the session is kept in memory
    assert answer.locator(".source").inner_text().endswith("Magnesium valproate, How it works")
    assert errors == []
    context.close()


def test_a_lost_answer_can_be_retried(page, live):
    page.goto(live.url + "/chat?timeout=1000")
    held = []
    page.route("**/v1/chat", lambda route: held.append(route))         # never answered: times out
    note = ask(page, "can I take magnesium with valproate")
    assert "No answer came back in time." in note.inner_text()
    assert page.locator("#typing").inner_text() == ""
    page.unroute("**/v1/chat")
    page.route("**/v1/chat", lambda route: route.abort("internetdisconnected"))
    page.locator(".retry").click()
    expect(page.locator("#transcript .from-system p").first).to_be_attached()
    expect(page.locator("#transcript")).to_contain_text("could not be fetched")
    page.unroute("**/v1/chat")
    page.locator(".retry").click()
    page.locator("#transcript .from-bot").wait_for()
    assert page.locator("#transcript .from-patient").count() == 1       # the question is not repeated
    assert page.locator(".retry").count() == 0
    assert page.evaluate("document.activeElement.id") == "question"


def test_the_typing_indicator_shows_while_waiting(page, live):
    page.goto(live.url + "/chat?timeout=5000")
    held = []
    page.route("**/v1/chat", lambda route: held.append(route))
    page.locator("#question").fill("hello")
    page.locator("#question").press("Enter")
    expect(page.locator("#typing")).not_to_have_text("")
    assert page.locator("#typing").get_attribute("role") == "status"
    assert page.locator("#typing").inner_text() == "The assistant is typing"
    held[0].continue_()
    page.locator("#transcript .from-bot").wait_for()
    assert page.locator("#typing").inner_text() == ""


def test_a_rate_limited_patient_is_told_to_wait(browser, bundled_bot):
    from faqbot.serve import ServeConfig, create_app

    server = LiveServer(create_app(bundled_bot, ServeConfig(rate_burst=1, rate_per_minute=6)))
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(server.url + "/chat")
        ask(page, "hello")
        note = ask(page, "hello again")
        assert "Too many messages" in note.inner_text() and "retry in 10 seconds" in note.inner_text()
        assert note.locator(".retry").count() == 1
    finally:
        context.close()
        server.stop()


# --- embedding ------------------------------------------------------------------------------------

def test_embedding_on_an_allowed_origin(browser, bundled_bot):
    from faqbot.serve import ServeConfig, create_app

    host = HostPage()
    chat = LiveServer(create_app(bundled_bot, ServeConfig(origins=(host.origin,))))
    host.chat_url = chat.url
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(host.origin + "/")
        frame = page.frame_locator("iframe")
        frame.locator("#question").wait_for()
        assert page.locator("iframe").get_attribute("title") == "Ask the pharmacist"
        assert page.locator("#chat-box > iframe").evaluate("f => [f.style.height, f.style.width]") == ["600px", "100%"]
        assert page.locator("iframe").get_attribute("src") == f"{chat.url}/chat?embed=1&title=Ask+the+pharmacist"
        assert frame.locator("h1").inner_text() == "Ask the pharmacist"
        assert page.evaluate("document.activeElement.id") == "search"     # the host page keeps focus
        frame.locator("#question").fill("can I take magnesium with valproate")
        frame.locator("#question").press("Enter")
        frame.locator("#transcript .from-bot .source").wait_for()
        assert "Magnesium valproate, " in frame.locator("#transcript .source").inner_text()
        shoot(page, "embedded-allowed")
    finally:
        context.close()
        chat.stop()
        host.stop()


def test_embedding_on_another_origin_is_refused_by_default(browser, live):
    host = HostPage()
    host.chat_url = live.url
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    try:
        page.goto(host.origin + "/")
        page.locator("iframe").wait_for()
        page.wait_for_timeout(1500)
        frame = page.frames[1] if len(page.frames) > 1 else None
        assert frame is None or frame.locator("#question").count() == 0
        assert any("frame-ancestors" in text for text in messages)
    finally:
        context.close()
        host.stop()


# --- accessibility and layout -------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violations(browser, live, viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=True)   # to inject axe-core only
    page = context.new_page()
    try:
        page.goto(live.url + "/chat")
        assert axe_violations(page) == []
        ask(page, "can I take magnesium with valproate")
        ask(page, "how does it work?")
        page.locator("#clear").click()
        ask(page, "how does it work?")
        ask(page, "my child is having a seizure right now")
        ask(page, "<b>markup</b>")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_the_axe_check_bites(browser, live):
    """The check must be able to fail: an input without a label is a violation."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live.url + "/chat")
        page.evaluate("document.querySelector('label[for=question]').remove()")
        assert any(v.startswith("label:") for v in axe_violations(page))
    finally:
        context.close()


def test_the_phone_layout(browser, live):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(live.url + "/chat")
        assert "width=device-width" in page.locator("meta[name=viewport]").get_attribute("content")
        ask(page, "how does it work?")
        ask(page, "my child is having a seizure right now")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")   # no sideways scroll
        box = page.locator("#question").bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] and box["width"] > 200
        assert page.evaluate("parseFloat(getComputedStyle(document.getElementById('question')).fontSize)") >= 16
        for button in page.locator(".suggestions button").all():
            assert button.bounding_box()["height"] >= 44                                    # finger-sized
        shoot(page, "phone-conversation")
        page.set_viewport_size({"width": PHONE["width"], "height": 500})                   # keyboard open
        box = page.locator("#question").bounding_box()
        assert box["y"] + box["height"] <= 500
    finally:
        context.close()


def test_desktop_screenshot(page, live):
    page.goto(live.url + "/chat")
    ask(page, "how does it work?")
    ask(page, "1")
    shoot(page, "desktop-clarify")
