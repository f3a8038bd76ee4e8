// Progress of the questionnaire batches: polls each running batch's small JSON endpoint.
(function () {
  function poll(row) {
    fetch(row.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        row.querySelector("progress").value = state.percent;
        row.querySelector("[data-count]").textContent = state.done + " / " + state.total;
        row.querySelector("[data-status]").textContent = state.status_label;
        if (state.bundle_url) {
          var link = row.querySelector("[data-bundle]");
          link.href = state.bundle_url;
          link.hidden = false;
        }
        if (state.status === "en_attente" || state.status === "en_cours") {
          setTimeout(function () { poll(row); }, 1000);
        }
      });
  }
  document.querySelectorAll("[data-progress-url]").forEach(function (row) {
    if (row.dataset.running === "1") { poll(row); }
  });
})();
