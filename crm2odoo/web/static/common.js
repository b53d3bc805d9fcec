// Shared by the review and run pages: the token, JSON calls, and building DOM from data without innerHTML
// (customer data is always set as text, never parsed as HTML).
"use strict";

const TOKEN = new URLSearchParams(window.location.search).get("token") || "";

class ApiError extends Error {
  constructor(status, body) {
    super(body.error || ("HTTP " + status));
    this.status = status;
    this.body = body;
  }
}

async function api(path, body) {
  const options = {headers: {"X-Review-Token": TOKEN}, cache: "no-store"};
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = {};
  try { data = await response.json(); } catch (_) { data = {error: "HTTP " + response.status}; }
  if (!response.ok) { throw new ApiError(response.status, data); }
  return data;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) { continue; }
    if (name === "class") { node.className = value; }
    else if (name === "text") { node.textContent = value; }
    else if (name.startsWith("on")) { node.addEventListener(name.slice(2), value); }
    else if (name === "style") { node.style.cssText = value; }  // CSSOM: allowed by the page's CSP
    else if (name === "dataset") { Object.assign(node.dataset, value); }
    else { node.setAttribute(name, value === true ? "" : value); }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) { continue; }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let toastTimer = null;
function toast(message, kind) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = "toast " + (kind || "info");
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 9000 : 3500);
}

function withToken(path) {
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
}
