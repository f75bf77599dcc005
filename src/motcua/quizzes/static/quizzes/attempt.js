/* The quiz attempt: every answer is kept on the phone (localStorage) the moment it is
   given and saved on the server in the background, one request at a time, the answers
   given meanwhile going with the next one. Offline, they wait and go when the
   connection returns; a reload or a reopened page puts them back. The time left
   counts down, but the server alone decides: the page never knows the answer key.
   Without JavaScript the form still works: "Nộp bài" sends every answer. */
(function () {
  "use strict";
  var form = document.getElementById("quiz-attempt");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("quiz-autosave");
  var key = form.getAttribute("data-key");
  var pending = {};
  var busy = false;
  var retry = null;

  function say(name, extra) {
    status.textContent = form.getAttribute("data-" + name) + (extra ? " " + extra : "");
  }

  function kept() {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }

  function keep(name, value) {
    try {
      var all = kept();
      all[name] = value;
      window.localStorage.setItem(key, JSON.stringify(all));
    } catch (e) { /* private browsing: the server copy is enough */ }
  }

  function send() {
    var names = Object.keys(pending);
    if (busy || !names.length) { return; }
    busy = true;
    var sent = pending;
    pending = {};
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    names.forEach(function (name) { data.append(name, sent[name]); });
    say("saving");
    fetch(form.getAttribute("data-save-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
        return (json ? response.json() : Promise.resolve({})).then(function (body) {
          busy = false;
          if (response.ok) {
            say("saved");
            send();
          } else if (response.status === 409) {
            // Submitted already (another tab): show the result.
            window.location.href = form.getAttribute("data-result-url");
          } else if (response.status === 403) {
            // The page's token is stale (signed in or out elsewhere): a reload renews it;
            // the answers stay on this phone and go with the reloaded page.
            requeue(sent, false);
            say("stale");
          } else if (response.status === 429 || response.status >= 500 || !json) {
            requeue(sent, true);
            say("failed", body.message || "");
          } else {
            say("failed", body.message || "");
          }
        });
      })
      .catch(function () {
        busy = false;
        requeue(sent, true);
        say("offline");
      });
  }

  function requeue(sent, again) {
    Object.keys(sent).forEach(function (name) {
      if (!(name in pending)) { pending[name] = sent[name]; }
    });
    if (again && !retry) { retry = window.setTimeout(function () { retry = null; send(); }, 15000); }
  }

  // Answers kept on this phone but not on the server (a page reopened after a drop).
  var stored = kept();
  Object.keys(stored).forEach(function (name) {
    if (!/^c[0-9]+$/.test(name)) { return; }
    var input = form.querySelector("input[name='" + name + "'][value='" + stored[name] + "']");
    if (input && !input.checked) {
      input.checked = true;
      pending[name] = stored[name];
    }
  });
  send();

  var prediction = form.elements.prediction;
  if (prediction && !prediction.value && stored.prediction) { prediction.value = stored.prediction; }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name === "prediction") { keep("prediction", input.value); return; }
    if (input.type !== "radio") { return; }
    keep(input.name, input.value);
    pending[input.name] = input.value;
    send();
  });
  window.addEventListener("online", send);
  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      say("offline");
    }
  });

  // The time left, from a deadline fixed at load: a throttled or sleeping phone
  // catches up instead of drifting.
  var clock = document.getElementById("quiz-remaining");
  var seconds = parseInt(clock.getAttribute("data-seconds"), 10);
  var deadline = Date.now() + seconds * 1000;
  var label = clock.getAttribute("data-label");
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (left <= 0) {
      clock.textContent = clock.getAttribute("data-ended");
      clock.className = "error-message";
      return;
    }
    var minutes = Math.floor(left / 60);
    var rest = left % 60;
    clock.textContent = label + " " + minutes + ":" + (rest < 10 ? "0" : "") + rest;
    window.setTimeout(tick, 1000);
  }
  if (!isNaN(seconds)) { tick(); }
}());
