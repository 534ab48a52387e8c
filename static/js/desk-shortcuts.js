/* Keyboard shortcuts of the agent desk (the "?" dialog in desk/base.html lists them).
   Never while typing in a field; Esc leaves the field. In the queue j/k move the selection
   and o/Enter open it; the queue remembers its order, so on a ticket page j/k open the
   next or previous ticket of the list the agent came from. */
(function () {
  "use strict";
  var QUEUE_KEY = "desk.queue.order";
  var pending = "";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  function queueRows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-shortcut-rows] tr[data-ticket]"));
  }

  function remember(rows) {
    try {
      sessionStorage.setItem(QUEUE_KEY, JSON.stringify(rows.map(function (row) { return row.dataset.ticket; })));
    } catch (e) { /* storage off: j/k stay within the queue page */ }
  }

  function select(rows, index) {
    rows.forEach(function (row) { row.removeAttribute("aria-selected"); });
    var row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    row.setAttribute("aria-selected", "true");
    row.scrollIntoView({ block: "nearest" });
  }

  function ticketPk() {
    var match = location.pathname.match(/\/desk\/tickets\/(\d+)\/$/);
    return match ? match[1] : null;
  }

  function step(delta) {
    var rows = queueRows();
    if (rows.length) {
      var current = rows.findIndex(function (row) { return row.getAttribute("aria-selected") === "true"; });
      select(rows, current < 0 ? 0 : current + delta);
      return;
    }
    var pk = ticketPk();
    var order = [];
    try { order = JSON.parse(sessionStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { order = []; }
    var index = order.indexOf(pk);
    if (pk && index >= 0 && order[index + delta]) location.href = "/desk/tickets/" + order[index + delta] + "/";
  }

  function openSelected() {
    var row = document.querySelector("[data-shortcut-rows] tr[aria-selected=true]");
    if (row) location.href = "/desk/tickets/" + row.dataset.ticket + "/";
  }

  function compose(internal) {
    var body = document.getElementById("id_body");
    var box = document.getElementById("id_internal");
    if (!body) return;
    if (box) box.checked = internal;
    body.focus();
  }

  function assignToMe() {
    var form = document.getElementById("fields-form");
    var select = form && form.querySelector("select[name=assignee]");
    if (!select) return;
    select.value = form.dataset.me;
    form.requestSubmit();
  }

  function escalate() {
    var details = document.getElementById("escalate");
    if (!details) return;
    details.open = true;
    var reason = details.querySelector("textarea");
    if (reason) reason.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rows = queueRows();
    if (rows.length) remember(rows);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var dialog = document.getElementById("shortcuts");
    var key = event.key;
    if (pending === "g") {
      pending = "";
      if (key === "q") { location.href = "/desk/tickets/"; event.preventDefault(); }
      return;
    }
    var actions = {
      "j": function () { step(1); },
      "k": function () { step(-1); },
      "o": openSelected,
      "Enter": openSelected,
      "r": function () { compose(false); },
      "n": function () { compose(true); },
      "a": assignToMe,
      "e": escalate,
      "g": function () { pending = "g"; },
      "?": function () { if (dialog && !dialog.open) dialog.showModal(); },
    };
    if (actions[key]) {
      if (key === "Enter" && !document.querySelector("[data-shortcut-rows] tr[aria-selected=true]")) return;
      event.preventDefault();
      actions[key]();
    }
  });
})();
