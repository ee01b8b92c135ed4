/* The chat page. Every text from the server or the patient is set with textContent, never as
 * markup; no third-party code; the conversation survives a reload (sessionStorage, or memory when
 * storage is blocked, as in some embedded frames). Focus moves only when the patient asked for it. */
(function () {
  "use strict";

  var STORE_KEY = "faqbot.chat.v1";
  var params = new URLSearchParams(window.location.search);
  var timeoutMs = boundedNumber(params.get("timeout"), 1000, 60000, 15000);
  var apiChat = new URL("v1/chat", document.baseURI).href;
  var apiSessions = new URL("v1/sessions/", document.baseURI).href;

  var transcript = document.getElementById("transcript");
  var typing = document.getElementById("typing");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var clearButton = document.getElementById("clear");

  var state = readState();
  var pending = false;

  function boundedNumber(text, low, high, fallback) {
    var n = parseInt(text || "", 10);
    return isNaN(n) ? fallback : Math.min(high, Math.max(low, n));
  }

  function emptyState() {
    return { sessionId: null, entries: [] };
  }

  function readState() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.entries)) {
        return saved;
      }
    } catch (e) {
      /* storage blocked or unreadable: this page keeps the conversation in memory only */
    }
    return emptyState();
  }

  function saveState() {
    try {
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state, function (key, value) {
        return key === "node" ? undefined : value;     /* the element shown, rebuilt on reload */
      }));
    } catch (e) {
      /* the in-memory state stays the truth */
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function paragraphs(parent, text, className) {
    String(text).split(/\n\s*\n/).forEach(function (part) {
      if (part.trim()) {
        parent.appendChild(element("p", className, part.trim()));
      }
    });
  }

  function scrollToEnd() {
    transcript.scrollTop = transcript.scrollHeight;
  }

  function renderPatient(entry) {
    var node = element("div", "message from-patient");
    node.appendChild(element("span", "who", "You said: "));
    node.appendChild(element("p", null, entry.text));
    return node;
  }

  function renderSystem(entry) {
    var node = element("div", "message from-system");
    node.appendChild(element("p", null, entry.text));
    if (entry.retry) {
      var retry = element("button", "retry", "Retry");
      retry.type = "button";
      retry.addEventListener("click", function () {
        removeEntry(entry);
        send(entry.retry.payload, entry.retry.shown, true);
        input.focus();      /* the button the patient pressed is gone: focus goes to the input */
      });
      node.appendChild(retry);
    }
    return node;
  }

  function renderBot(entry, live) {
    var reply = entry.reply;
    var node = element("div", "message from-bot");
    node.appendChild(element("span", "who", "Assistant said: "));
    if (reply.emergency) {
      var banner = element("div", "emergency");
      if (live) {
        banner.setAttribute("role", "alert");
      }
      paragraphs(banner, reply.emergency.message);
      var call = element("p");
      var link = element("a", null, "Call " + reply.emergency.number + " now");
      link.href = reply.emergency.tel;
      call.appendChild(link);
      banner.appendChild(call);
      node.appendChild(banner);
    }
    paragraphs(node, reply.answer);
    function offered(items, className, heading) {
      if (!items || !items.length) {
        return;
      }
      if (heading) {
        node.appendChild(element("p", className + "-heading", heading));
      }
      var list = element("ul", className);
      items.forEach(function (suggestion) {
        var item = element("li");
        var button = element("button", null, suggestion.number + ". " + suggestion.text);
        button.type = "button";
        button.addEventListener("click", function () {
          send({ question: suggestion.text, choice: suggestion.number }, suggestion.text);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      node.appendChild(list);
    }
    offered(reply.suggestions, "suggestions", null);
    offered(reply.see_also, "see-also", "See also:");
    if (reply.citation || reply.source) {
      node.appendChild(element("p", "source", "Source: " + (reply.citation || reply.source)));
    }
    node.appendChild(element("p", "disclaimer", reply.disclaimer));
    return node;
  }

  function render(entry, live) {
    var node = entry.kind === "patient" ? renderPatient(entry)
      : entry.kind === "bot" ? renderBot(entry, live) : renderSystem(entry);
    entry.node = node;
    transcript.appendChild(node);
  }

  function addEntry(entry) {
    state.entries.push(entry);
    render(entry, true);
    saveState();
    scrollToEnd();
  }

  function removeEntry(entry) {
    var index = state.entries.indexOf(entry);
    if (index >= 0) {
      state.entries.splice(index, 1);
    }
    if (entry.node && entry.node.parentNode) {
      entry.node.parentNode.removeChild(entry.node);
    }
    saveState();
  }

  function keptReply(reply) {
    return {
      status: reply.status, answer: reply.answer, source: reply.source, citation: reply.citation || null,
      disclaimer: reply.disclaimer, suggestions: reply.suggestions || [], see_also: reply.see_also || [],
      emergency: reply.emergency || null
    };
  }

  function failure(text, payload, shown) {
    addEntry({ kind: "system", text: text, retry: { payload: payload, shown: shown } });
  }

  function errorText(response, body) {
    var message = body && body.error && typeof body.error.message === "string" ? body.error.message : null;
    if (response.status === 429) {
      var wait = parseInt(response.headers.get("Retry-After") || "1", 10);
      return (message || "Too many messages at once.") + " You can retry in " + wait + " second" +
        (wait === 1 ? "" : "s") + ".";
    }
    return message || "Sorry, something went wrong (error " + response.status + ").";
  }

  function send(payload, shown, isRetry) {
    if (pending) {
      typing.textContent = "Please wait for the answer to your last message";
      return false;
    }
    pending = true;
    if (!isRetry) {
      addEntry({ kind: "patient", text: shown });
    }
    var body = { question: payload.question };
    if (payload.choice) {
      body.choice = payload.choice;
    }
    if (state.sessionId) {
      body.session_id = state.sessionId;
    }
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, timeoutMs);
    typing.textContent = "The assistant is typing";
    transcript.setAttribute("aria-busy", "true");
    fetch(apiChat, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok || !data || !data.session_id) {
          failure(errorText(response, data), payload, shown);
          return;
        }
        if (data.session_restarted && state.sessionId) {
          addEntry({ kind: "system", text: "Your earlier conversation had ended, so this is a new one." });
        }
        state.sessionId = data.session_id;
        addEntry({ kind: "bot", reply: keptReply(data) });
      });
    }).catch(function (error) {
      var timedOut = error && error.name === "AbortError";
      failure(timedOut ? "No answer came back in time." : "The answer could not be fetched (are you online?).",
        payload, shown);
    }).then(function () {
      window.clearTimeout(timer);
      pending = false;
      typing.textContent = "";
      transcript.removeAttribute("aria-busy");
    });
    return true;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) {
      typing.textContent = "Please type a question first";
      return;
    }
    if (send({ question: question }, question)) {
      input.value = "";
    }
  });

  clearButton.addEventListener("click", function () {
    if (state.sessionId) {
      fetch(apiSessions + encodeURIComponent(state.sessionId), {
        method: "DELETE", credentials: "same-origin", keepalive: true
      }).catch(function () { /* forgotten on the server within 30 minutes anyway */ });
    }
    state = emptyState();
    while (transcript.firstChild) {
      transcript.removeChild(transcript.firstChild);
    }
    try {
      window.sessionStorage.removeItem(STORE_KEY);
    } catch (e) {
      /* nothing was stored */
    }
    addEntry({ kind: "system", text: "Conversation cleared. Ask a new question whenever you like." });
  });

  var title = (params.get("title") || "").trim().slice(0, 80);
  if (title) {
    document.getElementById("chat-title").textContent = title;
    document.title = title;
  }
  if (params.get("embed") === "1") {
    document.documentElement.className = "embedded";
  }
  state.entries.forEach(function (entry) { render(entry, false); });
  scrollToEnd();
}());
