// Tribune dashboard: keyboard shortcuts for the queue and the live waiting count. Everything
// else works without it. Loaded from /static (the Content-Security-Policy forbids inline
// script); data comes from data-* attributes.
(function () {
  "use strict";

  // Live count: poll the small JSON endpoint and update every counter on the page.
  function startPolling() {
    var url = document.body.dataset.countUrl;
    var every = parseInt(document.body.dataset.pollMs, 10) || 3000;
    if (!url || !document.getElementById("queue-count")) return;
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d || typeof d.waiting !== "number") return;
          ["queue-count", "waiting"].forEach(function (id) {
            var el = document.getElementById(id);
            if (el) el.textContent = String(d.waiting);
          });
        })
        .catch(function () {});
    }
    setInterval(tick, every);
  }

  // Queue keyboard: j/k move, a approve, r reject (then 1-9 reason), x select, o open, ? help.
  function startQueue() {
    var items = Array.prototype.slice.call(document.querySelectorAll(".item"));
    var help = document.getElementById("help");
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll(".item .select").forEach(function (b) { b.checked = all.checked; });
      });
    }
    if (!items.length && !help) return;
    var cur = -1;

    function focus(i) {
      if (!items.length) return;
      i = Math.max(0, Math.min(items.length - 1, i));
      if (cur >= 0 && items[cur]) items[cur].classList.remove("current", "rejecting");
      cur = i;
      items[cur].classList.add("current");
      items[cur].focus({ preventScroll: true });
      items[cur].scrollIntoView({ block: "nearest" });
    }
    items.forEach(function (it, i) {
      it.addEventListener("click", function () { if (cur !== i) focus(i); });
    });
    if (items.length) focus(0);

    function current() { return cur >= 0 ? items[cur] : null; }
    function rejecting() { var it = current(); return it && it.classList.contains("rejecting"); }
    function submit(form) {
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var it = current();
      if (rejecting()) {
        var sel = it.querySelector(".reject-reason");
        if (e.key === "Escape") {
          it.classList.remove("rejecting");
          it.focus();
          e.preventDefault();
          return;
        }
        if (/^[1-9]$/.test(e.key)) {
          var opt = sel.options[parseInt(e.key, 10)]; // options[0] is the "reason…" prompt
          if (opt) {
            sel.value = opt.value;
            submit(it.querySelector("form.reject"));
          }
          e.preventDefault();
          return;
        }
        if (e.key === "Enter" && document.activeElement === sel && sel.value) {
          submit(it.querySelector("form.reject"));
          e.preventDefault();
        }
        return;
      }
      var tag = (e.target && e.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
      switch (e.key) {
        case "j": focus(cur + 1); break;
        case "k": focus(cur - 1); break;
        case "a": if (it) submit(it.querySelector("form.approve")); break;
        case "r":
          if (it) {
            it.classList.add("rejecting");
            it.querySelector(".reject-reason").focus();
          }
          break;
        case "x":
          if (it) { var box = it.querySelector(".select"); box.checked = !box.checked; }
          break;
        case "o": if (it) window.location.href = it.querySelector("a.cid").href; break;
        case "?": if (help) help.hidden = !help.hidden; break;
        case "Escape": if (help) help.hidden = true; break;
        default: return;
      }
      e.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startPolling();
    startQueue();
  });
})();
