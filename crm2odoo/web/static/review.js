// The map review: objects, their lines (attention first), actions on a line, and the approval.
"use strict";

const state = {data: null, object: null, filter: "all", query: "", selected: null, open: null};
const KIND_TEXT = {
  required_unmapped: "required, unfilled", unrunnable: "cannot run", unknown_target: "unknown field",
  low_confidence: "low confidence", new_model: "new model", new_field: "new field", lossy: "lossy",
  ignored: "ignored", disabled: "disabled",
};
const BLOCKING = new Set(["required_unmapped", "unrunnable", "unknown_target"]);

function currentObject() {
  return state.data.objects.find((o) => o.name === state.object) || state.data.objects[0];
}

function visibleLines(obj) {
  const query = state.query.toLowerCase();
  return obj.lines.filter((line) => {
    if (state.filter === "attention" && !line.attention.some((a) => a.kind !== "ignored")) { return false; }
    if (state.filter === "custom" && !line.custom) { return false; }
    if (state.filter === "ignored" && !line.ignore) { return false; }
    if (!query) { return true; }
    const text = [line.key, line.label, line.target || "", line.transform, line.reason].join(" ").toLowerCase();
    return text.includes(query);
  });
}

// -- rendering ------------------------------------------------------------------------------------------------
function renderObjects() {
  const list = document.getElementById("objects");
  list.replaceChildren(...state.data.objects.map((obj) => {
    const badge = obj.blocking ? el("span", {class: "badge red", title: "lines that stop approval", text: obj.blocking})
      : obj.attention ? el("span", {class: "badge amber", title: "lines needing attention", text: obj.attention})
      : el("span", {class: "badge green", text: "ok"});
    return el("li", {},
      el("button", {type: "button", class: obj.name === state.object ? "current" : "", dataset: {object: obj.name},
                    onclick: () => selectObject(obj.name)},
        el("span", {class: "obj-name", text: obj.name}), badge,
        el("span", {class: "obj-sub", text: obj.source_object + " → " + obj.model
          + (obj.count !== null && obj.count !== undefined ? " · " + obj.count + " records" : "")
          + (obj.enabled ? "" : " · disabled")})));
  }));
}

function sourceCell(line) {
  return el("td", {class: "source"},
    el("code", {text: line.sources.length ? line.sources.join(" + ") : line.key}),
    line.label && line.label !== line.sources[0] ? el("div", {class: "sub", text: line.label}) : null,
    line.custom ? el("span", {class: "tag", text: "custom"}) : null);
}

function targetCell(line) {
  if (line.ignore) { return el("td", {class: "target"}, el("em", {class: "muted", text: "not migrated"})); }
  return el("td", {class: "target"},
    el("code", {text: line.target}),
    el("div", {class: "sub"}, line.target_type || "", line.target_required ? el("span", {class: "tag red", text: "required"}) : null,
      line.new_field ? el("span", {class: "tag blue", text: "new x_ field"}) : null));
}

function confidenceCell(line) {
  const level = line.confidence >= 0.9 ? "high" : line.confidence >= 0.8 ? "mid" : "low";
  return el("td", {class: "confidence"},
    el("div", {class: "meter " + level}, el("span", {style: "width:" + Math.round(line.confidence * 100) + "%"})),
    el("span", {class: "num", text: line.confidence.toFixed(2)}));
}

function whyCell(line) {
  // the reason says why; a flag adds its message only when it says more than the reason (a blocking problem)
  const flags = line.attention.filter((a) => a.kind !== "ignored");
  return el("td", {class: "why"},
    line.reason ? el("div", {text: line.reason}) : null,
    flags.filter((a) => BLOCKING.has(a.kind)).map((a) => el("div", {class: "flag red"},
      el("strong", {text: (KIND_TEXT[a.kind] || a.kind) + ": "}), a.message)),
    el("div", {class: "flags"}, flags.filter((a) => !BLOCKING.has(a.kind)).map((a) =>
      el("span", {class: "tag amber", title: a.message, text: KIND_TEXT[a.kind] || a.kind}))));
}

