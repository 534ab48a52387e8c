/* Live-chat SLA countdowns ([data-countdown-until], rendered by the sla_countdown template
   filter): ticked every second against the server's clock (#countdown-texts data-now, so a
   wrong clock on the agent's computer does not shift them), in the page's language. Past
   the due time they count up, marked "over". Rows replaced by the live queue are picked up
   at the next tick. */
(function () {
  "use strict";
  var texts = document.getElementById("countdown-texts");
  if (!texts) return;
  var skew = Date.parse(texts.dataset.now) - Date.now();
  if (isNaN(skew)) skew = 0;

  function fill(format, values) {
    return format.replace(/%\((\w+)\)(02)?d/g, function (_, name, pad) {
      var text = String(values[name]);
      return pad && text.length < 2 ? "0" + text : text;
    });
  }

  function text(seconds) {
    if (seconds < 60) return fill(texts.dataset.seconds, { seconds: seconds });
    if (seconds < 3600) return fill(texts.dataset.minutes, { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
    return fill(texts.dataset.hours, { hours: Math.floor(seconds / 3600), minutes: Math.floor((seconds % 3600) / 60) });
  }

  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-countdown-until]").forEach(function (el) {
      var until = Date.parse(el.dataset.countdownUntil);
      if (isNaN(until)) return;
      var left = Math.trunc((until - now) / 1000);
      el.textContent = text(Math.abs(left));
      el.classList.toggle("over", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 30);
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
