// Tribune dashboard: keyboard shortcuts and decisions without page reloads for the queue, and
// the live waiting count. Everything works without it (plain forms). Loaded from /static (the
// Content-Security-Policy forbids inline script); data comes from data-* attributes.
(function () {
  "use strict";

  var PENDING = "tribune.pending"; // sessionStorage: a decision the server did not record
  var KEYS = "tribune.keys"; // localStorage: "off" turns single-key shortcuts off
  var countNow = function () {}; // set by startPolling: refresh the waiting count at once

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // say writes a message into the queue's live region; alert makes it an error.
  function say(msg, alert) {
    var st = $("#status");
    if (!st) return;
    st.textContent = msg;
    st.className = alert ? "status error" : "status flash";
    st.setAttribute("role", alert ? "alert" : "status");
  }

  // post sends a form's fields as the page's script: the server answers JSON.
  function post(action, fields) {
    var body = new URLSearchParams();
    fields.forEach(function (kv) { body.append(kv[0], kv[1]); });
    return fetch(action, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { Accept: "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) { return { status: r.status, body: d }; });
    });
  }

  function formFields(form, submitter) {
    var fd = new FormData(form), out = [];
    fd.forEach(function (v, k) { out.push([k, String(v)]); });
    if (submitter && submitter.name) out.push([submitter.name, submitter.value]);
    return out;
  }

  function csrfToken() {
    var el = $('#bulk input[name="csrf"]') || $('.logout input[name="csrf"]');
    return el ? el.value : "";
  }

  function errorMessage(res) {
    return (res.body && res.body.error && res.body.error.message) || ("The server answered " + res.status + ".");
  }

  // A decision the server did not record because the session had ended is kept in
  // sessionStorage (this tab only) and offered again after logging in.
  function keepPending(action, fields, what) {
    try { sessionStorage.setItem(PENDING, JSON.stringify({ action: action, fields: fields, what: what })); } catch (e) { /* private mode */ }
    var login = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    showPending("Your session has ended: " + what + " was NOT recorded. It is kept in this tab; log in again and send it.", login);
  }

  function showPending(text, loginURL) {
    var box = $("#pending");
    if (!box) return;
    $("#pending-text").textContent = text;
    var send = $("#pending-send");
    send.hidden = !!loginURL;
    var link = $("#pending-login", box);
    if (loginURL) {
      if (!link) {
        link = document.createElement("a");
        link.id = "pending-login";
        link.textContent = "Log in again";
        box.insertBefore(link, send);
      }
      link.href = loginURL;
    } else if (link) {
      link.remove();
    }
    box.hidden = false;
  }

  function offerPending(refresh) {
    var raw = null;
    try { raw = sessionStorage.getItem(PENDING); } catch (e) { return; }
    if (!raw) return;
    var p;
    try { p = JSON.parse(raw); } catch (e) { sessionStorage.removeItem(PENDING); return; }
    showPending("Not yet recorded, from before your session ended: " + p.what + ".", null);
    $("#pending-send").onclick = function () {
      var fields = p.fields.map(function (kv) { return kv[0] === "csrf" ? ["csrf", csrfToken()] : kv; });
      post(p.action, fields).then(function (res) {
        if (res.status === 401) { keepPending(p.action, p.fields, p.what); return; }
        sessionStorage.removeItem(PENDING);
        $("#pending").hidden = true;
        if (res.status >= 400) say(p.what + " was not recorded: " + errorMessage(res), true);
        else say((res.body && res.body.message) || "Recorded.", false);
        refresh();
      }, function () { say("The server could not be reached; " + p.what + " is still kept.", true); });
    };
    $("#pending-drop").onclick = function () {
      sessionStorage.removeItem(PENDING);
      $("#pending").hidden = true;
      say("Discarded: " + p.what + ".", false);
    };
  }

  // Live count: poll the small JSON endpoint, update every counter, and tell listeners: onNew
  // with how many more comments wait than at the last poll, onChange for every other change
  // (and every fifth poll, for other moderators' claims).
  function startPolling(onChange, onNew) {
    var url = document.body.dataset.countUrl;
    var every = parseInt(document.body.dataset.pollMs, 10) || 3000;
    if (!url || !document.getElementById("queue-count")) return;
    // The count the page was rendered with is the first one seen: a comment arriving before
    // the first poll is new too.
    var shown = parseInt(document.getElementById("queue-count").textContent, 10);
    var last = isNaN(shown) ? null : shown, ticks = 0;
    function tick(timer) {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d || typeof d.waiting !== "number") return;
          ["queue-count", "waiting"].forEach(function (id) {
            var el = document.getElementById(id);
            if (el) el.textContent = String(d.waiting);
          });
          // A changed count means new or decided comments; every fifth tick also picks up
          // other moderators' claims.
          // A count read for a refresh (timer false) only updates the numbers.
          if (timer) ticks++;
          if (timer && onNew && last !== null && d.waiting > last) onNew(d.waiting - last);
          else if (timer && onChange && ((last !== null && d.waiting !== last) || ticks % 5 === 0)) onChange();
          last = d.waiting;
        })
        .catch(function () {});
    }
    setInterval(function () { tick(true); }, every);
    countNow = function () { tick(false); };
  }

  // The queue: j/k move, a approve, r reject (then 1-9 in the reason menu), x select, o open,
  // ? help. Decisions go by fetch; the list refreshes in place, keeping the cursor and selections.
  function startQueue() {
    var box = $("#queue-items");
    if (!box) return null;
    var help = $("#help");
    var keysOn = $("#keys-on");
    var cur = null; // the current item element
    var busy = false;

    try { if (localStorage.getItem(KEYS) === "off") keysOn.checked = false; } catch (e) { /* ignore */ }
    keysOn.closest("label").hidden = false;
    keysOn.addEventListener("change", function () {
      try { localStorage.setItem(KEYS, keysOn.checked ? "on" : "off"); } catch (e) { /* ignore */ }
    });

    function items() { return $all("#items > .item"); }
    function theirs(it) { return it.classList.contains("theirs"); }

    function focus(it, noFocus) {
      if (!it) return;
      if (cur && cur !== it) cur.classList.remove("current", "rejecting");
      cur = it;
      it.classList.add("current");
      if (!noFocus) it.focus({ preventScroll: true });
      it.scrollIntoView({ block: "nearest" });
    }

    // step moves the cursor by dir, skipping items another moderator holds.
    function step(dir) {
      var list = items(), i = list.indexOf(cur);
      for (var j = i + dir; j >= 0 && j < list.length; j += dir) {
        if (!theirs(list[j])) { focus(list[j]); return; }
      }
    }

    function first() {
      var list = items();
      return list.filter(function (it) { return it.classList.contains("mine"); })[0] ||
        list.filter(function (it) { return !theirs(it); })[0] || list[0] || null;
    }

    // after removing an item, the cursor goes to the next one the moderator may decide.
    function removeAndAdvance(it) {
      var list = items(), i = list.indexOf(it), next = null;
      for (var j = i + 1; j < list.length && !next; j++) if (!theirs(list[j])) next = list[j];
      for (j = i - 1; j >= 0 && !next; j--) if (!theirs(list[j])) next = list[j];
      it.remove();
      if (cur === it) cur = null;
      if (next) focus(next);
    }

    // claim tops up this moderator's claims, so that two moderators working at once are
    // offered different items. It is a POST of its own: showing the queue changes nothing.
    function claim() {
      return post("/queue/claim", [["csrf", csrfToken()]]).catch(function () {});
    }

    // refresh claims, then fetches the list again and merges it in place: new comments
    // appear, items others decided go, claims update; the cursor and the x selections stay.
    // Only the held queue has claims: the other queues just fetch.
    // While it runs the list is marked aria-busy, so assistive technology waits for the
    // merged list rather than announcing each change.
    function refresh() {
      var items = $("#items");
      if (items) items.setAttribute("aria-busy", "true");
      var p = items && items.dataset.queue !== "held" ? fetchList() : claim().then(fetchList);
      if (!items) return p;
      return p.finally(function () { items.removeAttribute("aria-busy"); });
    }

    function fetchList() {
      countNow();
      var q = new URLSearchParams(location.search);
      q.set("fragment", "1");
      return fetch("/queue?" + q.toString(), { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) {
          if (r.status === 401) { say("Your session has ended. Log in again to go on; nothing is lost.", true); return null; }
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          if (html === null) return;
          hideFresh();
          var tpl = document.createElement("template");
          tpl.innerHTML = html;
          var fresh = $("#items", tpl.content);
          var old = $("#items");
          if (!fresh || !old) return;
          var checked = {};
          $all(".select", old).forEach(function (b) { if (b.checked) checked[b.value] = true; });
          // The current item's element stays where it is (moving it would take the focus and
          // the typed note away); every other item is replaced by its fresh copy.
          $all(".item", old).forEach(function (it) { if (it !== cur) it.remove(); });
          var seen = false, keep = cur && cur.dataset.id;
          $all(".item", fresh).forEach(function (it) {
            var b = $(".select", it);
            if (b && checked[b.value]) b.checked = true;
            if (it.dataset.id === keep) {
              seen = true;
              var cls = it.className + " current" + (cur.classList.contains("rejecting") ? " rejecting" : "");
              cur.className = cls;
              if (it.dataset.holder) cur.dataset.holder = it.dataset.holder;
              return;
            }
            if (cur && !seen) old.insertBefore(it, cur); else old.appendChild(it);
          });
          if (cur && !seen) {
            say("Comment #" + keep + " was decided by another moderator or left the queue.", true);
            var gone = cur;
            cur = null;
            gone.remove();
            focus(first(), true);
          } else if (!cur) {
            focus(first(), true);
          }
          $all(".pager, .empty", box).forEach(function (el) { el.remove(); });
          $all(".pager, .empty", tpl.content).forEach(function (el) { box.appendChild(el); });
        })
        .catch(function () {});
    }

    function describe(fields) {
      var m = {};
      fields.forEach(function (kv) { m[kv[0]] = kv[1]; });
      var what = m.verdict === "reject" ? "rejecting" : "approving";
      var ids = fields.filter(function (kv) { return kv[0] === "id"; }).length;
      what += m.comment_id ? " comment #" + m.comment_id : " " + ids + " selected comment(s)";
      if (m.reason) what += " (" + m.reason.replace(/_/g, " ") + ")";
      return what;
    }

    function sendDecision(form, submitter, extra) {
      if (busy) return;
      var fields = formFields(form, submitter).concat(extra || []);
      var what = describe(fields);
      var it = form.closest(".item");
      busy = true;
      post(form.getAttribute("action"), fields).then(function (res) {
        busy = false;
        if (res.status === 401) { keepPending(form.getAttribute("action"), fields, what); return; }
        if (res.status >= 400) {
          say("Not recorded: " + errorMessage(res), true);
          refresh();
          return;
        }
        if (it) {
          say(res.body.message || "Recorded.", false);
          if (res.body.undo_seconds) offerUndo(res.body.comment_id, res.body.undo_seconds);
          removeAndAdvance(it);
        } else {
          bulkDone(res.body);
        }
        refresh();
      }, function () {
        busy = false;
        say("The server could not be reached: " + what + " was NOT recorded. Try again.", true);
      });
    }

    // offerUndo adds an Undo button (and the u key) to the message for the undo window.
    var undoTimer = null;
    function offerUndo(id, secs) {
      var st = $("#status");
      if (!st) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "undo-button";
      b.id = "undo";
      b.textContent = "Undo (u)";
      st.appendChild(b);
      clearTimeout(undoTimer);
      undoTimer = setTimeout(function () { b.remove(); }, secs * 1000);
      b.addEventListener("click", function () {
        clearTimeout(undoTimer);
        b.remove();
        post("/queue/undo", [["csrf", csrfToken()], ["comment_id", String(id)]]).then(function (res) {
          if (res.status === 401) { say("Your session has ended: the decision was NOT undone. Log in again; it can be changed on the comment's page.", true); return; }
          if (res.status >= 400) { say("Not undone: " + errorMessage(res), true); return; }
          say(res.body.message || "Undone.", false);
          refresh().then(function () { var back = $("#item-" + id); if (back) focus(back); });
        }, function () { say("The server could not be reached: the decision was NOT undone.", true); });
      });
    }

    // The "N new comments" prompt: new comments are announced at once and come into the list
    // when the moderator asks (or with the list's next refresh), so the list does not move
    // under the cursor while someone reads.
    var fresh = 0;
    function showFresh(n) {
      var p = $("#fresh");
      if (!p) { refresh(); return; }
      fresh += n;
      $("#fresh-show").textContent = fresh + (fresh === 1 ? " new comment" : " new comments") + " — show";
      p.hidden = false;
    }
    function hideFresh() {
      fresh = 0;
      var p = $("#fresh");
      if (p) p.hidden = true;
    }
    var freshButton = $("#fresh-show");
    if (freshButton) freshButton.addEventListener("click", function () { refresh(); });

    function bulkDone(r) {
      (r.ids || []).forEach(function (id) {
        var it = $("#item-" + id);
        if (it) { if (it === cur) removeAndAdvance(it); else it.remove(); }
      });
      var msg = (r.verdict === "reject" ? "Rejected " : "Approved ") + r.decided + " comment(s).";
      if (r.failed && r.failed.length) {
        msg += " Not decided: " + r.failed.map(function (f) { return "#" + f.comment_id + " (" + f.message + ")"; }).join("; ");
      }
      say(msg, r.failed && r.failed.length > 0);
      var all = $("#select-all");
      if (all) all.checked = false;
    }

    document.addEventListener("submit", function (e) {
      var form = e.target;
      // form.id would be the form's controls named "id" (the bulk checkboxes), not its id.
      var bulk = form.getAttribute("id") === "bulk";
      var inQueue = bulk || (form.closest(".item") && form.getAttribute("action") === "/queue/decide");
      if (!inQueue) return;
      e.preventDefault();
      if (bulk) {
        var v = e.submitter && e.submitter.value;
        if (!$all(".item .select:checked").length) { say("Select at least one comment first (x or the boxes).", true); return; }
        if (v === "reject" && !$("#bulk-reason").value) { say("Choose a reason for rejecting the selection.", true); $("#bulk-reason").focus(); return; }
        // A bulk rejection is asked about first (the server asks forms sent without script).
        if (v === "reject") {
          var n = $all(".item .select:checked").length;
          var reason = $("#bulk-reason").selectedOptions[0].textContent;
          if (!window.confirm("Reject " + n + " selected comment(s) as " + reason + "?")) { say("Nothing was rejected.", false); return; }
          sendDecision(form, e.submitter, [["confirm", "1"]]);
          return;
        }
      }
      sendDecision(form, e.submitter);
    });

    var all = $("#select-all");
    if (all) {
      all.addEventListener("change", function () {
        $all(".item .select").forEach(function (b) { b.checked = all.checked; });
      });
    }
    box.addEventListener("click", function (e) {
      var it = e.target.closest(".item");
      if (it && it !== cur) focus(it, e.target !== it);
    });
    // Focus moving into another item by keyboard (Tab) makes it current. A mouse press must
    // not: opening the item on mousedown would shift the layout under the pointer, and the
    // click would land elsewhere. The click handler above opens it afterwards.
    var pressing = false;
    box.addEventListener("mousedown", function () { pressing = true; });
    document.addEventListener("mouseup", function () { setTimeout(function () { pressing = false; }, 0); });
    box.addEventListener("focusin", function (e) {
      var it = e.target.closest(".item");
      if (it && it !== cur && !pressing) focus(it, true);
    });

    function submit(form) {
      if (form.requestSubmit) form.requestSubmit(); else sendDecision(form, null);
    }
    function heldBy(it) {
      say("Comment #" + it.dataset.id + " is held by " + (it.dataset.holder || "another moderator") + "; j/k move to your own.", true);
    }

    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || !keysOn.checked) return;
      var it = cur;
      var t = e.target;
      var tag = (t && t.tagName) || "";
      if (it && it.classList.contains("rejecting")) {
        if (e.key === "Escape") {
          it.classList.remove("rejecting");
          it.focus();
          e.preventDefault();
          return;
        }
        if (t && t.classList && t.classList.contains("reject-reason") && e.key === "Enter" && t.value) {
          submit(it.querySelector("form.reject"));
          e.preventDefault();
          return;
        }
        // Digits choose a reason only in the reason menu: typed in the note they are text.
        if (t && t.classList && t.classList.contains("reject-reason") && /^[1-9]$/.test(e.key)) {
          var opt = t.options[parseInt(e.key, 10)]; // options[0] is the "reason…" prompt
          if (opt) {
            t.value = opt.value;
            submit(it.querySelector("form.reject"));
          }
          e.preventDefault();
        }
        return;
      }
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      if (help && !help.hidden && e.key !== "?" && e.key !== "Escape") return;
      switch (e.key) {
        case "j": if (cur) step(1); else focus(first()); break;
        case "k": if (cur) step(-1); else focus(first()); break;
        case "a":
          if (!it) return;
          if (theirs(it)) { heldBy(it); break; }
          submit(it.querySelector("form.approve"));
          break;
        case "r":
          if (!it) return;
          if (theirs(it)) { heldBy(it); break; }
          it.classList.add("rejecting");
          it.querySelector(".reject-reason").focus();
          break;
        case "x":
          if (it) { var b = it.querySelector(".select"); b.checked = !b.checked; }
          break;
        case "o": if (it) window.location.href = it.querySelector("a.cid").href; break;
        case "u":
          var ub = $("#undo");
          if (!ub) { say("Nothing to undo: only your last decision, within 10 seconds.", true); break; }
          ub.click();
          break;
        case "?":
          if (!help) return;
          help.hidden = !help.hidden;
          if (!help.hidden) help.focus(); else if (cur) cur.focus();
          break;
        case "Escape":
          if (!help || help.hidden) return;
          help.hidden = true;
          if (cur) cur.focus();
          break;
        default: return;
      }
      e.preventDefault();
    });

    focus(first());
    offerPending(refresh);
    // The page opens unclaimed: claim, then put the cursor on one of this moderator's items
    // unless it has moved on its own.
    var opened = cur;
    refresh().then(function () {
      if (cur === opened && !(cur && cur.classList.contains("mine"))) focus(first());
    });
    return { refresh: refresh, fresh: showFresh };
  }

  // Forms marked data-confirm (overriding another moderator's decision) ask first. Without
  // the script they are sent as they are, and the page after the decision offers an undo.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    var q = startQueue();
    // Only the held queue's count is polled: the prompt belongs there.
    var held = q && $("#items") && $("#items").dataset.queue === "held";
    startPolling(q && q.refresh, held ? q.fresh : null);
  });
})();
