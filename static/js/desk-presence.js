/* The agent's presence (templates/desk/base.html, #presence-status): every desk page
   reports itself open to /live/heartbeat/ every data-every seconds, with the seconds since
   its last keyboard or pointer input, and shows the answer (online, away, offline: what
   routing sees) in the header, with the manual away / available toggle. The server writes
   at most once a minute per agent, so the status may lag a minute behind. */
(function () {
  "use strict";
  var form = document.getElementById("presence-status");
  if (!form || !window.fetch) return;
  var url = form.dataset.heartbeatUrl;
  var every = parseInt(form.dataset.every || "30", 10) * 1000;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var label = form.querySelector("[data-presence-label]");
  var toggle = form.querySelector("[data-presence-toggle]");
  var available = form.querySelector("[data-available]");
  var lastInput = Date.now();

  function beat() {
    var body = new FormData();
    body.append("idle", String(Math.max(0, Math.round((Date.now() - lastInput) / 1000))));
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
      .then(function (response) { return response.status === 200 ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        form.dataset.status = data.status;
        label.textContent = data.label;
        toggle.textContent = data.toggle;
        available.disabled = data.available; // submitting without "available" sets the agent away
        form.hidden = false;
      })
      .catch(function () {});
  }

  function input() {
    var wasIdle = Date.now() - lastInput > 60000;
    lastInput = Date.now();
    if (wasIdle) beat(); // back after a minute or more: say so now, not at the next beat
  }
  ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, input, { passive: true });
  });
  beat();
  window.setInterval(beat, every);
})();
