// The project's page helpers (plugins/assets.py says what each page asks for in window.DP_PAGE).
// Everything here only rearranges what the page already shows: without this script, every
// column and note is still on the page.
const page = window.DP_PAGE || {};
let table = document.querySelector("table.rows-and-columns");
const params = new URLSearchParams(location.search);

// A row's own page reads as a record, one field a line (name, then value), not one wide row.
if (table && document.body.classList.contains("row") && table.tBodies[0] && table.tBodies[0].rows.length === 1) {
  const record = document.createElement("table");
  record.className = "rows-and-columns dp-record";
  const body = record.createTBody();
  const cells = table.tBodies[0].rows[0].cells;
  table.querySelectorAll("thead th").forEach((th, i) => {
    if (!cells[i]) return;
    const tr = body.insertRow();
    tr.className = th.className;  // col-<name>, so the same rules find it
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = th.textContent.trim();
    if (th.dataset.columnDescription) name.title = th.dataset.columnDescription;
    const value = cells[i].cloneNode(true);
    value.className = cells[i].className;
    tr.append(name, value);
  });
  table.replaceWith(record);
  table = record;
}

// Derived columns, hidden until asked for (not when the visitor chose columns in the address).
if (table && page.derived && page.derived.length && !params.has("_col") && !params.has("_nocol")) {
  const present = page.derived.filter((c) => table.querySelector(`.col-${CSS.escape(c)}`));
  if (present.length) {
    const style = document.createElement("style");
    style.textContent = present.map((c) => `body.dp-hide-derived .col-${CSS.escape(c)}`).join(", ") + " { display: none; }";
    document.head.appendChild(style);
    document.body.classList.add("dp-hide-derived");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "dp-derived-toggle";
    const label = () => (document.body.classList.contains("dp-hide-derived")
      ? `Show ${present.length} derived column${present.length === 1 ? "" : "s"} (${present.join(", ")})`
      : "Hide the derived columns");
    button.textContent = label();
    button.addEventListener("click", () => {
      document.body.classList.toggle("dp-hide-derived");
      button.textContent = label();
    });
    const anchor = document.querySelector(".table-wrapper") || table;
    anchor.parentNode.insertBefore(button, anchor);
  }
}

// Text columns wide enough to read.
if (table && page.wide) {
  for (const c of page.wide) {
    table.querySelectorAll(`td.col-${CSS.escape(c)}`).forEach((td) => td.classList.add("dp-wide"));
  }
}

// Column notes folded away, one click to open.
const notes = document.querySelector("dl.column-descriptions");
if (notes) {
  const details = document.createElement("details");
  details.className = "column-notes";
  const summary = document.createElement("summary");
  summary.textContent = `Notes on the ${notes.querySelectorAll("dt").length} columns`;
  notes.parentNode.insertBefore(details, notes);
  details.append(summary, notes);
}

