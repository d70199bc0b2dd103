/* The rich-text editor's cleaner: reduces any HTML (a paste from Word or a web page, a stored body,
   the editor's own content) to the shapes app/sanitize.py's bleach allow-list keeps, so what the
   official sees is what is saved. Elements outside the list are unwrapped (their text stays); code,
   media and Office's hidden parts are dropped whole; every attribute but a link's href and title and
   a cell's colspan and rowspan goes. Exposes window.RichTextClean for rich-text.js. */
(function () {
  "use strict";

  // Allowed elements, and the allowed element that stands for each near synonym.
  var KEPT = {
    p: "p", br: "br", strong: "strong", b: "strong", em: "em", i: "em", u: "u", s: "s", strike: "s",
    del: "s", sub: "sub", sup: "sup", blockquote: "blockquote", ul: "ul", ol: "ol", li: "li",
    h1: "h2", h2: "h2", h3: "h3", h4: "h4", h5: "h4", h6: "h4", a: "a", table: "table",
    thead: "thead", tbody: "tbody", tfoot: "tbody", tr: "tr", th: "th", td: "td", caption: "caption",
    hr: "hr", pre: "pre", code: "code"
  };
  var DROPPED = toSet("script style template iframe frame object embed noscript head title meta link " +
    "base svg math img picture video audio source track canvas map input button select option " +
    "textarea o:p xml x-style");
  // Unknown elements that hold paragraphs: kept as a <p> when they hold only text, else unwrapped.
  var BLOCKISH = toSet("div section article header footer main nav aside figure figcaption address " +
    "center dl dt dd fieldset legend details summary hgroup form body html li");
  var BLOCKS = toSet("p h2 h3 h4 ul ol li table thead tbody tr th td caption blockquote hr pre");
  var INLINE_EMPTY_DROPPED = toSet("strong em u s sub sup a code");
  var STRUCTURE = toSet("table thead tbody tr ul ol");
  // Lines left out when empty (Word's blank paragraphs, the editor's open last line); cells always stay.
  var LINES = toSet("p li h2 h3 h4 caption");
  var LINK = /^(https?:\/\/[^\s<>"]+|mailto:[^\s<>"]+@[^\s<>"]+|tel:\+?[0-9][0-9 .()\-]*)$/i;

  function toSet(words) {
    var set = {};
    words.split(" ").forEach(function (word) { set[word] = true; });
    return set;
  }

  function isSafeLink(href) {
    return LINK.test((href || "").trim());
  }

  function styleOf(element) {
    return (element.getAttribute(STYLE) || "").toLowerCase();
  }

  // Styles are read, never applied: renamed before parsing, they stay out of the page's
  // Content-Security-Policy (which refuses inline styles and would report each one).
  var STYLE = "data-pasted-style";
  function disarmStyles(html) {
    return html.replace(/<(\/?)style\b/gi, "<$1x-style").replace(/(<[a-z][^<>]*?\s)style(\s*=)/gi, "$1" + STYLE + "$2");
  }

  // Web pages (Google Docs among them) mark bold and italic with styles rather than elements.
  function styledEquivalent(element, name) {
    var style = styleOf(element);
    if (name === "b" && /font-weight\s*:\s*(normal|[1-4]00)/.test(style)) { return null; }
    if (name !== "span") { return KEPT[name]; }
    if (/font-weight\s*:\s*(bold|[6-9]00)/.test(style)) { return "strong"; }
    if (/font-style\s*:\s*italic/.test(style)) { return "em"; }
    return null;
  }

  function isHidden(element) {
    var style = styleOf(element);
    return /display\s*:\s*none|mso-list\s*:\s*ignore|visibility\s*:\s*hidden/.test(style);
  }

  function hasBlockDescendant(element) {
    return Array.prototype.some.call(element.querySelectorAll("*"), function (node) {
      var name = node.nodeName.toLowerCase();
      return BLOCKS[KEPT[name]] || BLOCKISH[name];
    });
  }

  function hasNoText(element) {
    return !element.textContent.replace(/[\s\u00a0\u200b]/g, "");
  }

  function copyAttributes(source, target, name) {
    if (name === "a") {
      target.setAttribute("href", source.getAttribute("href").trim());
      if (source.getAttribute("title")) { target.setAttribute("title", source.getAttribute("title")); }
    }
    if (name === "td" || name === "th") {
      ["colspan", "rowspan"].forEach(function (attribute) {
        var value = source.getAttribute(attribute);
        if (/^\d{1,3}$/.test(value || "") && +value > 1) { target.setAttribute(attribute, String(+value)); }
      });
    }
  }

  function cleanChildren(source, target, context) {
    var targetName = target.nodeName.toLowerCase();
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeType === 3) {
        var text = context.pre ? node.data : node.data.replace(/[\t\n\r ]+/g, " ");
        if (STRUCTURE[targetName] && !text.trim()) { return; }
        target.appendChild(target.ownerDocument.createTextNode(text));
      } else if (node.nodeType === 1) {
        cleanElement(node, target, context);
      }  // comments, Office's conditional comments and processing instructions go
    });
  }

  function cleanElement(element, target, context) {
    var name = element.nodeName.toLowerCase();
    var targetName = target.nodeName.toLowerCase();
    if (DROPPED[name] || /^(v|w|m):/.test(name) || isHidden(element)) { return; }
    var kept = styledEquivalent(element, name);
    if (kept === "a" && (!isSafeLink(element.getAttribute("href")) || context.inLink)) { kept = null; }
    if (kept === "li" && targetName !== "ul" && targetName !== "ol") { kept = null; }
    // Editing can leave a list or table inside a paragraph or heading, which HTML cannot hold.
    if (/^(p|h\d)$/.test(kept) && hasBlockDescendant(element)) { kept = null; }
    if (!kept) {
      var holdsParagraph = BLOCKISH[name] && !hasBlockDescendant(element);
      var flowTarget = targetName === "#document-fragment" || targetName === "blockquote";
      if (holdsParagraph && flowTarget) {
        kept = "p";
      } else {
        // Keep a line break where a block that held a line is unwrapped inside a paragraph or cell.
        if (BLOCKISH[name] && target.lastChild && target.lastChild.nodeName !== "BR" && !flowTarget) {
          target.appendChild(target.ownerDocument.createElement("br"));
        }
        cleanChildren(element, target, context);
        return;
      }
    }
    var clean = target.ownerDocument.createElement(kept);
    copyAttributes(element, clean, kept);
    cleanChildren(element, clean, {
      pre: context.pre || kept === "pre",
      inLink: context.inLink || kept === "a",
      dropEmpty: context.dropEmpty
    });
    if (INLINE_EMPTY_DROPPED[kept] && hasNoText(clean) && !clean.querySelector("br")) { return; }
    if (/^(td|th|li)$/.test(kept)) { unwrapLoneParagraph(clean); }
    if (LINES[kept] && context.dropEmpty && hasNoText(clean) && !clean.querySelector("hr, table")) { return; }
    target.appendChild(clean);
  }

  // Word puts each cell's and list item's text in a paragraph of its own; one alone adds nothing.
  function unwrapLoneParagraph(element) {
    var children = Array.prototype.filter.call(element.childNodes, function (node) {
      return node.nodeType !== 3 || node.data.trim();
    });
    if (children.length !== 1 || children[0].nodeName !== "P") { return; }
    var paragraph = children[0];
    while (element.firstChild) { element.removeChild(element.firstChild); }
    while (paragraph.firstChild) { element.appendChild(paragraph.firstChild); }
  }

  function isBlock(node) {
    return node.nodeType === 1 && BLOCKS[node.nodeName.toLowerCase()];
  }

  // Inline runs at the top level become paragraphs: the stored body is a sequence of blocks.
  function wrapInline(fragment) {
    var document = fragment.ownerDocument;
    var paragraph = null;
    Array.prototype.slice.call(fragment.childNodes).forEach(function (node) {
      if (isBlock(node)) { paragraph = null; return; }
      if (!paragraph && node.nodeType === 3 && !node.data.trim()) { fragment.removeChild(node); return; }
      if (!paragraph) {
        paragraph = document.createElement("p");
        fragment.insertBefore(paragraph, node);
      }
      paragraph.appendChild(node);
    });
    Array.prototype.slice.call(fragment.querySelectorAll("p, li, h2, h3, h4, td, th, caption")).forEach(function (block) {
      while (block.lastChild && block.lastChild.nodeName === "BR") { block.removeChild(block.lastChild); }
      trimEdges(block);
      if (block.nodeName === "P" && !block.firstChild) { block.parentNode.removeChild(block); }
    });
    return fragment;
  }

  function trimEdges(block) {
    var first = block.firstChild;
    var last = block.lastChild;
    if (first && first.nodeType === 3) { first.data = first.data.replace(/^ +/, ""); }
    if (last && last.nodeType === 3) { last.data = last.data.replace(/ +$/, ""); }
    if (first && first.nodeType === 3 && !first.data) { block.removeChild(first); }
    if (last && last !== first && last.nodeType === 3 && !last.data) { block.removeChild(last); }
  }

  // Word marks a list item as a paragraph styled "mso-list:l1 level2" whose bullet or number is
  // text inside conditional comments (or a span styled mso-list:Ignore): rebuild real lists.
  function officeListItem(element) {
    var match = /mso-list\s*:\s*l(\d+)\s+level(\d+)/.exec(styleOf(element));
    return match ? { element: element, list: match[1], level: +match[2] } : null;
  }

  function takeOfficeMarker(element) {
    var marker = "";
    var walker = element.ownerDocument.createTreeWalker(element, 128);
    var start = null;
    while (walker.nextNode()) {
      if (/^\[if !supportLists\]/.test(walker.currentNode.data)) { start = walker.currentNode; break; }
    }
    if (start) {
      var node = start.nextSibling;
      while (node && !(node.nodeType === 8 && /^\[endif\]/.test(node.data))) {
        var next = node.nextSibling;
        marker += node.textContent;
        node.parentNode.removeChild(node);
        node = next;
      }
    }
    Array.prototype.forEach.call(element.querySelectorAll("span"), function (span) {
      if (/mso-list\s*:\s*ignore/.test(styleOf(span)) && span.parentNode) {
        marker += span.textContent;
        span.parentNode.removeChild(span);
      }
    });
    return marker.replace(/\u00a0/g, " ").trim();
  }

  function rebuildOfficeLists(root) {
    var document = root.ownerDocument;
    var items = Array.prototype.slice.call(root.querySelectorAll("[" + STYLE + "*='mso-list']")).map(officeListItem).filter(Boolean);
    var stack = [];
    var previous = null;
    items.forEach(function (item) {
      var ordered = /^[(\[]?([0-9]{1,3}|[a-z]|[ivxlc]{1,5})[.)\]]/i.test(takeOfficeMarker(item.element));
      // A new list starts where the paragraphs stop following each other or Word's list changes.
      if (!previous || nextElement(previous) !== item.element || item.list !== previous.officeList) { stack = []; }
      while (stack.length && stack[stack.length - 1].level > item.level) { stack.pop(); }
      var top = stack[stack.length - 1];
      if (!top || top.level < item.level) {
        var list = document.createElement(ordered ? "ol" : "ul");
        if (top) {
          (top.list.lastElementChild || top.list).appendChild(list);
        } else {
          item.element.parentNode.insertBefore(list, item.element);
        }
        top = { level: item.level, list: list };
        stack.push(top);
      }
      var li = document.createElement("li");
      while (item.element.firstChild) { li.appendChild(item.element.firstChild); }
      top.list.appendChild(li);
      previous = stack[0].list;
      previous.officeList = item.list;
      item.element.parentNode.removeChild(item.element);
    });
  }

  function nextElement(node) {
    var next = node.nextSibling;
    while (next && next.nodeType !== 1) { next = next.nextSibling; }
    return next;
  }

  function cleanRoot(root, options) {
    var fragment = root.ownerDocument.createDocumentFragment();
    cleanChildren(root, fragment, { pre: false, inLink: false, dropEmpty: options.dropEmpty });
    return wrapInline(fragment);
  }

  /** Return a fragment of allowed markup made from an HTML string (parsed inert: nothing runs or loads). */
  function fromHtml(html, targetDocument) {
    var parsed = new DOMParser().parseFromString(disarmStyles(html), "text/html");
    rebuildOfficeLists(parsed.body);
    var fragment = cleanRoot(parsed.body, { dropEmpty: true });
    return (targetDocument || document).importNode(fragment, true);
  }

  /** Return a fragment of paragraphs made from plain text: blank lines part paragraphs, line breaks stay. */
  function fromText(text, targetDocument) {
    var doc = targetDocument || document;
    var fragment = doc.createDocumentFragment();
    text.replace(/\r\n?/g, "\n").split(/\n\s*\n/).forEach(function (block) {
      if (!block.trim()) { return; }
      var paragraph = doc.createElement("p");
      block.trim().split("\n").forEach(function (line, index) {
        if (index) { paragraph.appendChild(doc.createElement("br")); }
        paragraph.appendChild(doc.createTextNode(line));
      });
      fragment.appendChild(paragraph);
    });
    return fragment;
  }

  /** Return the allowed HTML of a live element (the editor), empty paragraphs left out. */
  function serialize(element) {
    var fragment = cleanRoot(element, { dropEmpty: true });
    var holder = element.ownerDocument.createElement("div");
    holder.appendChild(fragment);
    return holder.innerHTML;
  }

  /** Return HTML for a fragment. */
  function toHtml(fragment) {
    var holder = document.createElement("div");
    holder.appendChild(fragment.cloneNode(true));
    return holder.innerHTML;
  }

  window.RichTextClean = {
    fromHtml: fromHtml, fromText: fromText, serialize: serialize, toHtml: toHtml,
    isSafeLink: isSafeLink, isBlock: isBlock
  };
})();
