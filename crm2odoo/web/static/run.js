// The run view: polls the ledger (through /api/run) every second while a run goes on; renders the reports.
"use strict";

let shownReport = null;
const STATE_TEXT = {along: "created along", waiting: "waiting"};

function duration(seconds) {
  if (seconds === null || seconds === undefined) { return "–"; }
  if (seconds < 60) { return Math.round(seconds) + " s"; }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) { return minutes + " min " + Math.round(seconds % 60) + " s"; }
  return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
}

function objectRow(o) {
  const percent = Math.round(o.share * 100);
  const records = o.expected ? o.done + " of " + o.expected : String(o.done);
  return el("tr", {class: "state-" + o.state, dataset: {object: o.name}},
    el("td", {}, el("code", {text: o.name})),
    el("td", {}, el("span", {class: "pill " + o.state, text: STATE_TEXT[o.state] || o.state}),
      o.message ? el("div", {class: "sub", text: o.message}) : null),
    el("td", {class: "bar-col"}, o.expected || o.state === "done" ? [el("div", {class: "bar"}, el("span", {style: "width:" + percent + "%"})),
      el("span", {class: "sub", text: o.expected ? percent + "%" : ""})] : el("span", {class: "sub", text: o.state === "along" ? "made for lookups" : ""})),
    el("td", {class: "num", dataset: {done: o.done}, text: records}),
    el("td", {class: "num", text: o.rate ? o.rate + " /s" : "–"}),
    el("td", {class: "num", text: o.state === "running" ? duration(o.eta_seconds) : "–"}),
    el("td", {}, el("strong", {class: o.quarantined ? "red" : "muted", text: String(o.quarantined)}),
      o.reasons.length ? el("ul", {class: "reasons"}, o.reasons.map((r) =>
        el("li", {}, el("span", {class: "count", text: r.count + " ×"}), " ", r.field ? el("code", {text: r.field}) : null,
          r.field ? " " : null, r.reason))) : null));
}

function renderRun(data) {
  const run = data.run;
  document.getElementById("run-active").textContent = data.active ? "now: " + data.active : "";
  if (!run) {
    document.getElementById("run-title").textContent = "No run yet";
    document.getElementById("run-summary").textContent = "Start `crm2odoo migrate` in a terminal: its progress shows here live.";
    document.getElementById("run-objects").replaceChildren();
  } else {
    document.getElementById("run-title").textContent = "Run " + run.id + " (" + run.kind + "): " + run.state;
    const left = run.state === "running" && run.eta_seconds !== null ? ", about " + duration(run.eta_seconds) + " left" : "";
    document.getElementById("run-summary").textContent = run.done + (run.expected ? " of " + run.expected : "")
      + " records settled, " + run.quarantined + " quarantined, " + (run.rate ? run.rate + " records/s, " : "")
      + duration(run.elapsed_seconds) + " since it started at " + run.started_at + " UTC"
      + (run.finished_at ? ", finished at " + run.finished_at + " UTC" : left);
    document.body.dataset.runState = run.state;
    document.getElementById("run-objects").replaceChildren(...run.objects.map(objectRow));
    const owners = run.owners_waiting || [];
    document.getElementById("owners-box").hidden = !owners.length;
    document.getElementById("owners").replaceChildren(...owners.map((o) =>
      el("li", {}, el("strong", {text: o.name || o.source_id}), o.email ? " <" + o.email + ">" : "", " (source id " + o.source_id + ")")));
  }
  renderReports(data.reports);
}

function renderReports(names) {
  const tabs = document.getElementById("report-tabs");
  if (!names.length) {
    tabs.replaceChildren(el("span", {class: "muted", text: "no report yet"}));
    return;
  }
  if (!shownReport || !names.includes(shownReport)) { showReport(names[0]); }
  tabs.replaceChildren(...names.map((name) => el("button", {type: "button", role: "tab", class: name === shownReport ? "current" : "",
    text: name.replace(/\.html$/, ""), onclick: () => { showReport(name); renderReports(names); }})));
}

function showReport(name) {
  shownReport = name;
  document.getElementById("report-frame").src = withToken("/reports/" + encodeURIComponent(name));
}

async function poll() {
  try {
    renderRun(await api("/api/run"));
    document.body.dataset.ready = "1";
  } catch (error) { toast(error.message, "error"); }
  setTimeout(poll, 1000);
}

poll();
