/* Small parts of the scan page that need nothing of its state, loaded before scan.js: storage
 * that survives a full or switched-off localStorage, scan ids, and the gloves keypad. */
(function () {
  "use strict";
  function storageGet(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function storageSet(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* full or off */ } }

  // UUID v4 from getRandomValues: crypto.randomUUID exists only in a secure
  // context, and a plant may run plain HTTP.
  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // The on-screen keypad: big keys for gloves, typing into the quantity box. The scan field keeps
  // the focus, so the next wedge scan still lands there; Enter in an empty scan field sends the box.
  document.addEventListener("click", function (e) {
    var key = e.target.closest && e.target.closest("button.key");
    if (!key) return;
    var box = key.form && key.form.querySelector("input[name=qty]");
    if (!box) return;
    var k = key.getAttribute("data-key");
    box.value = k === "back" ? box.value.slice(0, -1) : (box.value + k).slice(0, 20);
    var field = document.getElementById("code");
    if (field) field.focus({preventScroll: true});
  });

  window.scanParts = {storageGet: storageGet, storageSet: storageSet, uuid: uuid};
})();
