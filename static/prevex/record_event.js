// Shows only the fields the chosen act needs. Without JS every field shows and the server
// validates the same way (progressive enhancement).
(function () {
  "use strict";
  document.querySelectorAll("form[data-record-event]").forEach(function (form) {
    var kind = form.querySelector("select[name=kind]");
    var blocks = form.querySelectorAll("[data-show-for]");
    function update() {
      blocks.forEach(function (block) {
        var kinds = block.getAttribute("data-show-for").split(" ");
        block.hidden = kinds.indexOf(kind.value) === -1;
      });
    }
    kind.addEventListener("change", update);
    update();
  });
})();
