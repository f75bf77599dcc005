/* The judge's sheet: the running total as points are typed, and each change saved
   in the background (the same form post, answered in JSON), so points typed on a
   tablet are kept even if the page is lost. Without JavaScript, "Lưu" does the same. */
(function () {
  "use strict";
  var form = document.getElementById("sheet-form");
  if (!form || form.getAttribute("data-autosave") !== "on") { return; }
  var total = document.getElementById("sheet-total");
  var status = document.getElementById("autosave-status");
  var inputs = form.querySelectorAll("input.score-input");
  var timer = null;
  var pending = false;

  function number(text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    return isNaN(value) ? 0 : value;
  }

  function showTotal() {
    var sum = 0;
    for (var i = 0; i < inputs.length; i += 1) { sum += number(inputs[i].value); }
    total.textContent = String(Math.round(sum * 100) / 100).replace(".", ",");
  }

  function say(key, extra) {
    status.textContent = form.getAttribute("data-" + key) + (extra ? " " + extra : "");
  }

  function save() {
    timer = null;
    var data = new FormData(form);
    data.append("save", "1");
    say("saving");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Motcua-Autosave": "1" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          pending = false;
          say("saved", body.at || "");
        } else {
          pending = false;
          say("failed", (body.errors || []).map(function (e) { return e.message; }).join(" "));
        }
      });
    }).catch(function () {
      pending = true;
      say("offline");
    });
  }

  function later() {
    pending = true;
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 800);
  }

  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("score-input")) { showTotal(); }
    later();
  });
  window.addEventListener("online", function () { if (pending) { save(); } });
}());
