/* Access keys the same way in every browser: Alt+letter (or Alt+Shift+letter)
   presses the visible button or link whose accesskey is that letter. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var match = /^Key([A-Z])$/.exec(event.code || "");
    if (!match) { return; }
    var target = document.querySelector('[accesskey="' + match[1].toLowerCase() + '"]');
    if (!target || target.disabled || !target.offsetParent) { return; }
    event.preventDefault();
    target.focus();
    target.click();
  });
}());
