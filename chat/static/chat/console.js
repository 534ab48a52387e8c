/* The desk's chat console: the open conversation's messages arrive live (the desk's event
   stream, static/js/live.js), replies are sent without leaving the page, the customer's
   typing and read receipts show, and the list of chats follows new assignments. */
(function () {
  "use strict";
  var TYPING_EVERY_MS = 3000;
  var TYPING_SHOWN_MS = 5000;

  document.addEventListener("DOMContentLoaded", function () {
    var stream = document.getElementById("live");
    var chat = document.getElementById("chat");
    var me = stream ? parseInt(stream.dataset.me, 10) : 0;
    var ticket = chat ? parseInt(chat.dataset.ticket, 10) : 0;
    var last = chat ? parseInt(chat.dataset.last || "0", 10) : 0;
    var readByCustomer = chat ? parseInt(chat.dataset.read || "0", 10) : 0;
    var lastRead = 0;
    var typingSent = 0;
    var typingTimer = null;
    var form = document.getElementById("chat-reply");
    var log = chat ? chat.querySelector(".chat-log") : null;
    var errorBox = chat ? chat.querySelector("[data-testid=chat-error]") : null;

    function csrf() {
      var field = document.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }

    function post(url, data) {
      return fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
      });
    }

    function showError(text) {
      if (!errorBox) return;
      errorBox.textContent = text || "";
      errorBox.hidden = !text;
    }

    function receipts() {
      if (!log) return;
      log.querySelectorAll("li.agent, li.bot").forEach(function (item) {
        var receipt = item.querySelector(".receipt");
        if (receipt) receipt.textContent = parseInt(item.dataset.id, 10) <= readByCustomer ? chat.dataset.textRead : "";
      });
    }

    function add(message) {
      if (log.querySelector('[data-id="' + message.id + '"]')) return;
      var item = document.createElement("li");
      item.className = "msg " + message.side;
      item.dataset.id = message.id;
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = message.side === "customer" ? chat.dataset.textCustomer
        : message.side === "bot" ? chat.dataset.textBot : message.name;
      var body = document.createElement("p");
      body.className = "body";
      body.textContent = message.body;
      item.appendChild(who);
      item.appendChild(body);
      message.files.forEach(function (file) {
        var link = document.createElement("a");
        link.href = file.url;
        link.textContent = file.name;
        item.appendChild(link);
      });
      if (message.side !== "customer") {
        var receipt = document.createElement("span");
        receipt.className = "receipt muted";
        item.appendChild(receipt);
      } else {
        chat.querySelector(".chat-typing").hidden = true;
      }
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
      if (message.id > last) last = message.id;
    }

    function markRead() {
      if (!chat || document.hidden || last <= lastRead) return;
      lastRead = last;
      var data = new FormData();
      data.append("upto", String(last));
      post(chat.dataset.readUrl, data).catch(function () { lastRead = 0; });
    }

    function refresh() {
      return fetch(chat.dataset.messagesUrl + "?after=" + last, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body) return;
          body.messages.forEach(add);
          readByCustomer = Math.max(readByCustomer, body.read.customer);
          receipts();
          if (body.state === "ended" && chat.dataset.state !== "ended") {
            chat.dataset.state = "ended";
            showError(chat.dataset.textEnded);
          }
          markRead();
        });
    }

    function refreshList() {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-testid=chat-list]");
          var list = document.querySelector("[data-testid=chat-list]");
          if (fresh && list) list.innerHTML = fresh.innerHTML;
        });
    }

    function onEvent(event) {
      var payload = event.payload || {};
      if (event.type === "tickets.ticket.assigned" && (payload.to === me || payload.from === me)) refreshList();
      if (!chat || event.ticket !== ticket) return;
      if (event.type === "chat.typing") {
        if (payload.side === "customer") {
          var typing = chat.querySelector(".chat-typing");
          typing.textContent = chat.dataset.textTyping;
          typing.hidden = false;
          window.clearTimeout(typingTimer);
          typingTimer = window.setTimeout(function () { typing.hidden = true; }, TYPING_SHOWN_MS);
        }
      } else if (event.type === "chat.read") {
        if (payload.side === "customer") {
          readByCustomer = Math.max(readByCustomer, payload.upto);
          receipts();
        }
      } else if (event.type !== "live.presence") {
        refresh();
      }
    }

    if (stream && window.HelpdeskLive) window.HelpdeskLive.connect(stream, onEvent);
    if (!chat) return;
    receipts();
    markRead();
    document.addEventListener("visibilitychange", markRead);
    if (!form) return;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      post(chat.dataset.replyUrl, new FormData(form))
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (result) {
          if (!result.ok) return showError(result.body.detail);
          showError("");
          add(result.body);
          receipts();
          form.querySelector("textarea[name=body]").value = "";
          var files = form.querySelector("input[type=file]");
          if (files) files.value = "";
        })
        .catch(function () { showError(chat.dataset.textError); })
        .then(function () { button.disabled = false; });
    });

    form.addEventListener("input", function (event) {
      if (event.target.name !== "body") return;
      var now = Date.now();
      if (now - typingSent < TYPING_EVERY_MS) return;
      typingSent = now;
      post(chat.dataset.typingUrl, new FormData()).catch(function () {});
    });

    form.addEventListener("keydown", function (event) {
      if (event.target.name === "body" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  });
})();
