// Long drop-downs (communes, organisations) become an accessible autocomplete (the vendored
// accessible-autocomplete of GOV.UK, WAI-ARIA combobox): typing "chen" offers Chenôve, accents and
// case ignored. Progressive enhancement: without JS the <select> stays and submits the same value.
// Options in an <optgroup> (organisations by kind) show their group after the name.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function labelOf(option) {
    var group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
    return group ? option.textContent.trim() + " — " + group : option.textContent.trim();
  }
  function enhance(select) {
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value; });
    var labels = options.map(labelOf);
    var selected = select.selectedIndex > 0 ? labelOf(select.options[select.selectedIndex]) : "";
    accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: selected,
      showAllValues: true,
      dropdownArrow: function () { return ""; },
      source: function (query, populate) {
        var wanted = fold(query);
        populate(labels.filter(function (label) { return fold(label).indexOf(wanted) !== -1; }));
      },
      onConfirm: function (label) {
        var index = labels.indexOf(label);
        if (index === -1) return;
        select.value = options[index].value;
      },
      tNoResults: function () { return "Aucun résultat"; },
      tStatusQueryTooShort: function (n) { return "Tapez au moins " + n + " caractères"; },
      tStatusNoResults: function () { return "Aucun résultat"; },
      tStatusSelectedOption: function (option, length, index) {
        return option + " " + (index + 1) + " sur " + length + " est sélectionné";
      },
      tStatusResults: function (length, content) {
        return (length === 1 ? "1 résultat disponible. " : length + " résultats disponibles. ") + content;
      },
      tAssistiveHint: function () {
        return "Tapez quelques lettres, puis choisissez avec les flèches haut et bas et Entrée.";
      },
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof accessibleAutocomplete === "undefined") return;
    document.querySelectorAll("select[data-autocomplete]").forEach(enhance);
  });
})();
