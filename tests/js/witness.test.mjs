// The receipt check counts the log's signature and the witnesses (run by tests/test_witness.py).
// Usage: node witness.test.mjs <cases.json>; each case: {dir, code, status, witnesses}. Every
// case is checked twice: with WebCrypto's Ed25519, and with the vendored @noble/ed25519 (as in
// browsers without Ed25519 in WebCrypto).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";

import { fetchFile } from "./files.mjs";

if (!globalThis.crypto || !globalThis.crypto.subtle) {
  Object.defineProperty(globalThis, "crypto", { value: (await import("node:crypto")).webcrypto });
}
const script = fileURLToPath(new URL("../../theme/assets/javascripts/receipt.js", import.meta.url));
vm.runInThisContext(await readFile(script, "utf8"), {
  filename: script,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const R = globalThis.HarvestReceipt;
const vendor = pathToFileURL(fileURLToPath(new URL("../../theme/assets/javascripts/vendor/", import.meta.url))).href;
const cases = JSON.parse(await readFile(process.argv[2], "utf8"));


let checks = 0;
for (const c of cases) {
  for (const noWebCryptoEd25519 of [false, true]) {
    const result = await R.checkReceipt(c.dir, c.code, { fetch: fetchFile, noWebCryptoEd25519, vendor });
    const how = noWebCryptoEd25519 ? "noble" : "WebCrypto";
    assert.equal(result.status, c.status, `${c.dir} ${c.code} (${how}): ${result.message}`);
    assert.equal((result.witnesses || []).length, c.witnesses, `${c.dir} (${how}): ${result.message}`);
    checks += 1;
  }
}
console.log(`ok ${checks} checks`);
