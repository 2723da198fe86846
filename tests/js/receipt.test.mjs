// Checks the math of theme/assets/javascripts/receipt.js in Node (run by tests/test_verify.py).
// Usage: node receipt.test.mjs <expectations.json>
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

import { fetchFile } from "./files.mjs";

// Node 18 (Debian's nodejs) has WebCrypto only as node:crypto's webcrypto, not as a global.
if (!globalThis.crypto || !globalThis.crypto.subtle) {
  Object.defineProperty(globalThis, "crypto", { value: (await import("node:crypto")).webcrypto });
}
const script = fileURLToPath(new URL("../../theme/assets/javascripts/receipt.js", import.meta.url));
vm.runInThisContext(await readFile(script, "utf8"), { filename: script });
const R = globalThis.HarvestReceipt;
const spec = JSON.parse(await readFile(process.argv[2], "utf8"));
const fromHex = (h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));
let checks = 0;


// RFC 6962 shared vectors: leaf hashes and every inclusion proof.
const v = spec.vectors;
const leaves = await Promise.all(v.leaf_inputs_hex.map((h) => R.leafHash(fromHex(h))));
assert.equal(R.hex(leaves[0]), v.roots_hex[1]);
for (const c of v.inclusion) {
  const proof = c.proof.map(fromHex);
  const root = fromHex(v.roots_hex[c.size]);
  assert.ok(await R.verifyInclusion(leaves[c.index], c.index, c.size, proof, root), JSON.stringify(c));
  const bad = Uint8Array.from(leaves[c.index]);
  bad[5] ^= 1;
  assert.ok(!(await R.verifyInclusion(bad, c.index, c.size, proof, root)));
  if (proof.length) assert.ok(!(await R.verifyInclusion(leaves[c.index], c.index, c.size, proof.slice(1), root)));
  checks += 1;
}

assert.equal(R.tileIndexPath(1234067), "x001/x234/067");
assert.equal(R.tilePath(1, 3, 17), "tile/1/003.p/17");
assert.deepEqual(R.parseCsvLine('1,"a, ""b""",,x'), ["1", 'a, "b"', "", "x"]);

// Inclusion proofs rebuilt from the tiles Python wrote match Python's proofs.
for (const ledger of spec.ledgers) {
  const read = async (path) => new Uint8Array(await readFile(ledger.dir + path));
  if (ledger.root) {
    const cp = R.parseCheckpoint(await readFile(ledger.dir + "checkpoint", "utf8"));
    assert.equal(cp.size, ledger.size);
    assert.equal(R.hex(cp.root), ledger.root);
  }
  const reader = new R.TileReader(read, ledger.size);
  for (const [index, proofHex] of Object.entries(ledger.proofs)) {
    const proof = await R.inclusionProof(reader, Number(index), ledger.size);
    assert.deepEqual(proof.map(R.hex), proofHex, `proof of ${index} in ${ledger.size}`);
    checks += 1;
  }
  // Whole look-ups, as the page does them.
  for (const c of ledger.receipts) {
    const result = await R.checkReceipt(ledger.dir, c.code, { fetch: fetchFile });
    assert.equal(result.status, c.status, `${c.code}: ${result.message}`);
    if (c.status === "verified") {
      assert.equal(result.index, c.index);
      assert.equal(result.line, c.line);
      assert.equal(result.entry.reference, c.reference || c.code.trim());
      assert.equal(result.code, c.reference || c.code.trim());
      assert.match(result.message, /^已验证：/);
      // Plain words first; the proof's terms only in result.technical (shown under 技术细节).
      assert.match(result.message, /：这条(捐赠|销售|拨付|支出)在账本里，账本自封存以来没有被改动/);
      assert.doesNotMatch(result.message, /默克尔|树头|RFC|[0-9a-f]{64}/);
      assert.match(result.technical, new RegExp(`位置（从 0 数）是 ${c.index}，.*RFC 6962`));
      // A corrected donation is said to be corrected, by which entries, and the net amount.
      assert.deepEqual(result.corrections.map((e) => [Number(e.seq), e.amount]), c.corrections || []);
      assert.equal(result.net, c.net);
      if (c.corrections) {
        assert.match(result.message, new RegExp(`已被更正.*第 ${c.corrections[0][0]} 条.*净额 ${c.net} CNY`));
      } else {
        assert.doesNotMatch(result.message, /更正/);
      }
    }
    checks += 1;
  }
}
for (const [typed, normalised] of spec.normalise || []) {
  assert.equal(R.normaliseReceipt(typed), normalised, `normalising ${JSON.stringify(typed)}`);
  checks += 1;
}
for (const [amounts, total] of spec.sums || []) {
  assert.equal(R.sumAmounts(amounts), total, `sum of ${amounts}`);
  checks += 1;
}
console.log(`ok ${checks} checks`);
