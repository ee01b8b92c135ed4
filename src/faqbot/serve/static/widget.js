/* faqbot's embed loader. On a clinic's page:
 *   <script src="https://faqbot.clinic.example/widget.js" data-title="Ask our pharmacist" defer></script>
 * It adds an iframe showing this server's /chat page, so the conversation and its API calls stay
 * on faqbot's own origin. The clinic's origin must be allowed on the server (faqbot serve --origin).
 * data- attributes: data-title (heading), data-label (the frame's accessible name), data-width,
 * data-height (CSS lengths), data-target (a CSS selector of the element to put the chat in),
 * data-timeout (milliseconds before an answer counts as lost; default 15000). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var LENGTH = /^\d{1,4}(\.\d{1,2})?(px|rem|em|%|vh|vw)$/;
  function data(name) {
    return (script.getAttribute("data-" + name) || "").trim();
  }
  var url = new URL("chat", script.src);
  url.searchParams.set("embed", "1");
  if (data("title")) {
    url.searchParams.set("title", data("title").slice(0, 80));
  }
  if (/^\d+$/.test(data("timeout"))) {
    url.searchParams.set("timeout", data("timeout"));
  }
  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = data("label") || data("title") || "Chat: ask a question";
  frame.referrerPolicy = "no-referrer";
  frame.style.display = "block";
  frame.style.width = LENGTH.test(data("width")) ? data("width") : "100%";
  frame.style.maxWidth = "100%";
  frame.style.height = LENGTH.test(data("height")) ? data("height") : "36rem";
  frame.style.border = "1px solid #cfd6dd";
  frame.style.borderRadius = "0.5rem";
  var target = data("target") ? document.querySelector(data("target")) : null;
  if (target) {
    target.appendChild(frame);
  } else {
    script.parentNode.insertBefore(frame, script.nextSibling);
  }
}());