function actionsCell(line) {
  const act = (label, mode, title) => el("button", {type: "button", title, dataset: {act: mode}, text: label,
    onclick: (event) => { event.stopPropagation(); select(line.key); action(mode); }});
  const accepted = line.status !== "proposed" && !line.ignore;
  return el("td", {class: "actions"},
    line.ignore ? null : el("button", {type: "button", class: accepted ? "done" : "", dataset: {act: "accept"},
      title: "accept this line as proposed (a)", text: accepted ? (line.status === "edited" ? "Edited" : "Accepted") : "Accept",
      onclick: (event) => { event.stopPropagation(); select(line.key); action("accept"); }}),
    act("Target…", "target", "change the Odoo field (t)"),
    act(line.ignore ? "Restore" : "Ignore", "ignore", "do not migrate this field (i)"),
    act("New x_…", "new_field", "create a new custom field for it (n)"),
    line.value_map ? act("Values…", "value_map", "edit the value map (v)") : null);
}

function paramText(value) {
  // short enough to scan; the whole value is in the tooltip
  const text = Array.isArray(value) ? value.length + " items" : typeof value === "string" ? JSON.stringify(value)
    : JSON.stringify(value);
  return text.length > 32 ? text.slice(0, 31) + "…" : text;
}

function lineRow(line) {
  const blocking = line.attention.some((a) => BLOCKING.has(a.kind));
  const classes = ["line", line.key === state.selected ? "selected" : "", blocking ? "blocking" : "",
    line.ignore ? "ignored" : "", line.status !== "proposed" ? "reviewed" : ""].join(" ");
  return el("tr", {class: classes, dataset: {key: line.key}, tabindex: "-1", onclick: () => select(line.key)},
    sourceCell(line),
    el("td", {class: "samples"}, line.samples.length ? line.samples.map((s) => el("span", {class: "chip", text: s}))
      : el("span", {class: "muted", text: "no values"})),
    targetCell(line),
    el("td", {class: "transform"}, line.transform ? el("code", {text: line.transform}) : null,
      Object.entries(line.params).map(([name, value]) => el("div", {class: "sub param", title: JSON.stringify(value)},
        name + ": " + paramText(value)))),
    confidenceCell(line), whyCell(line), actionsCell(line));
}

function renderLines() {
  const obj = currentObject();
  document.getElementById("object-title").textContent = obj.name + ": " + obj.source_object + " → " + obj.model;
  const notes = document.getElementById("object-notes");
  notes.replaceChildren(...[obj.reason ? el("span", {text: obj.reason}) : null,
    ...obj.notes.map((n) => el("div", {class: "flag " + (BLOCKING.has(n.kind) ? "red" : "amber")},
      el("strong", {text: (KIND_TEXT[n.kind] || n.kind) + ": "}), n.message))].filter(Boolean));
  const rows = [];
  for (const line of visibleLines(obj)) {
    rows.push(lineRow(line));
    if (state.open && state.open.key === line.key) { rows.push(editorRow(obj, line, state.open.mode)); }
  }
  if (!rows.length) { rows.push(el("tr", {}, el("td", {colspan: "7", class: "muted", text: "no line matches this filter"}))); }
  document.getElementById("lines").replaceChildren(...rows);
  const focus = document.querySelector("tr.editor input, tr.editor select");
  if (focus && state.open && !state.open.focused) { focus.focus(); state.open.focused = true; }
}

