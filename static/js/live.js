/* Live events from /live/stream/ (server-sent events). The browser's EventSource resumes
   a dropped stream by itself, sending the last id it saw (Last-Event-ID). Where streams
   cannot stay open (no EventSource, a server without ASGI, a proxy that cuts them: three
   failures before the first event), the same events are polled from /live/events/ every two seconds.
   HelpdeskLive.connect(element, onEvent) reads the URLs and the starting id from the
   element's data attributes (templates/live/_stream.html). */
(function () {
  "use strict";
  var POLL_MS = 2000;

  function query(el, after) {
    var params = new URLSearchParams();
    if (el.dataset.scope) params.set("scope", el.dataset.scope);
    if (el.dataset.ticket) params.set("ticket", el.dataset.ticket);
    params.set("after", String(after));
    return params.toString();
  }

  function connect(el, onEvent) {
    var last = parseInt(el.dataset.after || "0", 10);
    var failures = 0;
    var opened = false;

    function deliver(data) {
      if (data.id <= last) return;
      last = data.id;
      onEvent(data);
    }

    function poll() {
      fetch(el.dataset.pollUrl + "?" + query(el, last), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body) {
            body.events.forEach(deliver);
            if (body.last > last) last = body.last;
          }
        })
        .catch(function () {})
        .then(function () { window.setTimeout(poll, POLL_MS); });
    }

    if (!window.EventSource) {
      poll();
      return;
    }
    var source = new EventSource(el.dataset.streamUrl + "?" + query(el, last));
    source.onopen = function () { opened = true; failures = 0; };
    source.onmessage = function (message) { deliver(JSON.parse(message.data)); };
    source.addEventListener("revoked", function () { source.close(); });
    source.onerror = function () {
      if (!opened) failures += 1;
      // CLOSED: the server refused the stream for good (a 204 from a WSGI server).
      if (failures >= 3 || source.readyState === EventSource.CLOSED) {
        source.close();
        poll();
      }
    };
  }

  window.HelpdeskLive = { connect: connect };
})();
