/* The scan page: keyboard-wedge input, double-read filter, offline queue, sound and vibration.
 *
 * Every scan, tap and typed quantity becomes a queue item {code|qty, scan_id, scanned_at}, kept in
 * localStorage, and is posted to the server one at a time, in order. Online the queue is one item
 * long for a few milliseconds; offline it grows ("3 queued") and is replayed when the server answers
 * again. The server decides what every scan means (its state machine sees the scans in the order
 * they were made) and dedupes by scan_id, so a retry or a replay records once.
 * No inline script, no framework; works over plain HTTP (no crypto.randomUUID). On HTTPS or localhost
 * a service worker (scan-offline.js, sw.js) lets the page itself load with no connection. */
(function () {
  "use strict";
  var root = document.getElementById("scan");
  if (!root) return;
  root.classList.add("js");
  var form = document.getElementById("scan-form");
  var input = document.getElementById("code");
  var live = document.getElementById("live");
  var queuedEl = document.getElementById("queued");
  var toggle = document.getElementById("type-toggle");
  var photoForm = document.getElementById("photo-form");
  var csrf = form.elements.csrf_token.value;
  var url = root.getAttribute("data-scan-url");
  var badgeUrl = root.getAttribute("data-badge-url");
  var owner = root.getAttribute("data-user");
  var dropUrl = root.getAttribute("data-drop-url");
  var asideBox = document.getElementById("aside");
  var asideForm = document.getElementById("aside-drop");
  // The page's own words, in the reader's language: a JSON block the server wrote (page.html).
  var WORDS = {};
  try { WORDS = JSON.parse(document.getElementById("scan-words").textContent); } catch (e) { /* none */ }
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  function t(key, values) {
    var text = WORDS[key] || key;
    if (typeof text === "object") {  // plural forms by category: the count picks one
      text = text[plurals ? plurals.select(values.count) : "other"] || text.other;
    }
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }

  var KEY = "scan-queue";
  var ASIDE_KEY = "scan-aside";  // scans of a person who no longer holds this handheld
  var SUFFIX_KEY = "scan-suffix-seen";
  // No key for this long ends a scan, only on a device that has never sent a suffix. A wedge that
  // sends a code in bursts (Bluetooth packets, a busy handheld) leaves gaps of a few hundred ms
  // between them; an operator cannot aim at the next label within a second. So bursts closer than
  // this belong to one scan, and a scanner without a suffix answers a second after each scan.
  var PAUSE_MS = 1000;
  var MIN_PAUSE_LEN = 3;   // a pause never ends a scan shorter than this
  var DOUBLE_MS = 1500;    // the same code again within this window is a double read
  var TIMEOUT_MS = 8000;   // a request that takes longer counts as "no connection"

  var storageGet = window.scanParts.storageGet, storageSet = window.scanParts.storageSet, uuid = window.scanParts.uuid;
  var queue = loadQueue(KEY);
  var aside = loadQueue(ASIDE_KEY);
  // The step the server's last answer left pending (signed, opaque): the first scan queued after it
  // carries it, so a lost session cannot turn "pallet, where to?" + location into another move.
  var firstPanel = document.getElementById("panel");
  var lastStep = firstPanel ? firstPanel.getAttribute("data-step") || "" : "";
  var role = firstPanel ? firstPanel.getAttribute("data-role") || "" : "";
  var busy = false, offline = false, retryTimer = null, retryDelay = 2000;
  var signedOut = false, staleRetried = false;
  var replay = null;       // {sent, refused} while draining a queue built up offline
  var last = {code: "", at: 0, again: false};  // the last code scanned; again: its answer asks for it
  var pauseTimer = null;
  var typing = input.getAttribute("inputmode") === "text";
  var suffixSeen = storageGet(SUFFIX_KEY) === "1";

  function loadQueue(key) {
    try {
      var q = JSON.parse(storageGet(key) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (e) { return []; }
  }

  function saveQueue() {
    storageSet(KEY, JSON.stringify(queue));
    showQueued();
  }

  // --- the wedge ------------------------------------------------------------------------------
  // A scan ends on its suffix (Enter or Tab, as a key or as a character in the text). Pieces that
  // arrive in several bursts simply accumulate in the field until then. Wedges set up without a
  // suffix end a scan with a pause; once this device has sent a suffix, pauses are ignored, so a
  // slow burst is never cut in two.
  // Tab in an empty field is a person leaving it (no scan is empty): the keyboard reaches the buttons.
  input.addEventListener("keydown", function (e) {
    if (e.key === "Tab" && !input.value) return;
    if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      if (!suffixSeen && input.value) { suffixSeen = true; storageSet(SUFFIX_KEY, "1"); }
      complete(input.value);
    }
  });

  input.addEventListener("input", function () {
    var value = input.value;
    var cut = value.search(/[\r\n\t]/);
    if (cut >= 0) {
      input.value = "";
      complete(value.slice(0, cut));
      input.value = value.slice(cut + 1).replace(/^[\r\n\t]+/, "");  // CR+LF: the LF is not a scan
    }
    clearTimeout(pauseTimer);
    if (!typing && !suffixSeen && input.value) {
      pauseTimer = setTimeout(function () {
        if (input.value.length >= MIN_PAUSE_LEN) complete(input.value);
      }, PAUSE_MS);
    }
  });

  function complete(text) {
    clearTimeout(pauseTimer);
    input.value = "";
    var code = text.replace(/^[\s]+|[\s]+$/g, "");
    if (!code) {  // a stray suffix, or Enter after typing on the keypad
      var qtyForm = typedQuantity();
      if (qtyForm) sendTyped(qtyForm);
      return;
    }
    var now = Date.now();
    var doubleEl = document.getElementById("double");
    if (doubleRead(code, now)) {  // sent once, and said so (until the next scan)
      doubleEl.hidden = false;
      doubleEl.textContent = t("readTwice", {code: code});
      feedback("info");
      return;
    }
    doubleEl.hidden = true;
    last = {code: code, at: now, again: false};
    if (typing) setTyping(false);
    if (signedOut) signIn(code);
    else enqueue({code: code});
  }

  // A double read is the same code again within a moment with nothing in between, unless the first
  // read's answer asked for it again (Undo: "scan UNDO again to confirm"; not recorded: "scan it
  // again"). Anything in between (a typed quantity, a tap) makes the same code again meant: a
  // pallet scanned again after its quantity. A double read is never silent: it is said.
  function doubleRead(code, now) {
    return code === last.code && now - last.at < DOUBLE_MS && !last.again;
  }

  // --- signed out -------------------------------------------------------------------------------
  // The session is gone: the queue waits, and the next scan is sent at once (not behind the queue)
  // as a badge. Signed in again, the queue carries on, still only with this user's own scans.
  function signIn(code) {
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    body.set("code", code);
    var pressed = live.querySelector("button.mode[aria-pressed=true]");
    if (pressed) body.set("mode", pressed.value.replace("CMD:MODE:", ""));  // the queue's mode
    busy = true;
    fetch(badgeUrl, {method: "POST", body: body, credentials: "same-origin",
                     headers: {"X-CSRFToken": csrf, "X-Scan-Client": "1"}})
      .then(function (res) {
        newToken(res);
        var go = res.headers.get("X-Scan-Redirect");  // a badge that also needs its PIN
        return res.text().then(function (html) {
          busy = false;
          if (go) { window.location.assign(go); return; }
          if (res.status === 401) { signedOutPanel(html); return; }
          if (!res.ok) throw new Error("server answered " + res.status);
          signedOut = false;
          show(html);
          pump();
        });
      })
      .catch(function () {
        busy = false;
        localPanel("bad", t("signedOut"), t("badgeNoConnection"));
      });
  }

  function signedOutPanel(html) {
    var old = document.getElementById("panel");
    var box = document.createElement("div");
    box.innerHTML = html;  // rendered by the server, escaped there
    var panel = box.querySelector("#panel");
    if (old && panel) old.parentNode.replaceChild(panel, old);
    Array.prototype.forEach.call(live.querySelectorAll(".replayed"), function (p) { p.remove(); });
    feedback("bad");
    announce();
    showQueued();
    focusInput();
  }

  // A response may carry the session's current CSRF token (after a lost session or a sign-in).
  function newToken(res) {
    var token = res.headers.get("X-CSRF-Token");
    if (!token) return false;
    csrf = token;
    Array.prototype.forEach.call(document.querySelectorAll("input[name=csrf_token]"),
                                 function (el) { el.value = token; });
    return true;
  }

  function setTyping(on) {
    typing = on;
    input.setAttribute("inputmode", on ? "text" : "none");
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    input.blur();
    focusInput();
  }

  toggle.addEventListener("click", function (e) {
    e.preventDefault();
    setTyping(!typing);
  });

  function focusInput() {
    input.focus({preventScroll: true});
  }

  // Keys typed while something else has focus (after a tap) still go into the scan field.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t === input || e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    focusInput();
  });

  // --- taps and typed quantities go through the same queue ----------------------------------------
  root.addEventListener("submit", function (e) {
    var f = e.target;
    if (f === photoForm) { e.preventDefault(); sendPhoto(); return; }
    if (!f.classList.contains("scan-action")) return;  // e.g. renaming the device: a normal post
    e.preventDefault();
    if (f === form) { complete(input.value); return; }
    var s = e.submitter;
    if (s && s.name === "code") enqueue({code: s.value});
    else if (s && s.name === "all") enqueue({qty: s.value});  // All, or Standard pack
    else sendTyped(f);
    focusInput();
  });

  // The quantity box of the panel: sent as typed (the server reads "20,5" as 20.5 and refuses what is
  // not a number, in red); an empty box is sent too, so the operator hears why nothing happened.
  function sendTyped(f) {
    var box = f.querySelector("input[name=qty]");
    if (box) enqueue({qty: box.value.trim()});
  }

  function typedQuantity() {
    var box = live.querySelector("form.qty input[name=qty]");
    return box && box.value.trim() ? box.form : null;
  }

  // --- the queue --------------------------------------------------------------------------------
  function enqueue(item) {
    if (item.code !== last.code) last = {code: "", at: 0, again: false};  // something in between
    var mode = item.code && /^CMD:MODE:([A-Z]+)$/.exec(item.code);
    if (mode) markMode(mode[1]);  // offline too, the buttons show the mode the queued scans are in
    item.scan_id = uuid();
    item.scanned_at = Date.now();
    item.user = owner;
    item.step = queue.length || busy ? "" : lastStep;  // behind other scans, those set the step
    queue.push(item);
    saveQueue();
    if (offline || busy) queuedPanel();
    pump();
  }

  function markMode(mode) {
    Array.prototype.forEach.call(live.querySelectorAll("button.mode"), function (b) {
      b.setAttribute("aria-pressed", b.value === "CMD:MODE:" + mode ? "true" : "false");
    });
  }

  function showQueued() {
    var n = queue.length;
    queuedEl.hidden = n === 0 || (n === 1 && busy && !offline);
    queuedEl.textContent = t(offline ? "queuedOffline" : "queued", {count: n});
    queuedEl.className = "queued" + (offline ? " offline" : "");
  }

  function pump() {
    if (busy || signedOut) return;
    sortOut();
    if (!queue.length) return;
    var item = queue[0];
    busy = true;
    clearTimeout(retryTimer);
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    if (item.code != null) body.set("code", item.code);
    if (item.qty != null) body.set("qty", item.qty);
    body.set("scan_id", item.scan_id);
    if (item.step) body.set("step", item.step);
    if (item.user) body.set("by", item.user);
    body.set("scanned_at", String(item.scanned_at));
    body.set("sent_at", String(Date.now()));
    post(body).then(function (res) {
      var fresh = newToken(res);
      if (res.status === 400 && fresh && !staleRetried) {
        // Still signed in, but the session was renewed elsewhere: the same scan again, new token.
        busy = false;
        staleRetried = true;
        pump();
        return;
      }
      staleRetried = false;
      if (res.status === 401) {  // signed out: keep the queue; the next scan is the badge
        busy = false;
        signedOut = true;
        return res.text().then(signedOutPanel);
      }
      var holder = res.status === 409 && res.headers.get("X-Scan-Owner");
      if (holder) {  // the session signs for someone else now: this scan is set aside, not sent
        busy = false;
        setOwner(holder);
        pump();
        return;
      }
      if (res.status === 502 || res.status === 503 || res.status === 504) {
        throw new Error("no server behind the proxy");  // like no connection: keep it, try again
      }
      if (!res.ok) {
        // A fault on the server for this scan: it would fail again, so it leaves the queue (the
        // scans behind it must not wait forever) and the operator hears it was not recorded.
        queue.shift();
        saveQueue();
        busy = false;
        if (item.code === last.code) last.again = true;
        localPanel("bad", t("notRecorded", {what: describe(item)}), t("serverFault", {status: res.status}));
        pump();
        return;
      }
      var go = res.headers.get("X-Scan-Redirect");
      return res.text().then(function (html) {
        queue.shift();
        saveQueue();
        busy = false;
        retryDelay = 2000;
        if (go) { window.location.assign(go); return; }
        if (offline) { offline = false; replay = replay || {sent: 0, refused: 0}; }
        show(html);
        pump();
      });
    }).catch(function () {
      busy = false;
      offline = true;
      if (!replay) replay = {sent: 0, refused: 0};
      queuedPanel();
      clearTimeout(retryTimer);
      retryTimer = setTimeout(pump, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  function post(body) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl && setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", signal: ctrl && ctrl.signal,
      headers: {"X-CSRFToken": csrf, "X-Scan-Client": "1"}
    }).then(function (res) { clearTimeout(timer); return res; },
            function (err) { clearTimeout(timer); throw err; });
  }

  window.addEventListener("online", function () { retryDelay = 2000; pump(); });

  function setOwner(user) {
    owner = user;
    var who = document.getElementById("who");
    if (who) who.textContent = user;
  }

  // --- the handheld changed hands: another person's queued scans are set aside ------------------------
  // Never sent under another name: they wait on this device until their person signs in here again
  // (then they go first, in order), or a lead drops them with a reason.
  function sortOut() {
    var back = [], still = [], mine = [], other = [];
    aside.forEach(function (i) { (i.user === owner ? back : still).push(i); });
    queue.forEach(function (i) { (!i.user || i.user === owner ? mine : other).push(i); });
    if (back.length || other.length) {
      queue = back.concat(mine);
      aside = still.concat(other);
      storageSet(ASIDE_KEY, JSON.stringify(aside));
      saveQueue();
    }
    showAside();
  }

  function asideOf() {  // {user: count}, in the order they were set aside
    var counts = {};
    aside.forEach(function (i) { counts[i.user] = (counts[i.user] || 0) + 1; });
    return counts;
  }

  function showAside() {
    var counts = asideOf(), users = Object.keys(counts);
    asideBox.hidden = users.length === 0;
    document.getElementById("aside-text").textContent = users.map(function (u) {
      return t("setAside", {count: counts[u], user: u});
    }).join(" ");
    asideForm.hidden = !(role === "lead" || role === "admin") || users.length === 0;
  }

  asideForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var user = Object.keys(asideOf())[0];
    if (!user) return;
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    body.set("user", user);
    body.set("count", String(asideOf()[user]));
    body.set("reason", asideForm.elements.reason.value);
    fetch(dropUrl, {method: "POST", body: body, credentials: "same-origin",
                    headers: {"X-CSRFToken": csrf, "X-Scan-Client": "1"}})
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) { localPanel("bad", t("notDropped"), data.error || String(res.status)); return; }
          aside = aside.filter(function (i) { return i.user !== user; });
          storageSet(ASIDE_KEY, JSON.stringify(aside));
          asideForm.reset();
          showAside();
          localPanel("info", t("dropped"), data.said);
        });
      })
      .catch(function () { localPanel("bad", t("notDropped"), t("noConnection")); });
  });

  // --- feedback -----------------------------------------------------------------------------------
  function show(html) {
    live.innerHTML = html;  // rendered by the server, scanned text escaped there
    var panel = document.getElementById("panel");
    var tone = panel ? panel.getAttribute("data-tone") : "info";
    var user = panel && panel.getAttribute("data-user");
    if (panel) {
      if (panel.querySelector("form.confirm")) last.again = true;
      lastStep = panel.getAttribute("data-step") || "";
      role = panel.getAttribute("data-role") || role;
    }
    if (user && user !== owner) setOwner(user);  // a badge scan handed the device over
    if (replay) {
      replay.sent += 1;
      if (tone === "bad") replay.refused += 1;
      if (queue.length) return;  // sound once, when the whole queue is through
      var done = replay;
      replay = null;
      // Still waiting for a quantity or a second scan: not "all recorded" yet.
      var waiting = tone === "wait" && panel.querySelector(".panel-title");
      banner(done, waiting ? waiting.textContent : "");
      feedback(done.refused ? "bad" : waiting ? "wait" : "ok");
    } else {
      feedback(tone);
    }
    announce();
    showQueued();
    focusInput();
  }

  // Screen readers: the panel is replaced on every scan, and a live region new to the page is not
  // read out. #said stays and says the panel's words (emptied first: the same words twice, read twice).
  function announce() {
    var said = document.getElementById("said");
    if (!said) return;
    var words = Array.prototype.map.call(live.querySelectorAll(".replayed, #panel .panel-title, #panel .panel-detail"),
                                         function (p) { return p.textContent.trim(); }).join(" ");
    said.textContent = "";
    setTimeout(function () { said.textContent = words; }, 50);
  }

  function banner(done, waiting) {
    var p = document.createElement("p");
    p.className = "replayed " + (done.refused ? "tone-bad" : waiting ? "tone-wait" : "tone-ok");
    p.setAttribute("role", "status");
    p.textContent = t("back", {count: done.sent}) +
      (done.refused ? t("backRefused", {count: done.refused}) : waiting ? "" : t("backAll")) +
      (waiting ? t("backWaiting", {what: waiting}) : "") + ".";
    live.insertBefore(p, live.firstChild);
  }

  function localPanel(tone, title, detail) {
    var panel = document.getElementById("panel");
    if (!panel) return;
    panel.className = "panel tone-" + tone;
    panel.setAttribute("data-tone", tone);
    panel.textContent = "";
    [["panel-title", title], ["panel-detail", detail]].forEach(function (pair) {
      var p = document.createElement("p");
      p.className = pair[0];
      p.textContent = pair[1];
      panel.appendChild(p);
    });
    feedback(tone);
    announce();
    focusInput();
  }

  function describe(item) {
    var mode = item.code && /^CMD:MODE:([A-Z]+)$/.exec(item.code);
    return mode ? t("mode", {mode: t("mode" + mode[1])})
                : item.code != null ? item.code : t("quantity", {qty: item.qty});
  }

  function queuedPanel() {
    showQueued();
    var item = queue[queue.length - 1];
    if (!item) return;
    localPanel("queued", t("saved", {what: describe(item)}),
               offline ? t("savedOffline", {count: queue.length}) : t("queued", {count: queue.length}));
  }

  var feedback = window.scanFeedback || function () {};

  // --- camera fallback ------------------------------------------------------------------------------
  photoForm.elements.image.addEventListener("change", sendPhoto);

  function sendPhoto() {
    var file = photoForm.elements.image.files[0];
    if (!file) return;
    if (queue.length) {
      localPanel("bad", t("photoNotSent"), t("photoAfterQueue"));
      return;
    }
    var data = new FormData(photoForm);
    var now = String(Date.now());
    data.set("scan_id", uuid());
    data.set("scanned_at", now);
    data.set("sent_at", now);
    busy = true;
    localPanel("info", t("photoReading"), "");
    fetch(url, {method: "POST", body: data, credentials: "same-origin",
                headers: {"X-CSRFToken": csrf, "X-Scan-Client": "1"}})
      .then(function (res) {
        newToken(res);
        return res.text().then(function (html) {
          busy = false;
          if (res.status === 401) { signedOut = true; signedOutPanel(html); return; }
          show(html);
          pump();
        });
      })
      .catch(function () {
        busy = false;
        localPanel("bad", t("noConnection"), t("photoNeedsServer"));
      })
      .then(function () { photoForm.reset(); });
  }

  // --- start ----------------------------------------------------------------------------------------
  showQueued();
  showAside();
  focusInput();
  if (root.getAttribute("data-shell") === "cache") {
    // Reloaded with no connection: the service worker gave the page as it last saw it.
    offline = true;
    lastStep = "";  // the page as it last was: its step may be long gone
    localPanel("queued", t("noConnection"), t("keepScanning"));
    showQueued();
  }
  pump();
})();