function renderApproval() {
  const approval = state.data.approval;
  const text = approval.state === "approved" ? "Approved by " + approval.by + " at " + approval.at + " UTC."
    : approval.state === "edited" ? "Edited since " + approval.by + " approved it at " + approval.at + " UTC."
    : "Not approved yet: no record moves before a person approves the map.";
  const box = document.getElementById("approval-state");
  box.textContent = text;
  box.className = "approval-state " + approval.state;
  document.getElementById("changes-title").textContent = approval.state === "unapproved"
    ? "What you approve" : "Changes since the last approval (" + approval.changes.length + ")";
  document.getElementById("changes").replaceChildren(...approval.changes.map((c) =>
    el("li", {class: c.startsWith("+") ? "add" : c.startsWith("-") ? "del" : "mod", text: c})));
  const changesBox = document.getElementById("changes-box");
  changesBox.hidden = approval.state === "approved";
  if (changesBox.dataset.state !== approval.state) {  // open what changed since an approval; a first one lists every map
    changesBox.open = approval.state === "edited";
    changesBox.dataset.state = approval.state;
  }
  const blocked = state.data.objects.filter((o) => o.blocking);
  const warning = document.getElementById("blocked");
  warning.hidden = !blocked.length || approval.state === "approved";
  warning.replaceChildren("Approve will refuse the map until these are fixed: ", ...blocked.flatMap((o, i) => [i ? ", " : "",
    el("a", {href: "#", text: o.name + " (" + o.blocking + ")", onclick: (event) => { event.preventDefault(); selectObject(o.name); }})]));
  const button = document.getElementById("approve");
  button.disabled = approval.state === "approved";
  button.textContent = approval.state === "approved" ? "Approved" : "Approve the map";
}

function render() {
  document.getElementById("origin").textContent = "Odoo fields: " + state.data.schema_origin
    + (state.data.samples_note ? " · " + state.data.samples_note : "");
  renderObjects();
  renderLines();
  renderApproval();
}

// -- editors --------------------------------------------------------------------------------------------------
function targetEditor(obj, line) {
  const fields = state.data.fields[obj.model] || [];
  const list = el("ul", {class: "picker", role: "listbox"});
  const search = el("input", {type: "search", placeholder: "search " + obj.model + " fields", "aria-label": "search fields"});
  const fill = () => {
    const q = search.value.toLowerCase();
    const shown = fields.filter((f) => !f.readonly && (f.name.includes(q) || f.label.toLowerCase().includes(q))).slice(0, 80);
    list.replaceChildren(...shown.map((f) => el("li", {role: "option", tabindex: "0", dataset: {field: f.name},
      class: f.name === line.target ? "current" : "", onclick: () => edit({action: "target", target: f.name}),
      onkeydown: (event) => { if (event.key === "Enter") { edit({action: "target", target: f.name}); } }},
      el("code", {text: f.name}), el("span", {class: "sub", text: f.label}), el("span", {class: "type", text: f.type}),
      f.required ? el("span", {class: "tag red", text: "required"}) : null)));
  };
  search.addEventListener("input", fill);
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); const first = list.querySelector("li"); if (first) { first.focus(); } }
    if (event.key === "Enter") { const first = list.querySelector("li"); if (first) { first.click(); } }
  });
  list.addEventListener("keydown", (event) => {
    const items = [...list.querySelectorAll("li")];
    const at = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < items.length - 1) { event.preventDefault(); items[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? items[at - 1] : search).focus(); }
  });
  fill();
  if (!fields.length) { list.append(el("li", {class: "muted", text: "no schema for " + obj.model + ": type the field name"})); }
  return el("div", {class: "editor-body"}, el("h3", {text: "Odoo field for " + line.key}), search, list);
}

