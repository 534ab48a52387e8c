/* The chat frame (/chat/frame/), embedded by /chat/widget.js on the platform's pages.
   The visitor is their conversation's key (kept in this origin's localStorage and sent
   as X-Chat-Token): a third-party frame gets no cookies. The platform's sign-in token
   (JWT) arrives by postMessage from an allowed origin only. Live updates come from the
   conversation's event stream; when streams cannot stay open, the conversation is
   polled every two seconds instead. */
(function () {
  "use strict";
  var POLL_MS = 2000;
  var TYPING_EVERY_MS = 3000;
  var TYPING_SHOWN_MS = 5000;
  var KEY = "helpdesk-chat-token";

  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var T = JSON.parse(document.getElementById("chat-texts").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var log = $("log");
  var token = null;
  try { token = window.localStorage.getItem(KEY); } catch (e) { token = null; }
  var jwt = "";
  var parentOrigin = "";
  var lastMessage = 0;
  var lastEvent = 0;
  var lastRead = 0;
  var state = null;
  var source = null;
  var polling = null;
  var typingSent = 0;
  var typingTimer = null;
  var readUpto = { customer: 0, agent: 0 };

  function storeToken(value) {
    token = value;
    try {
      if (value) window.localStorage.setItem(KEY, value);
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage refused: the conversation lasts as long as the frame */ }
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name] == null ? "" : values[name]; });
  }

  function notice(text) { $("notice").textContent = text || ""; }

  function api(path, options) {
    options = options || {};
    var headers = { "X-Requested-With": "fetch" };
    if (token) headers["X-Chat-Token"] = token;
    return fetch(config.api + path, {
      method: options.body ? "POST" : "GET",
      body: options.body,
      headers: headers,
      credentials: "omit"
    }).then(function (response) {
      if (response.status === 204) return {};
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.detail || T.error);
          error.status = response.status;
          throw error;
        }
        return data;
      }, function () {
        var error = new Error(T.error);
        error.status = response.status;
        throw error;
      });
    });
  }

  function form(values) {
    var data = new FormData();
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      if (value instanceof FileList) {
        Array.prototype.forEach.call(value, function (file) { data.append(name, file); });
      } else if (value != null) {
        data.append(name, value);
      }
    });
    return data;
  }

  /* ---- rendering ---- */

  function linkify(element, text) {
    var pattern = /https?:\/\/[^\s<>"]+/g;
    var index = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      element.appendChild(document.createTextNode(text.slice(index, match.index)));
      var link = document.createElement("a");
      link.href = match[0];
      link.textContent = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      element.appendChild(link);
      index = match.index + match[0].length;
    }
    element.appendChild(document.createTextNode(text.slice(index)));
  }

  function addMessage(message) {
    if (log.querySelector('[data-id="' + message.id + '"]')) return;
    var item = document.createElement("li");
    item.className = "msg " + message.side;
    item.dataset.id = message.id;
    item.dataset.side = message.side;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = message.side === "customer" ? T.you : message.side === "bot" ? T.bot : (message.name || T.agent);
    item.appendChild(who);
    var body = document.createElement("p");
    body.className = "body";
    linkify(body, message.body);
    item.appendChild(body);
    (message.files || []).forEach(function (file) {
      var link = document.createElement("a");
      link.href = file.url;
      link.target = "_blank";
      link.rel = "noopener";
      if (file.image) {
        var image = document.createElement("img");
        image.src = file.url;
        image.alt = file.name;
        link.appendChild(image);
      } else {
        link.textContent = file.name;
        link.setAttribute("download", file.name);
      }
      item.appendChild(link);
    });
    if (message.side === "customer") {
      var receipt = document.createElement("span");
      receipt.className = "receipt muted";
      item.appendChild(receipt);
    }
    log.appendChild(item);
    if (message.id > lastMessage) lastMessage = message.id;
    log.scrollTop = log.scrollHeight;
    if (message.side !== "customer") $("typing").hidden = true;
  }

  function showReceipts() {
    log.querySelectorAll("li.customer").forEach(function (item) {
      var read = parseInt(item.dataset.id, 10) <= readUpto.agent;
      item.querySelector(".receipt").textContent = read ? T.read : T.sent;
      item.dataset.read = read ? "1" : "0";
    });
  }

  function apply(conversation) {
    state = conversation.state;
    (conversation.messages || []).forEach(addMessage);
    if (conversation.read) {
      readUpto.agent = Math.max(readUpto.agent, conversation.read.agent);
      readUpto.customer = Math.max(readUpto.customer, conversation.read.customer);
    }
    showReceipts();
    $("start").hidden = true;
    log.hidden = false;
    var ended = state === "ended";
    $("compose").hidden = ended;
    $("actions").hidden = ended;
    $("hand-over").hidden = state !== "bot";
    $("restart").hidden = !ended || conversation.can_rate;
    $("rating").hidden = !(ended && conversation.can_rate);
    if (state === "bot") notice(conversation.person_available === false ? T.no_person : T.waiting_bot);
    else if (state === "agent") notice(T.with_agent);
    else if (state === "email") notice(format(T.by_email, conversation));
    else notice(conversation.rated ? T.thanks : T.ended);
    markRead();
  }

  function markRead() {
    if (!token || document.hidden || lastMessage <= lastRead) return;
    var upto = lastMessage;
    lastRead = upto;
    api("read/", { body: form({ upto: upto }) }).catch(function () { lastRead = 0; });
  }

  /* ---- live updates ---- */

  function refresh() {
    if (!token) return Promise.resolve();
    return api("conversation/?after=" + lastMessage).then(apply, failed);
  }

  function failed(error) {
    if (error.status === 403) {
      storeToken(null);
      stopLive();
      showStart();
    }
    notice(error.message);
  }

  function onEvent(data) {
    if (data.id <= lastEvent) return;
    lastEvent = data.id;
    var payload = data.payload || {};
    if (data.type === "chat.typing") {
      if (payload.side === "agent") showTyping();
    } else if (data.type === "chat.read") {
      if (payload.side === "agent") {
        readUpto.agent = Math.max(readUpto.agent, payload.upto);
        showReceipts();
      }
    } else if (data.type !== "live.presence") {
      refresh();
    }
  }

  function showTyping() {
    var element = $("typing");
    element.textContent = format(T.typing, { name: T.someone });
    element.hidden = false;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { element.hidden = true; }, TYPING_SHOWN_MS);
  }

  function stopLive() {
    if (source) source.close();
    source = null;
    window.clearInterval(polling);
    polling = null;
  }

  function poll() {
    if (polling) return;
    document.documentElement.dataset.transport = "poll";
    polling = window.setInterval(refresh, POLL_MS);
  }

  function live(conversation) {
    stopLive();
    lastEvent = Math.max(lastEvent, conversation.event || 0);
    if (!window.EventSource) return poll();
    var failures = 0;
    var opened = false;
    source = new EventSource(conversation.stream + "&after=" + lastEvent);
    source.onopen = function () {
      document.documentElement.dataset.transport = "stream";
      if (failures) refresh();  // a reconnect: catch up on what the gap held
      opened = true;
      failures = 0;
    };
    source.onmessage = function (message) { onEvent(JSON.parse(message.data)); };
    source.addEventListener("revoked", function () { stopLive(); poll(); });
    source.onerror = function () {
      failures += 1;
      if ((!opened && failures >= 3) || source.readyState === EventSource.CLOSED) {
        source.close();
        source = null;
        poll();
      }
    };
  }

  /* ---- actions ---- */

  function showStart() {
    $("start").hidden = false;
    log.hidden = true;
    log.textContent = "";
    lastMessage = 0;
    lastRead = 0;
    $("compose").hidden = $("actions").hidden = $("rating").hidden = $("restart").hidden = true;
    $("visitor").hidden = !!jwt;
    $("signed-in").hidden = !jwt;
    $("signed-in").textContent = T.signed_in;
    notice("");
  }

  function tooBig(files) {
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].size > config.max_bytes) return format(T.too_big, { name: files[i].name });
    }
    return "";
  }

  $("start").addEventListener("submit", function (event) {
    event.preventDefault();
    var values = { message: $("start-message").value, language: config.language };
    if (jwt) values.jwt = jwt;
    else {
      values.name = $("start-name").value;
      values.email = $("start-email").value;
    }
    var button = event.target.querySelector("button");
    button.disabled = true;
    api("start/", { body: form(values) }).then(function (data) {
      jwt = "";  // each platform token signs in once
      storeToken(data.token);
      $("start-message").value = "";
      apply(data.conversation);
      live(data.conversation);
      $("compose-body").focus();
    }, function (error) { notice(error.message); }).then(function () { button.disabled = false; });
  });

  $("compose").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = $("compose-body");
    var files = $("compose-files");
    if (!body.value.trim() && !files.files.length) return;
    var problem = tooBig(files.files);
    if (problem) return notice(problem);
    api("messages/", { body: form({ body: body.value, files: files.files }) }).then(function (message) {
      body.value = "";
      files.value = "";
      addMessage(message);
      showReceipts();
      refresh();
    }, function (error) { notice(error.message); });
  });

  $("compose-body").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("compose").requestSubmit();
    }
  });

  $("compose-body").addEventListener("input", function () {
    var now = Date.now();
    if (!token || now - typingSent < TYPING_EVERY_MS) return;
    typingSent = now;
    api("typing/", { body: form({}) }).catch(function () {});
  });

  $("hand-over").addEventListener("click", function () {
    api("hand-over/", { body: form({}) }).then(apply, failed);
  });

  $("end").addEventListener("click", function () {
    api("end/", { body: form({}) }).then(function (conversation) {
      apply(conversation);
      if (!$("rating").hidden) $("rating").querySelector("input").focus();
    }, failed);
  });

  $("rating").addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = $("rating").querySelector("input[name=rating]:checked");
    if (!chosen) return;
    api("rating/", { body: form({ rating: chosen.value, comment: $("rating-comment").value }) }).then(function () {
      $("rating").hidden = true;
      $("restart").hidden = false;
      notice(T.thanks);
    }, failed);
  });

  $("restart").addEventListener("click", function () {
    storeToken(null);
    stopLive();
    showStart();
    $("start-message").focus();
  });

  function close() {
    if (window.parent !== window) window.parent.postMessage({ type: "helpdesk-chat:close" }, parentOrigin || "*");
  }
  $("close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  document.addEventListener("visibilitychange", markRead);

  /* ---- the host page ---- */

  window.addEventListener("message", function (event) {
    var allowed = config.origins.indexOf(event.origin) !== -1 || event.origin === window.location.origin;
    if (event.source !== window.parent || !allowed || !event.data || typeof event.data !== "object") return;
    parentOrigin = event.origin;
    if (event.data.type === "helpdesk-chat:identify" && typeof event.data.jwt === "string") {
      jwt = event.data.jwt;
      if (!$("start").hidden) showStart();
    } else if (event.data.type === "helpdesk-chat:opened") {
      var field = $("start").hidden ? $("compose-body") : $("start-message");
      field.focus();
      markRead();
    }
  });

  if (token) {
    api("conversation/").then(function (conversation) {
      apply(conversation);
      live(conversation);
    }, function (error) { failed(error); showStart(); });
  } else {
    showStart();
  }
  if (window.parent !== window) window.parent.postMessage({ type: "helpdesk-chat:ready" }, "*");
})();
