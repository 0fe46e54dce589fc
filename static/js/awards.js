// Buttons marked .js-print print the page (the certificate).
document.querySelectorAll(".js-print").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