function slugify(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

function newFieldEditor(obj, line) {
  const name = el("input", {type: "text", name: "name", value: "x_" + slugify(line.label || line.sources[0] || "field").slice(0, 40)});
  const guess = line.source_options.length ? "selection" : (state.data.field_types.includes(line.target_type) ? line.target_type : "char");
  const type = el("select", {name: "type"}, state.data.field_types.map((t) => el("option", {value: t, selected: t === guess, text: t})));
  const label = el("input", {type: "text", name: "label", value: line.label || line.sources[0] || ""});
  const create = () => edit({action: "new_field", name: name.value.trim(), type: type.value, label: label.value.trim()});
  const form = el("form", {class: "editor-body grid", onsubmit: (event) => { event.preventDefault(); create(); }},
    el("h3", {text: "New custom field on " + obj.model}),
    el("label", {}, "Name", name), el("label", {}, "Type", type), el("label", {}, "Label", label),
    el("button", {type: "submit", class: "primary", text: "Create field"}),
    line.source_options.length ? el("p", {class: "sub", text: "a selection gets the source's " + line.source_options.length + " options"}) : null);
  return form;
}

function valueMapEditor(obj, line) {
  const target = (state.data.fields[obj.model] || []).find((f) => f.name === line.target);
  const listId = "choices-" + slugify(line.key);
  const choices = el("datalist", {id: listId}, (target ? target.selection : []).map((k) => el("option", {value: k})));
  const mapped = new Map(line.value_map.map(([k, v]) => [k, v]));
  const keys = [...mapped.keys(), ...line.source_options.filter((o) => !mapped.has(o))];
  const row = (key) => {
    const value = mapped.has(key) ? mapped.get(key) : "";
    const input = el("input", {type: "text", list: listId, value: typeof value === "string" ? value : JSON.stringify(value),
      "aria-label": "Odoo value for " + key, placeholder: "(not mapped: the record fails)"});
    const save = () => edit({action: "value_map", source_value: key, target_value: input.value.trim()});
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") { save(); } });
    return el("tr", {class: mapped.has(key) ? "" : "unmapped"}, el("td", {}, el("code", {text: key})), el("td", {text: "→"}),
      el("td", {}, input), el("td", {}, el("button", {type: "button", text: "Save", onclick: save})));
  };
  const newKey = el("input", {type: "text", placeholder: "source value", "aria-label": "new source value"});
  const newValue = el("input", {type: "text", list: listId, placeholder: "Odoo value", "aria-label": "new Odoo value"});
  const add = () => edit({action: "value_map", source_value: newKey.value.trim(), target_value: newValue.value.trim()});
  newValue.addEventListener("keydown", (event) => { if (event.key === "Enter") { add(); } });
  return el("div", {class: "editor-body"}, el("h3", {text: "Value map of " + line.key + " → " + line.target}), choices,
    el("table", {class: "valuemap"}, el("tbody", {}, keys.map(row),
      el("tr", {class: "add"}, el("td", {}, newKey), el("td", {text: "→"}), el("td", {}, newValue),
        el("td", {}, el("button", {type: "button", class: "primary", text: "Add entry", onclick: add}))))),
    el("p", {class: "sub", text: "An empty Odoo value removes the entry. A JSON object sets several fields, e.g. {\"probability\": 100}."}));
}

function editorRow(obj, line, mode) {
  const body = mode === "target" ? targetEditor(obj, line) : mode === "new_field" ? newFieldEditor(obj, line)
    : valueMapEditor(obj, line);
  return el("tr", {class: "editor"}, el("td", {colspan: "7"}, body,
    el("button", {type: "button", class: "close", title: "close (Esc)", text: "×", onclick: () => { state.open = null; renderLines(); }})));
}

// -- actions --------------------------------------------------------------------------------------------------
async function reload(message) {
  try {
    state.data = await api("/api/map");
    render();
    if (message) { toast(message, "error"); }
  } catch (error) {  // the file cannot be read as it is now (a hand edit half done): say so, keep the old view
    toast((message ? message + "\n" : "") + error.message, "error");
  }
}

async function edit(change) {
  const obj = currentObject();
  try {
    state.data = await api("/api/edit", {hash: state.data.hash, object: obj.name, line: state.selected, ...change});
    state.open = null;
    render();
    toast("saved to mapping.yaml", "ok");
  } catch (error) {
    if (error.status === 409) {
      state.open = null;
      await reload(error.message + ". The page reloaded it; your change was not saved: make it again.");
    } else { toast(error.message, "error"); }
  }
}

function action(mode) {
  const obj = currentObject();
  const line = obj.lines.find((l) => l.key === state.selected);
  if (!line) { return; }
  if (mode === "accept") { edit({action: "accept"}); return; }
  if (mode === "ignore") { edit({action: line.ignore ? "restore" : "ignore"}); return; }
  if (mode === "value_map" && !line.value_map) { toast("this line has no value map", "error"); return; }
  state.open = state.open && state.open.key === line.key && state.open.mode === mode ? null : {key: line.key, mode};
  renderLines();
}

function select(key, scroll) {
  state.selected = key;
  if (state.open && state.open.key !== key) { state.open = null; }
  renderLines();
  const row = document.querySelector("tr.line.selected");
  if (row && scroll) { row.scrollIntoView({block: "nearest"}); }
}

function selectObject(name) {
  state.object = name;
  state.open = null;
  const first = visibleLines(currentObject())[0];
  state.selected = first ? first.key : null;
  render();
}

function move(step) {
  const lines = visibleLines(currentObject());
  const at = lines.findIndex((l) => l.key === state.selected);
  const next = lines[Math.min(lines.length - 1, Math.max(0, at + step))];
  if (next) { select(next.key, true); }
}

function moveObject(step) {
  const names = state.data.objects.map((o) => o.name);
  const at = names.indexOf(state.object);
  selectObject(names[(at + step + names.length) % names.length]);
}

async function acceptRest() {
  // one request per line, each against the hash the previous one left: a change made elsewhere still stops it
  const obj = currentObject();
  const quiet = obj.lines.filter((l) => !l.ignore && l.status === "proposed" && !l.attention.length).map((l) => l.key);
  try {
    for (const key of quiet) {
      state.data = await api("/api/edit", {hash: state.data.hash, object: obj.name, line: key, action: "accept"});
    }
    render();
    toast(quiet.length ? "accepted " + quiet.length + " line(s) of " + obj.name : "nothing left to accept here", "ok");
  } catch (error) {
    await reload(error.message);
  }
}

async function approve() {
  const problems = document.getElementById("problems");
  problems.hidden = true;
  try {
    state.data = await api("/api/approve", {hash: state.data.hash, reviewer: document.getElementById("reviewer").value});
    render();
    toast("approved: the approval is recorded in the ledger", "ok");
  } catch (error) {
    if (error.status === 409) { await reload(error.message); return; }
    const found = (error.body && error.body.problems) || [];
    toast(found.length ? "The map cannot run, so it cannot be approved: " + found.length + " line(s) to fix, listed under Approve"
      : error.message, "error");
    problems.replaceChildren(...found.map((p) => el("li", {},
      p.object ? el("a", {href: "#", text: p.message, onclick: (event) => { event.preventDefault(); goTo(p.object, p.line); }})
        : el("span", {text: p.message}))));
    problems.hidden = !found.length;
  }
}

function goTo(objectName, key) {
  if (!state.data.objects.some((o) => o.name === objectName)) { return; }
  state.object = objectName;
  state.filter = "all";
  document.querySelectorAll("[data-filter]").forEach((b) => b.classList.toggle("current", b.dataset.filter === "all"));
  render();
  const line = currentObject().lines.find((l) => l.key === key);
  if (line) { select(line.key, true); }
}

function onKey(event) {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (event.key === "Escape") { state.open = null; document.activeElement.blur(); renderLines(); return; }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
  const keys = {j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
    "]": () => moveObject(1), "[": () => moveObject(-1), a: () => action("accept"), t: () => action("target"),
    i: () => action("ignore"), n: () => action("new_field"), v: () => action("value_map"),
    "/": () => document.getElementById("search").focus()};
  if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
}

async function start() {
  document.querySelectorAll("[data-filter]").forEach((button) => button.addEventListener("click", () => {
    state.filter = button.dataset.filter;
    document.querySelectorAll("[data-filter]").forEach((b) => b.classList.toggle("current", b === button));
    renderLines();
  }));
  document.getElementById("search").addEventListener("input", (event) => { state.query = event.target.value; renderLines(); });
  document.getElementById("approve").addEventListener("click", approve);
  document.getElementById("accept-rest").addEventListener("click", acceptRest);
  const reviewer = document.getElementById("reviewer");
  reviewer.value = window.localStorage.getItem("crm2odoo-reviewer") || "";
  reviewer.addEventListener("change", () => window.localStorage.setItem("crm2odoo-reviewer", reviewer.value));
  document.addEventListener("keydown", onKey);
  try {
    state.data = await api("/api/map");
  } catch (error) { toast(error.message, "error"); return; }
  const worst = [...state.data.objects].sort((a, b) => b.blocking - a.blocking || b.attention - a.attention)[0];
  selectObject(worst.name);
  document.body.dataset.ready = "1";
}

start();
