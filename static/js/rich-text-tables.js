/* Tables in the rich-text editor: build one, add a row, find the neighbouring cell, keep cells
   editable. Plain DOM functions for rich-text.js (window.RichTextTables); the editor owns the caret. */
(function () {
  "use strict";

  // An empty cell holds a <br>, or the browser gives it no line to put the caret on.
  function emptyCell(tag) {
    var cell = document.createElement(tag);
    cell.appendChild(document.createElement("br"));
    return cell;
  }

  /** Return a new table of rows × columns empty cells, the first row of column names if header. */
  function build(rows, columns, header) {
    var table = document.createElement("table");
    var section = null;
    for (var row = 0; row < rows; row += 1) {
      var isHeader = header && row === 0;
      if (row === 0 || (header && row === 1)) {
        section = table.appendChild(document.createElement(isHeader ? "thead" : "tbody"));
      }
      var tr = section.appendChild(document.createElement("tr"));
      for (var column = 0; column < columns; column += 1) { tr.appendChild(emptyCell(isHeader ? "th" : "td")); }
    }
    return table;
  }

  /** Add an empty row below the cell's row (below the column names: first in the body); return it. */
  function addRowAfter(cell) {
    var row = cell.parentNode;
    var table = row.closest("table");
    var width = Array.prototype.reduce.call(row.cells, function (sum, each) { return sum + (each.colSpan || 1); }, 0);
    var added = document.createElement("tr");
    for (var column = 0; column < width; column += 1) { added.appendChild(emptyCell("td")); }
    if (row.parentNode.nodeName === "THEAD") {
      var body = table.tBodies[0] || table.appendChild(document.createElement("tbody"));
      body.insertBefore(added, body.firstChild);
    } else {
      row.parentNode.insertBefore(added, row.nextSibling);
    }
    return added;
  }

  /** Return the next (or previous) cell of the same table, or null at its end. */
  function neighbour(cell, backwards) {
    var table = cell.closest("table");
    var cells = Array.prototype.filter.call(table.querySelectorAll("td, th"), function (each) {
      return each.closest("table") === table;
    });
    return cells[cells.indexOf(cell) + (backwards ? -1 : 1)] || null;
  }

  /** Give empty cells a line, and the editor a paragraph after a final table or list to type on. */
  function keepEditable(root) {
    Array.prototype.forEach.call(root.querySelectorAll("td, th"), function (cell) {
      if (!cell.firstChild) { cell.appendChild(document.createElement("br")); }
    });
    var last = root.lastElementChild;
    if (!last || /^(TABLE|UL|OL)$/.test(last.nodeName)) {
      root.appendChild(document.createElement("p")).appendChild(document.createElement("br"));
    }
  }

  window.RichTextTables = { build: build, addRowAfter: addRowAfter, neighbour: neighbour, keepEditable: keepEditable };
})();
