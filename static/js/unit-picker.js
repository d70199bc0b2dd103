/* Find a commune or ward by typing part of its name, with or without diacritics ("dai son" finds
   "Xã Đại Sơn"). Progressive enhancement only: without JavaScript the grouped <select> is the whole
   list and works alone; this script adds a box above it and narrows its options as the citizen types. */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().replace(/\u0111/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhance(select) {
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      return { element: group, options: Array.prototype.slice.call(group.querySelectorAll("option")) };
    });
    var box = document.createElement("div");
    var label = document.createElement("label");
    var input = document.createElement("input");
    var status = document.createElement("p");
    box.className = "unit-filter";
    input.type = "search";
    input.id = select.id + "-filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    input.setAttribute("aria-describedby", input.id + "-status");
    label.htmlFor = input.id;
    label.textContent = select.getAttribute("data-filter-label");
    status.id = input.id + "-status";
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);

    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = [];
      groups.forEach(function (group) {
        var kept = group.options.filter(function (option) {
          var name = fold(option.textContent);
          return words.every(function (word) { return name.indexOf(word) !== -1; });
        });
        while (group.element.firstChild) { group.element.removeChild(group.element.firstChild); }
        kept.forEach(function (option) { group.element.appendChild(option); });
        // Re-append in the original order; an empty group leaves the list.
        if (kept.length) { select.appendChild(group.element); } else if (group.element.parentNode) { select.removeChild(group.element); }
        shown = shown.concat(kept);
      });
      if (shown.length === 1) { shown[0].selected = true; }
      status.textContent = words.length ? select.getAttribute("data-filter-count").replace("{count}", shown.length) : "";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-picker]"), enhance);
})();
