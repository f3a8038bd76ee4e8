// A refused form's error summary (templates/_form_errors.html) takes the focus and comes into view
// (RGAA 11.10, 11.11); each of its links moves the focus to its field. Without JS the summary still
// sits at the top of the form, with working links.
(function () {
  "use strict";
  function fieldOf(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    // A group of radio buttons or checkboxes has no element of its own id: its first choice.
    return document.getElementById(id) || document.getElementById(id + "_0");
  }
  function show(summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
  // Django admin's add forms focus their first field from an async script (change_form.js), which
  // may run after DOMContentLoaded: the summary takes the focus back at `load` (after every async
  // script), unless the person has already moved on.
  var moved = false;
  ["keydown", "mousedown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () { moved = true; }, true);
  });
  function showSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && !moved && document.activeElement !== summary) show(summary);
  }
  document.addEventListener("DOMContentLoaded", showSummary);
  window.addEventListener("load", showSummary);
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-link]");
    var field = link && fieldOf(link);
    if (!field) return;
    event.preventDefault();
    var group = field.closest(".fr-input-group, .fr-select-group, .fr-fieldset, .fr-checkbox-group") || field;
    group.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
