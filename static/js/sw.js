/* The scan page's service worker: the page loads with no connection, so an operator can keep
 * scanning into the page's own queue (localStorage) and have it sent when the network is back.
 *
 * Served at /scan-sw.js?v=VERSION and registered for the scope /scan. What it does, and no more:
 * - caches the scan page shell (the last /scan it saw online) and the static files the page uses;
 * - never touches a POST (or any request but GET): scans always go to the server, or wait in the
 *   page's queue, never in this cache;
 * - the page first from the network (its tokens and the signed-in user stay fresh), from the cache
 *   only when the network fails or has not answered within a few seconds, so a stale cache can
 *   never hang the page; static files from this version's cache;
 * - a new VERSION (any change of the app's CSS or JS) installs at once and drops the old cache;
 * - the server can switch it off (SCAN_OFFLINE=0): the page then unregisters it, and this URL serves
 *   a worker that removes itself. */
"use strict";

var VERSION = new URL(self.location.href).searchParams.get("v") || "0";
var CACHE = "scan-shell-" + VERSION;
var SHELL = self.registration.scope;  // the page itself: /scan
var STATIC = ["static/css/app.css", "static/css/scan.css", "static/js/scan-parts.js",
              "static/js/scan-feedback.js", "static/js/scan.js", "static/js/scan-offline.js"];
var NETWORK_WAIT_MS = 4000;  // patchy Wi-Fi: after this long without an answer, the cached page

function here(path) { return new URL(path, self.location.href).href; }

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // The files of this version, fetched past the HTTP cache, and the page as it is now. Signed out,
    // the page redirects to the sign-in page: not followed, since loading that page gives the browser
    // a new session cookie, which would replace the one the page's own badge scan is about to use.
    var shell = fetch(new Request(SHELL, {cache: "reload", credentials: "same-origin", redirect: "manual"}))
      .then(function (res) {
        if (res.ok && !res.redirected) return cache.put(SHELL, res);
      });
    return Promise.all([shell].concat(STATIC.map(function (path) {
      return fetch(new Request(here(path), {cache: "reload"})).then(function (res) {
        if (res.ok) return cache.put(here(path), res);
      });
    })));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("scan-shell-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;  // scans, sign-ins, sign-outs: the network's, always
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && url.href.split(/[?#]/)[0] === SHELL) {
    event.respondWith(page(req));
  } else if (STATIC.some(function (path) { return here(path) === url.href; })) {
    event.respondWith(caches.match(url.href).then(function (hit) { return hit || fetch(req); }));
  }
});

function page(req) {
  var network = fetch(req).then(function (res) {
    // Only a real page: a redirect to the sign-in page or an error must not replace the shell,
    // and not /scan?type=1 (the keyboard variant): the shell is the plain page.
    if (res.ok && res.type === "basic" && !res.redirected && new URL(req.url).search === "") {
      var copy = res.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(SHELL, copy); });
    }
    return res;
  });
  var late = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS); });
  var fallback = function () {
    return caches.match(SHELL).then(function (hit) { return hit ? offlineCopy(hit) : network; });
  };
  return Promise.race([network, late.then(function () { return "late"; })]).then(function (won) {
    return won === "late" ? fallback() : won;
  }, fallback);
}

// The cached page says it came from here, so the page knows it is offline and that its panel is old.
function offlineCopy(res) {
  return res.text().then(function (html) {
    return new Response(html.replace('data-shell="network"', 'data-shell="cache"'), {
      status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}
    });
  });
}
