/* Counter intake: search as you type with arrow keys, and no double submission.
   Without JavaScript the search form and the intake form work as plain HTML. */
(function () {
  "use strict";

  function picks(box) { return Array.prototype.slice.call(box.querySelectorAll("a.pick")); }

  function setupSearch() {
    var form = document.getElementById("procedure-search");
    var input = document.getElementById("id_q");
    var box = document.getElementById("intake-results");
    if (!form || !input || !box || !window.fetch) { return; }
    var timer = null, controller = null, shown = input.value.trim();

    function load(query, thenFocus) {
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = form.action + "?partial=1&q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          box.innerHTML = html;
          shown = query;
          if (window.history && history.replaceState) {
            history.replaceState(null, "", form.action + (query ? "?q=" + encodeURIComponent(query) : ""));
          }
          if (thenFocus) { var first = picks(box)[0]; if (first) { first.focus(); } }
        })
        .catch(function () { /* keep the last list; Enter still submits the form */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { if (!query) { box.innerHTML = ""; shown = ""; } return; }
      timer = window.setTimeout(function () { load(query, false); }, 200);
    });
    input.addEventListener("keydown", function (event) {
      var list = picks(box);
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        list[0].focus();
      } else if (event.key === "Enter") {
        var query = input.value.trim();
        if (!query) { return; }
        event.preventDefault();
        window.clearTimeout(timer);
        if (query === shown && list.length) { list[0].focus(); } else { load(query, true); }
      }
    });
    box.addEventListener("keydown", function (event) {
      var list = picks(box);
      var index = list.indexOf(document.activeElement);
      if (index < 0) { return; }
      if (event.key === "ArrowDown" && index < list.length - 1) {
        event.preventDefault(); list[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault(); (index > 0 ? list[index - 1] : input).focus();
      } else if (event.key === "Escape") {
        event.preventDefault(); input.focus(); input.select();
      }
    });
  }

  function setupForm() {
    var form = document.getElementById("intake-form");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    });
    window.addEventListener("pageshow", function () { form.removeAttribute("data-sent"); });
    /* After a rejected submission the error summary has the focus (motcua/forms.js);
       its links lead to each field. */
  }

  setupSearch();
  setupForm();
}());
