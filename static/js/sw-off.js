/* What /scan-sw.js serves when the server switched offline support off (SCAN_OFFLINE=0): a worker
 * that replaces the old one, drops its caches and unregisters itself, on devices that never run the
 * page's own clean-up (a cache that hung requests made another MES ship exactly this). */
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("scan-shell-") === 0; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.registration.unregister(); }));
});
