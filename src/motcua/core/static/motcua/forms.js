/* Error summaries (GOV.UK pattern): focus the summary when the page loads; a link
   in it opens the folded section holding its field and puts the cursor there. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    for (var node = field.parentNode; node; node = node.parentNode) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    field.focus();
    if (field.scrollIntoView) { field.scrollIntoView({ block: "center" }); }
  });
}());
