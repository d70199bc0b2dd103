/* A small rich-text editor for a <textarea data-rich-text> (notice bodies, officials' answers).
   Progressive enhancement: without JavaScript the textarea is the field. With it, an editable area
   and a toolbar take its place, and every change is written back into the hidden textarea as HTML
   that app/sanitize.py keeps as it is, so the form field, its name and its validation stay the same.
   A paste keeps structure and drops styling (rich-text-clean.js); undo and redo are the browser's.
   Labels come translated from the page's [data-rich-text-labels] element. */
(function () {
  "use strict";

  var clean = window.RichTextClean;
  var tables = window.RichTextTables;
  if (!clean || !tables || typeof document.execCommand !== "function") { return; }
  var labelsElement = document.querySelector("[data-rich-text-labels]");
  var labels = labelsElement ? labelsElement.dataset : {};

  function make(tag, className, attributes) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    return element;
  }

  function closestIn(node, selector, root) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var found = element && element.closest(selector);
    return found && root.contains(found) ? found : null;
  }

  function normaliseLink(typed) {
    var value = typed.trim();
    if (/^[^\s@:\/]+@[^\s@]+\.[^\s@]+$/.test(value)) { return "mailto:" + value; }
    if (/^\+?[0-9][0-9 .()\-]{5,}$/.test(value)) { return "tel:" + value.replace(/[^0-9+]/g, ""); }
    if (/^(www\.|[a-z0-9\-]+(\.[a-z0-9\-]+)+(\/|$))/i.test(value)) { return "https://" + value; }
    return value;
  }

  function enhance(textarea) {
    var id = textarea.id || "rich-text";
    var wrapper = make("div", "rte");
    var toolbar = make("div", "rte-toolbar", { role: "toolbar", "aria-label": labels.toolbar || "", "aria-controls": id + "-editor" });
    var editor = make("div", "rte-editor", {
      id: id + "-editor", contenteditable: "true", role: "textbox", "aria-multiline": "true", spellcheck: "true"
    });
    var status = make("p", "visually-hidden", { "aria-live": "polite" });
    var label = document.querySelector('label[for="' + id + '"]');
    var saved = null;
    var buttons = [];

    if (label) {
      label.id = label.id || id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
      label.removeAttribute("for");  // the label now names the editor, not the hidden textarea
      label.addEventListener("click", function (event) { event.preventDefault(); editor.focus(); });
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) { editor.setAttribute(name, textarea.getAttribute(name)); }
    });
    var hint = document.getElementById(id + "-hint");
    if (hint && labels.hint) { hint.textContent = labels.hint; }

    // --- selection: toolbar and panels act on where the caret was in the editor ---
    function remember() {
      var selection = window.getSelection();
      if (selection.rangeCount && editor.contains(selection.anchorNode)) {
        saved = selection.getRangeAt(0).cloneRange();
        updateState();
      }
    }
    function restore() {
      editor.focus();
      if (saved) {
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(saved);
      }
    }
    function placeCaret(node, atEnd) {
      var range = document.createRange();
      range.selectNodeContents(node);
      range.collapse(!atEnd);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      saved = range.cloneRange();
    }
    function caretNode() {
      return saved ? saved.startContainer : null;
    }
    function sync() {
      textarea.value = clean.serialize(editor);
    }
    function announce(message) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message || ""; }, 50);
    }
    function run(command, value) {
      // A click leaves the caret in the editor; a key pressed on the toolbar or a panel does not.
      if (document.activeElement !== editor) { restore(); }
      document.execCommand(command, false, value);
      remember();
      sync();
    }
    function insertFragment(fragment) {
      var only = fragment.childNodes.length === 1 && fragment.firstChild.nodeName === "P" ? fragment.firstChild : null;
      // One paragraph joins the line the caret is on instead of splitting it.
      var html = only ? only.innerHTML : clean.toHtml(fragment);
      if (html) { document.execCommand("insertHTML", false, html); }
      sync();
    }

    // --- tables (rich-text-tables.js builds them; here the caret follows) ---
    function insertTable(rows, columns, header) {
      var before = Array.prototype.slice.call(editor.querySelectorAll("table"));
      restore();
      document.execCommand("insertHTML", false, tables.build(rows, columns, header).outerHTML + "<p><br></p>");
      var inserted = Array.prototype.filter.call(editor.querySelectorAll("table"), function (each) {
        return before.indexOf(each) === -1;
      })[0];
      if (inserted) {
        tables.keepEditable(editor);
        placeCaret(inserted.querySelector("th, td"));
      }
      sync();
    }
    function addRow() {
      var cell = closestIn(caretNode(), "td, th", editor);
      if (!cell) { restore(); announce(labels.rowOutside); return; }
      var added = tables.addRowAfter(cell);
      editor.focus();
      placeCaret(added.cells[0]);
      sync();
      announce(labels.rowAdded);
    }
    function moveBetweenCells(event) {
      var cell = closestIn(window.getSelection().anchorNode, "td, th", editor);
      var next = cell && tables.neighbour(cell, event.shiftKey);
      if (!next) { return; }  // past the first or last cell Tab leaves the editor, as anywhere else
      event.preventDefault();
      placeCaret(next, Boolean(next.textContent.trim()));
    }

    // --- panels: a link's address, a table's size ---
    function makePanel(name, title, fields, applyLabel, apply) {
      var panel = make("div", "rte-panel", { id: id + "-" + name, role: "group", "aria-label": title });
      panel.hidden = true;
      var error = make("p", "field-error", { id: id + "-" + name + "-error", role: "alert" });
      error.hidden = true;
      fields.forEach(function (field) { panel.appendChild(field); });
      panel.appendChild(error);
      var actions = panel.appendChild(make("div", "rte-panel-actions"));
      var applyButton = actions.appendChild(make("button", "button", { type: "button" }));
      var cancelButton = actions.appendChild(make("button", "button button-secondary", { type: "button" }));
      applyButton.textContent = applyLabel;
      cancelButton.textContent = labels.cancel || "";
      function fail(message) {
        error.textContent = message || "";
        error.hidden = false;
        panel.querySelector("input").setAttribute("aria-invalid", "true");
        panel.querySelector("input").focus();
      }
      function submit() {
        error.hidden = true;
        panel.querySelector("input").removeAttribute("aria-invalid");
        if (apply(fail) !== false) { close(panel); }
      }
      applyButton.addEventListener("click", submit);
      cancelButton.addEventListener("click", function () { close(panel); restore(); });
      panel.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { event.preventDefault(); close(panel); restore(); }
        if (event.key === "Enter" && event.target.nodeName === "INPUT") { event.preventDefault(); submit(); }
      });
      return panel;
    }
    function labelled(inputId, text, input) {
      var field = make("div", "field");
      var fieldLabel = field.appendChild(make("label", "", { for: inputId }));
      fieldLabel.textContent = text || "";
      input.id = inputId;
      field.appendChild(input);
      return field;
    }
    var linkInput = make("input", "", { type: "text", inputmode: "url", autocomplete: "off", spellcheck: "false" });
    var linkPanel = makePanel("link", labels.link, [labelled(id + "-link-url", labels.linkAddress, linkInput)], labels.linkApply, function (fail) {
      var typed = linkInput.value.trim();
      var address = normaliseLink(typed);
      restore();
      var link = closestIn(caretNode(), "a", editor);
      if (!typed) {
        if (link) { window.getSelection().selectAllChildren(link); run("unlink"); }
        return true;
      }
      if (!clean.isSafeLink(address)) { fail(labels.linkInvalid); return false; }
      if (link) { window.getSelection().selectAllChildren(link); }
      if (window.getSelection().isCollapsed) {
        var anchor = make("a", "", { href: address });
        anchor.textContent = typed;
        run("insertHTML", anchor.outerHTML);
      } else {
        run("createLink", address);
      }
      return true;
    });
    var rowsInput = make("input", "", { type: "number", min: "1", max: "50", value: "2", inputmode: "numeric" });
    var columnsInput = make("input", "", { type: "number", min: "1", max: "10", value: "2", inputmode: "numeric" });
    var headerInput = make("input", "", { type: "checkbox" });
    headerInput.checked = true;
    var headerField = make("div", "field rte-check");
    var headerLabel = headerField.appendChild(make("label"));
    headerLabel.appendChild(headerInput);
    headerLabel.appendChild(document.createTextNode(" " + (labels.tableHeader || "")));
    var sizeRow = make("div", "rte-size");
    sizeRow.appendChild(labelled(id + "-table-rows", labels.tableRows, rowsInput));
    sizeRow.appendChild(labelled(id + "-table-columns", labels.tableColumns, columnsInput));
    var tablePanel = makePanel("table", labels.table, [sizeRow, headerField], labels.tableApply, function (fail) {
      var rows = Number(rowsInput.value);
      var columns = Number(columnsInput.value);
      if (!(rows >= 1 && rows <= 50 && columns >= 1 && columns <= 10 && rows % 1 === 0 && columns % 1 === 0)) {
        fail(labels.tableInvalid);
        return false;
      }
      insertTable(rows, columns, headerInput.checked);
      return true;
    });
    var panels = [linkPanel, tablePanel];
    function open(panel) {
      panels.forEach(function (each) { if (each !== panel) { close(each); } });
      panel.hidden = false;
      var opener = toolbar.querySelector('[aria-controls="' + panel.id + '"]');
      if (opener) { opener.setAttribute("aria-expanded", "true"); }
      Array.prototype.forEach.call(panel.querySelectorAll(".field-error"), function (error) { error.hidden = true; });
      if (panel === linkPanel) {
        var link = closestIn(caretNode(), "a", editor);
        linkInput.value = link ? link.getAttribute("href") : "";
      }
      panel.querySelector("input").focus();
    }
    function close(panel) {
      panel.hidden = true;
      var opener = toolbar.querySelector('[aria-controls="' + panel.id + '"]');
      if (opener) { opener.setAttribute("aria-expanded", "false"); }
    }

    // --- the toolbar: one Tab stop, arrow keys move along it (WAI-ARIA toolbar pattern) ---
    function blockIs(tag) {
      return function () { return String(document.queryCommandValue("formatBlock")).toLowerCase() === tag; };
    }
    function list(command) {
      return function () {
        if (document.activeElement !== editor) { restore(); }
        var block = closestIn(window.getSelection().anchorNode, "p, h2, h3, h4, li", editor);
        // Chromium makes a list inside the paragraph it came from (<p><ul>…</ul></p>); from a <div> it
        // makes a plain list, and the saved HTML unwraps the <div>.
        if (block && block.nodeName !== "LI") { document.execCommand("formatBlock", false, "<div>"); }
        run(command);
      };
    }
    function stateOf(command) {
      return function () { return document.queryCommandState(command); };
    }
    var TOOLS = [
      { name: "heading2", glyph: "H2", action: function () { run("formatBlock", "<h2>"); }, pressed: blockIs("h2") },
      { name: "heading3", glyph: "H3", action: function () { run("formatBlock", "<h3>"); }, pressed: blockIs("h3") },
      { name: "paragraph", glyph: "¶", action: function () { run("formatBlock", "<p>"); }, pressed: blockIs("p") },
      { name: "bold", glyph: "B", group: true, action: function () { run("bold"); }, pressed: stateOf("bold") },
      { name: "italic", glyph: "I", action: function () { run("italic"); }, pressed: stateOf("italic") },
      { name: "bulleted", glyph: "•≡", group: true, action: list("insertUnorderedList"), pressed: stateOf("insertUnorderedList") },
      { name: "numbered", glyph: "1.≡", action: list("insertOrderedList"), pressed: stateOf("insertOrderedList") },
      { name: "link", glyph: "⛓", group: true, panel: linkPanel },
      { name: "table", glyph: "▦", panel: tablePanel },
      { name: "row", glyph: "+▤", action: addRow },
      { name: "undo", glyph: "↶", group: true, action: function () { run("undo"); } },
      { name: "redo", glyph: "↷", action: function () { run("redo"); } }
    ];
    TOOLS.forEach(function (tool, index) {
      var button = make("button", "rte-button rte-" + tool.name + (tool.group ? " rte-group" : ""), {
        type: "button", title: labels[tool.name] || "", tabindex: index ? "-1" : "0"
      });
      button.appendChild(make("span", "rte-glyph", { "aria-hidden": "true" })).textContent = tool.glyph;
      button.appendChild(make("span", "visually-hidden")).textContent = labels[tool.name] || tool.name;
      if (tool.pressed) { button.setAttribute("aria-pressed", "false"); }
      if (tool.panel) {
        button.setAttribute("aria-controls", tool.panel.id);
        button.setAttribute("aria-expanded", "false");
      }
      // Keep the caret in the editor when a button is clicked.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        if (tool.panel) {
          if (tool.panel.hidden) { open(tool.panel); } else { close(tool.panel); restore(); }
        } else {
          tool.action();
        }
      });
      button.addEventListener("focus", function () {
        buttons.forEach(function (each) { each.tabIndex = each === button ? 0 : -1; });
      });
      tool.button = button;
      buttons.push(button);
      toolbar.appendChild(button);
    });
    toolbar.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      if (index === -1) { return; }
      if (event.key === "Escape") { event.preventDefault(); restore(); return; }
      var next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      buttons[(next + buttons.length) % buttons.length].focus();
    });
    function updateState() {
      TOOLS.forEach(function (tool) {
        if (tool.pressed) { tool.button.setAttribute("aria-pressed", String(Boolean(tool.pressed()))); }
      });
    }

    // --- the editable area ---
    var value = textarea.value;
    editor.appendChild(/<[a-z!\/]/i.test(value) ? clean.fromHtml(value) : clean.fromText(value));
    tables.keepEditable(editor);
    editor.addEventListener("input", sync);
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) { return; }
      var html = data.getData("text/html");
      var text = data.getData("text/plain");
      event.preventDefault();
      if (html) {
        insertFragment(clean.fromHtml(html));
      } else if (text && !/[\r\n]/.test(text)) {
        document.execCommand("insertText", false, text);
      } else if (text) {
        insertFragment(clean.fromText(text));
      }
    });
    editor.addEventListener("keydown", function (event) {
      var key = event.key.toLowerCase();
      if (event.altKey && event.key === "F10") {
        event.preventDefault();
        (toolbar.querySelector('[tabindex="0"]') || buttons[0]).focus();
      } else if ((event.ctrlKey || event.metaKey) && key === "k") {
        event.preventDefault();
        remember();
        open(linkPanel);
      } else if (event.key === "Tab" && !event.altKey && !event.ctrlKey && !event.metaKey) {
        moveBetweenCells(event);
      }
    });
    document.addEventListener("selectionchange", remember);
    editor.addEventListener("blur", remember);  // selectionchange comes later, and the toolbar may act first
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }
    // The error summary links to the field: lead it to the editor.
    Array.prototype.forEach.call(document.querySelectorAll('a[href="#' + id + '"]'), function (link) {
      link.addEventListener("click", function (event) { event.preventDefault(); editor.focus(); editor.scrollIntoView(); });
    });

    wrapper.appendChild(toolbar);
    panels.forEach(function (panel) { wrapper.appendChild(panel); });
    wrapper.appendChild(editor);
    wrapper.appendChild(status);
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.hidden = true;
    sync();
  }

  // Paragraphs, not <div>s, when Enter is pressed.
  document.execCommand("defaultParagraphSeparator", false, "p");
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-text]"), enhance);
})();
