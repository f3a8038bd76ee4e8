/* The header's unread notifications: a badge beside « Notifications », read once the page is shown
   (directory:unread_count), so that no page pays a query for it; read aloud as « 3 non lues ». */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("[data-unread-url]");
    if (!link || !window.fetch) return;
    fetch(link.dataset.unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || data.affiche === "0") return;
        var badge = link.querySelector(".prevex-unread");
        badge.textContent = data.affiche;
        badge.hidden = false;
        badge.setAttribute("data-testid", "unread-badge");
        link.setAttribute("aria-label", "Notifications, " + data.affiche + " non lue" + (data.affiche === "1" ? "" : "s"));
      })
      .catch(function () { /* no badge: the notifications page still gives the count */ });
  });
})();
