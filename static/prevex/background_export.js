// A document built in the background: ask for its state every 2 seconds and put it in place,
// until it is ready or failed (the status block carries its own aria-live region).
(function () {
  var box = document.getElementById("document-etat");
  if (!box || box.dataset.finished === "1") return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var block = holder.querySelector("[data-testid='etat-document']");
        var status = block ? block.dataset.status : "";
        var current = box.querySelector("[data-testid='etat-document']");
        if (status === "pret" || status === "echec") {
          box.replaceChildren(block);
          return;
        }
        // While building: update the text and the bar in place (the live region announces it).
        var text = holder.querySelector("#progression-texte");
        var bar = holder.querySelector("progress");
        if (current && text && bar) {
          current.querySelector("#progression-texte").textContent = text.textContent;
          current.querySelector("progress").value = bar.value;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
