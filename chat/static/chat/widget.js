/* The help desk's chat widget for the platform's pages:
     <script src="https://help.example.com/chat/widget.js" async
             data-lang="zh-CN" data-jwt="<the platform's sign-in token>"></script>
   It adds a launcher button and, when opened, an iframe with /chat/frame/ from the help
   desk's own origin: the conversation never shares the host page's scripts, styles or
   cookies. The platform's JWT (data-jwt, or HelpdeskChat.identify(token) later) goes to
   the frame by postMessage, to the help desk's origin only. No framework, no globals but
   window.HelpdeskChat. */
(function () {
  "use strict";
  if (window.HelpdeskChat) return;
  var script = document.currentScript || document.querySelector('script[src*="/chat/widget.js"]');
  if (!script) return;
  var origin = new URL(script.src, window.location.href).origin;
  var data = script.dataset;
  var lang = data.lang || document.documentElement.lang || navigator.language || "";
  var chinese = /^zh/i.test(lang);
  /* The launcher's words in both languages: /chat/widget.js fills them in from the desk's
     catalogue; these are the file's own, for a copy served as a plain static file. */
  var TEXTS = {"zh": {"label": "在线客服", "title": "在线客服"}, "en": {"label": "Chat with us", "title": "Live chat"}};
  var texts = TEXTS[chinese ? "zh" : "en"];
  var label = data.label || texts.label;
  var title = texts.title;
  var jwt = data.jwt || "";
  var ready = false;
  var frame = null;
  var open = false;

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-helpdesk-chat", "launcher");
  var side = data.position === "left" ? "left" : "right";
  var style = {
    position: "fixed", bottom: "16px", zIndex: "2147483000", padding: "12px 18px", border: "0",
    borderRadius: "24px", background: data.color || "#1d4ed8", color: "#fff", font: "600 15px/1.2 system-ui, sans-serif",
    boxShadow: "0 4px 14px rgba(0,0,0,.25)", cursor: "pointer", minHeight: "44px"
  };
  style[side] = "16px";
  Object.assign(button.style, style);

  function place() {
    if (!frame) return;
    var small = window.innerWidth <= 480;
    Object.assign(frame.style, small
      ? { top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%", borderRadius: "0" }
      : { top: "auto", bottom: "76px", width: "380px", height: "min(600px, calc(100vh - 96px))", borderRadius: "12px" });
    if (!small) {
      frame.style.left = side === "left" ? "16px" : "auto";
      frame.style.right = side === "right" ? "16px" : "auto";
    }
  }

  function send(message) {
    if (frame && ready) frame.contentWindow.postMessage(message, origin);
  }

  function build() {
    frame = document.createElement("iframe");
    frame.src = origin + "/chat/frame/?lang=" + encodeURIComponent(lang);
    frame.title = title;
    frame.id = "helpdesk-chat-frame";
    frame.setAttribute("data-helpdesk-chat", "frame");
    frame.setAttribute("allow", "clipboard-write");
    Object.assign(frame.style, {
      position: "fixed", zIndex: "2147483001", border: "0", background: "#fff",
      boxShadow: "0 8px 30px rgba(0,0,0,.3)", display: "none"
    });
    place();
    button.setAttribute("aria-controls", frame.id);
    document.body.appendChild(frame);
  }

  function show() {
    if (!frame) build();
    open = true;
    frame.style.display = "block";
    button.setAttribute("aria-expanded", "true");
    if (window.innerWidth <= 480) button.style.display = "none";
    frame.focus();
    send({ type: "helpdesk-chat:opened" });
  }

  function hide() {
    if (!frame) return;
    open = false;
    frame.style.display = "none";
    button.style.display = "";
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  window.addEventListener("message", function (event) {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    var type = event.data && event.data.type;
    if (type === "helpdesk-chat:ready") {
      ready = true;
      if (jwt) send({ type: "helpdesk-chat:identify", jwt: jwt });
      if (open) send({ type: "helpdesk-chat:opened" });
    } else if (type === "helpdesk-chat:close") {
      hide();
    }
  });
  window.addEventListener("resize", place);
  button.addEventListener("click", function () { if (open) hide(); else show(); });

  function mount() { document.body.appendChild(button); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.HelpdeskChat = {
    open: show,
    close: hide,
    identify: function (token) {
      jwt = String(token || "");
      if (jwt) send({ type: "helpdesk-chat:identify", jwt: jwt });
    }
  };
})();
