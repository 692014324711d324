/* The scanner check page: records which key ended the scan (Enter, Tab, or none: a pause) and sends
 * the scanned text as it arrived, control characters included, for the server to diagnose. */
(function () {
  "use strict";
  var form = document.getElementById("check-form");
  if (!form) return;
  var input = form.elements.code, suffix = form.elements.suffix, timer = null;
  var PAUSE_MS = 1500;  // a scanner without a suffix: the scan is over when no key comes for this long

  function send(how) {
    clearTimeout(timer);
    if (!input.value) return;
    suffix.value = how;
    form.submit();
  }
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); send(e.key); }
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { send("none"); }, PAUSE_MS);
  });
  input.focus();
})();
