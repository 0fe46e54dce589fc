// Selects marked .js-autosubmit submit their form on change (the year picker).
document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
