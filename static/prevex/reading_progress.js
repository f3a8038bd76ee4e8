// The batch page while its PDFs are read: ask for the progress every 2 seconds, reload when done.
(function () {
  var box = document.querySelector("[data-status-url]");
  if (!box || box.dataset.done === "1") return;
  var text = document.getElementById("progression-texte");
  var bar = box.querySelector("progress");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.read;
        text.textContent = "Lecture en cours : " + state.read + " sur " + state.total + "…";
        if (state.done) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
