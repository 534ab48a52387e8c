/* The real-time desk (templates/live/_stream.html marks the page):
   - queue and desk home (data-refresh): when a ticket is created or changes, the page is
     fetched again in the background and each [data-live-region] is replaced (checked boxes
     stay checked);
   - every desk page with a stream: a ticket newly assigned to this agent (by someone else
     or by the routing rules) shows a notice with its link, read out by screen readers
     (aria-live), and a desktop notification when the agent has allowed them;
   - ticket page (data-ticket): who else is viewing or typing, from presence events; this
     page reports its own ("viewing" every data-presence-refresh seconds, "typing" while
     the reply box changes, "left" on leaving); and a reply being typed when someone else
     writes on the ticket is held with a warning (the server holds it too: the form's
     ticket version no longer matches). */
(function () {
  "use strict";
  var el = document.getElementById("live");
  if (!el || !window.HelpdeskLive) return;
  var me = parseInt(el.dataset.me, 10);
  var TICKET_TYPES = /^tickets\.(ticket|message|refund|csat)\./;

  function refreshRegions() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Live-Refresh": "1" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach(function (region) {
          var name = region.getAttribute("data-live-region");
          var next = fresh.querySelector('[data-live-region="' + name + '"]');
          if (!next) return;
          var checked = {};
          region.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) { checked[box.value] = true; });
          next.querySelectorAll("input[type=checkbox]").forEach(function (box) { if (checked[box.value]) box.checked = true; });
          region.replaceWith(document.importNode(next, true));
        });
      })
      .catch(function () {});
  }

  var refreshTimer = null;
  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = window.setTimeout(function () { refreshTimer = null; refreshRegions(); }, 300);
  }

  // --- new assignments ----------------------------------------------------------------
  var toasts = document.querySelector("[data-testid=live-toasts]");
  var toastTemplate = document.getElementById("live-assigned");

  function notifyAssigned(event) {
    if (!toasts || !toastTemplate) return;
    var href = toasts.dataset.ticketUrl.replace(/\/0\/$/, "/" + event.ticket + "/");
    var reference = event.payload.reference || "#" + event.ticket;
    var toast = toastTemplate.content.firstElementChild.cloneNode(true);
    var link = toast.querySelector("[data-link]");
    link.href = href;
    link.textContent = reference;
    toast.setAttribute("data-ticket", event.ticket);
    var title = toast.querySelector("strong").textContent;
    toast.querySelector("[data-dismiss]").addEventListener("click", function () { toast.remove(); });
    var desktop = toast.querySelector("[data-desktop]");
    if (window.Notification && Notification.permission === "default") {
      desktop.hidden = false;
      desktop.addEventListener("click", function () {
        Notification.requestPermission().then(function () { desktop.hidden = true; });
      });
    }
    toasts.appendChild(toast);
    if (window.Notification && Notification.permission === "granted") {
      // One per ticket across the agent's tabs (the tag), opening the ticket on click.
      var notice = new Notification(title, { body: reference, tag: "helpdesk-assigned-" + event.ticket });
      notice.onclick = function () { window.focus(); window.location.href = href; };
    }
  }

  // --- presence on a ticket ---------------------------------------------------------
  var ticket = el.dataset.ticket;
  var list = document.querySelector("[data-presence-list]");
  var seen = {};
  var ttl = parseInt(el.dataset.presenceTtl || "45", 10) * 1000;

  function renderPerson(id, name, state) {
    renderOne(id, name, state);
    list.closest("[data-testid=presence]").hidden = !list.querySelector("li");
  }

  function renderOne(id, name, state) {
    var item = list.querySelector('li[data-user="' + id + '"]');
    if (state === "left") {
      if (item) item.remove();
      delete seen[id];
      return;
    }
    if (!item) {
      item = document.createElement("li");
      item.setAttribute("data-user", id);
      item.appendChild(document.createTextNode(""));
      var label = document.createElement("span");
      label.className = "muted";
      item.appendChild(document.createTextNode(" "));
      item.appendChild(label);
      list.appendChild(item);
    }
    item.firstChild.textContent = name;
    item.setAttribute("data-state", state);
    item.querySelector("span").textContent = state === "typing" ? el.dataset.textTyping : el.dataset.textViewing;
    seen[id] = Date.now();
  }

  function report(state, beacon) {
    var body = new FormData();
    body.set("ticket", ticket);
    body.set("state", state);
    body.set("csrfmiddlewaretoken", el.dataset.csrf);
    if (beacon && navigator.sendBeacon) {
      navigator.sendBeacon(el.dataset.presenceUrl, body);
      return;
    }
    fetch(el.dataset.presenceUrl, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
  }

  var replyForm = document.getElementById("reply-form");
  var held = document.querySelector('[data-testid="reply-held"]');
  var typing = false;
  var typingTimer = null;

  function hold() {
    var box = replyForm && replyForm.querySelector("textarea");
    if (!box || !box.value.trim() || !held) return;
    held.hidden = false;
    replyForm.setAttribute("data-held", "");
  }

  if (ticket && list) {
    list.querySelectorAll("li[data-user]").forEach(function (item) { seen[item.getAttribute("data-user")] = Date.now(); });
    report("viewing");
    window.setInterval(function () { if (!typing) report("viewing"); }, parseInt(el.dataset.presenceRefresh || "20", 10) * 1000);
    window.setInterval(function () {
      Object.keys(seen).forEach(function (id) { if (Date.now() - seen[id] > ttl) renderPerson(id, "", "left"); });
    }, 5000);
    window.addEventListener("pagehide", function () { report("left", true); });
    if (replyForm) {
      replyForm.addEventListener("input", function () {
        if (!typing) { typing = true; report("typing"); }
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(function () { typing = false; report("viewing"); }, 5000);
      });
      replyForm.addEventListener("submit", function (event) {
        // A held reply goes out only through the warning's own button, which asks the
        // server to show the new message and keep the text, never to send it.
        if (replyForm.hasAttribute("data-held") && !(event.submitter && event.submitter.name === "held")) {
          event.preventDefault();
          held.querySelector("button").focus();
        }
      });
    }
  }

  window.HelpdeskLive.connect(el, function (event) {
    if (event.type === "tickets.ticket.assigned" && event.payload.to === me && event.actor !== me) {
      notifyAssigned(event);
    }
    if (ticket) {
      if (String(event.ticket) !== ticket) return;
      if (event.type === "live.presence") {
        if (event.actor !== me) renderPerson(String(event.actor), event.payload.name, event.payload.state);
      } else if (event.type === "tickets.message.created" && event.actor !== me) {
        hold();
      }
      return;
    }
    if (el.hasAttribute("data-refresh") && TICKET_TYPES.test(event.type)) scheduleRefresh();
  });
})();
