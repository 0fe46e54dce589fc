// Behaviour of every page, bound here because the Content-Security-Policy allows no inline
// script or event handler (config/settings.py).

// A select marked data-autosubmit sends its form when changed (the language switch).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// A bar marked data-progress="N" is N % wide (style set by script, which the policy allows).
document.querySelectorAll("[data-progress]").forEach(function (bar) {
  var value = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0));
  bar.style.width = value + "%";
});
