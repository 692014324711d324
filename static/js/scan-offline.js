/* Offline reload for the scan page: registers the service worker (static/js/sw.js, served at
 * /scan-sw.js) for the scope /scan, or, when the server has switched it off, removes it and its
 * caches. Needs a secure context (HTTPS, or localhost): on plain HTTP there is no
 * navigator.serviceWorker and this does nothing (README, "On the floor"). */
(function () {
  "use strict";
  var root = document.getElementById("scan");
  if (!root || !("serviceWorker" in navigator)) return;
  var sw = navigator.serviceWorker;
  var scope = new URL(root.getAttribute("data-sw-scope"), location.href).href;
  if (root.getAttribute("data-offline") === "on") {
    sw.register(root.getAttribute("data-sw-url"), {scope: scope}).catch(function () { /* no worker: online only */ });
    return;
  }
  sw.getRegistrations().then(function (registrations) {
    registrations.forEach(function (r) { if (r.scope === scope) r.unregister(); });
  });
  if (window.caches) {
    caches.keys().then(function (names) {
      names.forEach(function (name) { if (name.indexOf("scan-shell-") === 0) caches.delete(name); });
    });
  }
})();
