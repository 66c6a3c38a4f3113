/* A minimal DOM for running data/viewer/viewer.js under Node in the tests: prints the rendered list as text.
 * Usage: node viewer_dom.js <folder of items.js and viewer.js> [query] */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

class Node {
  constructor(tag) { this.tag = tag; this.children = []; this.listeners = {}; this.className = ""; this._text = ""; this.value = ""; }
  appendChild(child) { if (child.tag === "#fragment") { this.children.push(...child.children); } else { this.children.push(child); } return child; }
  addEventListener(kind, fn) { this.listeners[kind] = fn; }
  get firstChild() { return this.children[0] || null; }
  set textContent(value) { this.children = []; this._text = String(value); }
  get textContent() { return this._text + this.children.map((c) => c.textContent).join(""); }
  render(depth) {
    const pad = "  ".repeat(depth);
    const label = this.tag === "#text" ? "" : `<${this.tag}${this.className ? "." + this.className.replace(/ /g, ".") : ""}>`;
    const own = this._text ? " " + this._text : "";
    return [pad + label + own, ...this.children.map((c) => c.render(depth + 1))].filter((l) => l.trim()).join("\n");
  }
}
const byId = {};
const document = {
  getElementById(id) { return byId[id] || (byId[id] = new Node("#" + id)); },
  createElement(tag) { return new Node(tag); },
  createTextNode(text) { const n = new Node("#text"); n._text = String(text); return n; },
  createDocumentFragment() { return new Node("#fragment"); },
};
const folder = process.argv[2];
const context = { window: {}, document, setTimeout, clearTimeout, console };
vm.createContext(context);
vm.runInContext(fs.readFileSync(path.join(folder, "items.js"), "utf8"), context);
vm.runInContext(fs.readFileSync(path.join(folder, "viewer.js"), "utf8"), context);
if (process.argv[3]) {
  byId.query.value = process.argv[3];
  byId.filters.listeners.submit({ preventDefault() {} });
}
process.stdout.write(byId.list.render(0) + "\n");
