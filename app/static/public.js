// The portal's forms: a refused form brings the keyboard's focus (and a screen reader) to
// the summary of its errors, whose links lead to each field.
(function () {
  var summary = document.querySelector(".rec-error-summary");
  if (summary) {
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".rec-error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({block: "center"});
    }
  });
})();
