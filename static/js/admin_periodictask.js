// django-celery-beat's periodic-task form: under the crontab field, say in words what the
// chosen schedule means (the package's inline script, moved here for the
// Content-Security-Policy; templates/admin/djcelery/change_periodictask_form.html).
(function () {
  var data = document.getElementById("readable-crontabs");
  if (!data) { return; }
  var readable = JSON.parse(data.textContent);
  var translation = document.querySelector(".field-crontab_translation");
  if (translation) { translation.hidden = true; }
  var help = document.querySelector(".field-crontab .help");
  var select = document.getElementById("id_crontab");
  if (!help || !select) { return; }
  var original = Array.prototype.slice.call(help.childNodes).map(function (node) {
    return node.cloneNode(true);
  });
  select.addEventListener("change", function () {
    help.replaceChildren.apply(help, original.map(function (node) { return node.cloneNode(true); }));
    help.appendChild(document.createElement("br"));
    help.appendChild(document.createTextNode("Translation: " + (readable[select.value] || "")));
  });
})();