// Search matches marked, diacritics and case folded, each widened stem as a prefix.
const fold = (s) => Array.from(s, (ch) => {
  const f = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  return f.length === 1 ? f : (ch.toLowerCase().length === 1 ? ch.toLowerCase() : "\u0000");
}).join("");
if (table && page.highlight && page.highlight.length) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const terms = page.highlight.map((t) => escape(fold(t))).filter(Boolean);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.join("|")})[\\p{L}\\p{N}]*`, "gu");
  const walker = document.createTreeWalker(table.tBodies[0] || table, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.nodeValue;
    const folded = fold(text);  // same length as text: one folded character per character
    const pieces = [];
    let last = 0;
    for (const m of folded.matchAll(pattern)) {
      pieces.push(document.createTextNode(text.slice(last, m.index)));
      const mark = document.createElement("mark");
      mark.className = "search-match";
      mark.textContent = text.slice(m.index, m.index + m[0].length);
      pieces.push(mark);
      last = m.index + m[0].length;
    }
    if (pieces.length) {
      pieces.push(document.createTextNode(text.slice(last)));
      node.replaceWith(...pieces);
    }
  }
}

// A row found only through a column kept out of the way (the name forms a view is searched by,
// e.g. participant_names) says which name matched, where it can be seen: in its first cell.
if (table && document.body.classList.contains("dp-hide-derived") && table.tBodies[0]) {
  const hidden = new Set(page.derived || []);
  const columnOf = (td) => [...td.classList].find((c) => c.startsWith("col-"))?.slice(4);
  for (const tr of table.tBodies[0].rows) {
    const found = [...tr.cells].filter((td) => td.querySelector("mark.search-match"));
    if (!found.length || found.some((td) => !hidden.has(columnOf(td)))) continue;
    const note = document.createElement("p");
    note.className = "dp-matched-by";
    note.textContent = "Found by " + found.map((td) => {
      const words = [...new Set([...td.querySelectorAll("mark.search-match")].map((m) => m.textContent))];
      return `the name form${words.length === 1 ? "" : "s"} “${words.join("”, “")}” in ${columnOf(td).replaceAll("_", " ")}`;
    }).join("; ");
    tr.cells[0].append(note);
  }
}

// A link target from data only if it is an http(s) address or a path on this site: the same rule
// as templates/_safe_link.html, and the URL must also resolve to http(s) here.
const safeHref = (url) => {
  const s = String(url);
  if (!/^(https?:\/\/|\/(?![\/\\]))/.test(s)) return null;
  try {
    const resolved = new URL(s, location.href);
    return resolved.protocol === "http:" || resolved.protocol === "https:" ? s : null;
  } catch (e) {
    return null;
  }
};
const sameSite = (url) => {
  try {
    return new URL(String(url), location.href).origin === location.origin ? String(url) : null;
  } catch (e) {
    return null;
  }
};
const URL_ATTRIBUTES = new Set(["href", "xlink:href", "src", "srcset", "action", "formaction", "poster", "background", "ping"]);
const DROPPED = new Set(["SCRIPT", "IFRAME", "FRAME", "OBJECT", "EMBED", "BASE", "META", "LINK", "FORM"]);

// HTML that a plugin built from a row (a map popup), kept to what cannot run or fetch: links
// through safeHref, images and other sources from the site only, no handlers, no active elements.
const cleanHtml = (html) => {
  const template = document.createElement("template");
  template.innerHTML = html;  // a template's content is inert: nothing loads or runs while it is read
  for (const el of Array.from(template.content.querySelectorAll("*"))) {
    if (DROPPED.has(el.tagName.toUpperCase())) {
      el.remove();
      continue;
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const keep = name.startsWith("on") ? null
        : !URL_ATTRIBUTES.has(name) ? attr.value
        : name.endsWith("href") ? safeHref(attr.value) : sameSite(attr.value);
      if (keep === null) el.removeAttribute(attr.name);
    }
  }
  return template.innerHTML;
};

// On a page with a map (datasette-cluster-map draws it for any latitude and longitude columns,
// a visitor's SQL included): every popup's HTML goes through cleanHtml before Leaflet shows it,
// since the plugin builds a popup's link from the row's `popup` JSON as given. And the map shows
// where things are with no outside tiles (the policy loads none): Natural Earth outlines.
if (page.basemap && window.datasette && datasette.leaflet) {
  import(datasette.leaflet.JAVASCRIPT_URL).then(() => {
    const setContent = L.DivOverlay.prototype.setContent;
    L.DivOverlay.prototype.setContent = function (content) {
      const clean = typeof content === "string" ? cleanHtml(content)
        : typeof content === "function" ? (...args) => {
          const made = content(...args);
          return typeof made === "string" ? cleanHtml(made) : made;
        } : content;
      return setContent.call(this, clean);
    };
    L.Map.addInitHook(function () {
      const map = this;
      map.getContainer().id = map.getContainer().id || "map";
      map.createPane("basemap").style.zIndex = 150; // under the (blank) tiles (200)
      map.getPane("basemap").classList.add("leaflet-basemap-pane");
      fetch(page.basemap).then((r) => r.json()).then((data) => {
        L.geoJSON(data, {pane: "basemap", interactive: false,
                         style: {color: "#8a8a8a", weight: 0.7, fillColor: "#f2efe9", fillOpacity: 1}}).addTo(map);
      });
    });
  });
}
