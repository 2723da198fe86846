// Runs theme/assets/javascripts/ledger.js in Node with a minimal stand-in for the page (run by
// tests/test_ledger_pages.py): presses the "more" button once and prints the rows the script made.
// Usage: node ledger.test.mjs <spec.json>; spec: {button: {attribute: value}, chunks: {"entries/<k>.json": chunk}}.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const spec = JSON.parse(await readFile(process.argv[2], "utf8"));
const rows = [];
let press = null;

class Element {
  constructor(tag) { this.tag = tag; this.id = ""; this.className = ""; this.textContent = ""; this.attributes = {}; this.children = []; }
  appendChild(child) { this.children.push(child); return child; }
  setAttribute(name, value) { this.attributes[name] = String(value); }
}

// A cell as text, each link written [text](href): the same form tests/test_ledger_pages.py reads the page's cells in.
function shown(node) {
  if (node.tag === "#text") return node.textContent;
  const inner = node.children.length ? node.children.map(shown).join("") : node.textContent;
  return node.tag === "a" ? `[${inner}](${node.attributes.href})` : inner;
}
const table = { appendChild(row) { rows.push(row); return row; } };
const button = {
  disabled: false,
  textContent: "",
  getAttribute(name) { return spec.button[name] ?? null; },
  addEventListener(type, listener) { if (type === "click") press = listener; },
};
globalThis.document = {
  querySelector: (selector) => (selector === "[data-ledger-table]" ? table : null),
  querySelectorAll: (selector) => (selector === "[data-ledger-more]" ? [button] : []),
  createElement: (tag) => new Element(tag),
  createTextNode: (text) => Object.assign(new Element("#text"), { textContent: text }),
};
globalThis.fetch = async (url) => (url in spec.chunks ? { ok: true, json: async () => spec.chunks[url] } : { ok: false, status: 404 });

const script = fileURLToPath(new URL("../../theme/assets/javascripts/ledger.js", import.meta.url));
vm.runInThisContext(await readFile(script, "utf8"), { filename: script });
press();
await new Promise((resolve) => setTimeout(resolve, 50));
const out = rows.map((tr) => ({
  tag: tr.tag,
  id: tr.id,
  cells: tr.children.map((td) => ({ tag: td.tag, text: shown(td), class: td.className })),
}));
console.log(JSON.stringify({ rows: out, button: { disabled: button.disabled, text: button.textContent } }));
