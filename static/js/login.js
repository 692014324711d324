// The sign-in page on a handheld: a badge scan ends with Enter or Tab (the wedge's suffix), and
// Tab would only move the focus away; here it signs in. "Type the badge code" opens the keyboard.
(function () {
  if (window.stagingLoginWired) return;  // loaded again after a boosted navigation
  window.stagingLoginWired = true;
  document.addEventListener("keydown", function (e) {
    var field = e.target;
    if (e.key !== "Tab" || !field || field.id !== "badge" || !field.value.trim()) return;
    e.preventDefault();
    if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
  });
  document.addEventListener("click", function (e) {
    if (!e.target || e.target.id !== "badge-type") return;
    var field = document.getElementById("badge");
    if (!field) return;
    e.preventDefault();
    field.setAttribute("inputmode", "text");
    field.blur();
    field.focus();
  });
})();
