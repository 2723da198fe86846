/* Harvest Ledger: verify a donation receipt in the reader's browser.
 *
 * The ledger page holds <form data-receipt-form data-ledger="./"> with <input name="receipt">
 * and an output element [data-receipt-result]. Given a receipt code, this script fetches,
 * from the ledger's folder only: receipts/index.json and one receipt shard (code -> leaf
 * index), the entry bundle holding the entry's line, the checkpoint, and the few C2SP
 * tlog-tiles needed to rebuild the RFC 9162 inclusion proof; it hashes the line with WebCrypto
 * and checks the proof against the checkpoint's root. A corrected donation is shown with its
 * corrections (listed in corrections/<k>.json, each proven the same way) and its net amount.
 * Nothing is inserted as HTML.
 * Plain ES2017, no library, no request outside the site.
 */
(function (global) {
  "use strict";

  // Where the vendored Ed25519 library is, beside this script (used only without WebCrypto Ed25519).
  var VENDOR = global.document && global.document.currentScript && global.document.currentScript.src
    ? new URL("vendor/", global.document.currentScript.src).href : null;
  var TILE_HEIGHT = 8;
  var TILE_WIDTH = 256;
  var HASH_SIZE = 32;
  var COLUMNS = ["seq", "date", "type", "product", "channel", "quantity", "unit", "orders",
    "amount", "currency", "party", "reference", "note"];
  var TYPES = { donation: "捐赠", sale: "销售", disbursement: "拨付", expense: "支出" };
  var CHUNK_ENTRIES = 1000;  // donations per corrections/<k>.json (harvest/ledger/format.py)
  var CORRECTION = /^seq:([0-9]+)$/;  // a correction's reference (harvest/ledger/format.py)
  var AMOUNT = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/;

  function concat(parts) {
    var length = 0;
    parts.forEach(function (p) { length += p.length; });
    var out = new Uint8Array(length);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  async function sha256(bytes) {
    if (global.crypto && global.crypto.subtle) {
      return new Uint8Array(await global.crypto.subtle.digest("SHA-256", bytes));
    }
    return (await loadSha2(VENDOR)).sha256(bytes); // plain-http pages have no crypto.subtle
  }

  var sha2 = null;
  function loadSha2(vendor) {
    if (!vendor) return Promise.reject(new Error("this browser has no SHA-256"));
    if (!sha2) sha2 = import(vendor + "noble-hashes/sha2.js");
    return sha2;
  }

  /** RFC 6962 leaf hash: SHA-256(0x00 || line bytes). */
  function leafHash(bytes) {
    return sha256(concat([new Uint8Array([0]), bytes]));
  }

  /** RFC 6962 node hash: SHA-256(0x01 || left || right). */
  function nodeHash(left, right) {
    return sha256(concat([new Uint8Array([1]), left, right]));
  }

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function fromBase64(text) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new Error("not base64: " + text);
    }
    var raw = global.atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Checkpoint note body: origin, size and root; signature lines are ignored. */
  function parseCheckpoint(text) {
    var body = text.split("\n\n")[0].split("\n");
    if (body.length < 3 || !body[0] || !/^(0|[1-9][0-9]*)$/.test(body[1])) {
      throw new Error("the checkpoint is malformed");
    }
    var root = fromBase64(body[2]);
    if (root.length !== HASH_SIZE) throw new Error("the checkpoint root is not a SHA-256 hash");
    return { origin: body[0], size: Number(body[1]), root: root };
  }

  /** C2SP tlog-tiles index path: 1234067 -> "x001/x234/067". */
  function tileIndexPath(n) {
    var groups = [String(n % 1000).padStart(3, "0")];
    n = Math.floor(n / 1000);
    while (n > 0) {
      groups.unshift("x" + String(n % 1000).padStart(3, "0"));
      n = Math.floor(n / 1000);
    }
    return groups.join("/");
  }

  function tilePath(level, n, width) {
    return "tile/" + level + "/" + tileIndexPath(n) + (width === TILE_WIDTH ? "" : ".p/" + width);
  }

  function entriesPath(n, width) {
    return "tile/entries/" + tileIndexPath(n) + (width === TILE_WIDTH ? "" : ".p/" + width);
  }

  /** The lines of an entry bundle: each a big-endian uint16 length, then the bytes. */
  function parseBundle(bytes) {
    var lines = [];
    var at = 0;
    while (at < bytes.length) {
      if (at + 2 > bytes.length) throw new Error("the entry bundle is truncated");
      var length = bytes[at] * 256 + bytes[at + 1];
      if (at + 2 + length > bytes.length) throw new Error("the entry bundle is truncated");
      lines.push(bytes.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    return lines;
  }

  /** One CSV line (no line breaks inside fields) as its fields. */
  function parseCsvLine(text) {
    var fields = [];
    var field = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"' && field === "") quoted = true;
      else if (c === ",") { fields.push(field); field = ""; }
      else field += c;
    }
    fields.push(field);
    return fields;
  }

  function entryFields(text) {
    var values = parseCsvLine(text);
    var entry = {};
    COLUMNS.forEach(function (name, i) { entry[name] = values[i] === undefined ? "" : values[i]; });
    return entry;
  }

  function isOdd(n) { return n % 2 === 1; }
  function half(n) { return Math.floor(n / 2); }

  /** RFC 9162 section 2.1.3.2: does proof show leaf at index in a tree of size with root? */
  async function verifyInclusion(leaf, index, size, proof, root) {
    if (!(index >= 0 && index < size)) return false;
    var fn = index;
    var sn = size - 1;
    var r = leaf;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) return false;
      if (isOdd(fn) || fn === sn) {
        r = await nodeHash(proof[i], r);
        while (!isOdd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && equal(r, root);
  }

  /** Reads hashes of complete subtrees from the tiles of a tree of `size` leaves. */
  function TileReader(fetchBytes, size) {
    this.fetchBytes = fetchBytes;
    this.size = size;
    this.cache = {};
  }

  TileReader.prototype.tile = function (level, n) {
    var count = Math.floor(this.size / Math.pow(TILE_WIDTH, level));
    var width = Math.min(TILE_WIDTH, count - n * TILE_WIDTH);
    var path = tilePath(level, n, width);
    if (!this.cache[path]) {
      this.cache[path] = this.fetchBytes(path).then(function (bytes) {
        if (bytes.length !== width * HASH_SIZE) throw new Error(path + " has the wrong size");
        return bytes;
      });
    }
    return this.cache[path];
  };

  /** The hash of the complete subtree of 2^height leaves number `index` at that height. */
  TileReader.prototype.hashAt = async function (height, index) {
    var level = Math.floor(height / TILE_HEIGHT);
    var span = Math.pow(2, height % TILE_HEIGHT);
    var first = index * span;
    var n = Math.floor(first / TILE_WIDTH);
    var bytes = await this.tile(level, n);
    var hashes = [];
    for (var i = 0; i < span; i++) {
      var at = (first % TILE_WIDTH + i) * HASH_SIZE;
      hashes.push(bytes.subarray(at, at + HASH_SIZE));
    }
    while (hashes.length > 1) {
      var next = [];
      for (var j = 0; j < hashes.length; j += 2) next.push(await nodeHash(hashes[j], hashes[j + 1]));
      hashes = next;
    }
    return hashes[0];
  };

  function largestPowerBelow(n) {
    var k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  /** MTH(D[start:end]) from the tiles, splitting as RFC 6962 does. */
  async function subtreeHash(reader, start, end) {
    var n = end - start;
    var height = 0;
    var power = 1;
    while (power < n) { power *= 2; height++; }
    if (power === n) return reader.hashAt(height, start / n);
    var k = largestPowerBelow(n);
    return nodeHash(await subtreeHash(reader, start, start + k),
      await subtreeHash(reader, start + k, end));
  }

  /** The RFC 9162 inclusion proof of leaf `index` in a tree of `size`, read from tiles. */
  async function inclusionProof(reader, index, size) {
    var proof = [];
    var start = 0;
    var end = size;
    while (end - start > 1) {
      var k = largestPowerBelow(end - start);
      if (index < start + k) {
        proof.push(await subtreeHash(reader, start + k, end));
        end = start + k;
      } else {
        proof.push(await subtreeHash(reader, start, start + k));
        start += k;
      }
    }
    return proof.reverse();
  }

  function fetcher(baseUrl, fetchImpl) {
    var base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    var doFetch = fetchImpl || global.fetch.bind(global);
    return async function (path) {
      var response = await doFetch(base + path);
      if (!response.ok) {
        var error = new Error("could not load " + path + " (HTTP " + response.status + ")");
        error.status = response.status;
        throw error;
      }
      return new Uint8Array(await response.arrayBuffer());
    };
  }

  function decode(bytes) {
    return new TextDecoder("utf-8").decode(bytes);
  }

  /** Ed25519 with the vendored, audited @noble/ed25519 (SHA-512 from @noble/hashes). */
  var noble = null;
  function loadNoble(vendor) {
    if (!noble) {
      noble = Promise.all([import(vendor + "noble-ed25519/index.js"), loadSha2(vendor)])
        .then(function (mods) { mods[0].hashes.sha512 = mods[1].sha512; return mods[0]; });
    }
    return noble;
  }

  /**
   * Whether `signature` is a valid Ed25519 signature of `message` by `publicKey` (32 bytes).
   * WebCrypto where the browser has Ed25519; the vendored library where it does not.
   */
  async function ed25519Verify(publicKey, signature, message, options) {
    var subtle = global.crypto && global.crypto.subtle;
    if (subtle && !(options && options.noWebCryptoEd25519)) {
      var key = null;
      try {
        key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      } catch (error) {
        key = null; // no Ed25519 in this browser's WebCrypto
      }
      if (key) return subtle.verify({ name: "Ed25519" }, key, signature, message);
    }
    var vendor = (options && options.vendor) || VENDOR;
    if (!vendor) throw new Error("this browser cannot check Ed25519 signatures");
    var ed = await loadNoble(vendor);
    return ed.verify(signature, message, publicKey);
  }

  /** A verifier key <name>+<8 hex>+<base64(type || 32-byte key)> as {name, id, type, key}. */
  function parseVerifierKey(text) {
    var parts = String(text).split("+");
    if (parts.length < 3) throw new Error("malformed verifier key");
    var raw = fromBase64(parts.slice(2).join("+"));
    if (raw.length !== 33 || !/^[0-9a-f]{8}$/.test(parts[1])) throw new Error("malformed verifier key");
    return { name: parts[0], id: parts[1], type: raw[0], key: raw.subarray(1) };
  }

  /** The signature lines of a note ("— name base64") as {name, raw}. */
  function noteSignatures(text) {
    var cut = text.indexOf("\n\n");
    if (cut < 0) return [];
    return text.slice(cut + 2).split("\n").filter(function (row) { return row.indexOf("\u2014 ") === 0; })
      .map(function (row) {
        var parts = row.split(" ");
        try { return { name: parts[1], raw: fromBase64(parts[2] || "") }; } catch (e) { return null; }
      }).filter(Boolean);
  }

  /**
   * Who vouches for a checkpoint note: whether the log's signature by `logKey` holds, and
   * the names and times of the witnesses (C2SP tlog-cosignature, cosignature/v1) whose
   * cosignatures hold.
   */
  async function checkNote(text, logKey, witnessKeys, options) {
    var body = text.slice(0, text.indexOf("\n\n") + 1);
    var bytes = utf8(body);
    var sigs = noteSignatures(text);
    var result = { signed: false, witnesses: [] };
    if (logKey) {
      var log = parseVerifierKey(logKey);
      for (var i = 0; i < sigs.length; i++) {
        var s = sigs[i];
        if (s.name !== log.name || s.raw.length !== 68 || hex(s.raw.subarray(0, 4)) !== log.id) continue;
        result.signed = log.type === 1 && await ed25519Verify(log.key, s.raw.subarray(4), bytes, options);
        break;
      }
    }
    for (var w = 0; w < witnessKeys.length; w++) {
      var wk = parseVerifierKey(witnessKeys[w]);
      for (var j = 0; j < sigs.length; j++) {
        var c = sigs[j];
        if (c.name !== wk.name || c.raw.length !== 76 || hex(c.raw.subarray(0, 4)) !== wk.id || wk.type !== 4) continue;
        var t = c.raw.subarray(4, 12);
        var seconds = ((t[0] * 256 + t[1]) * 256 + t[2]) * 256 + t[3];
        seconds = seconds * 4294967296 + (((t[4] * 256 + t[5]) * 256 + t[6]) * 256 + t[7]);
        var message = utf8("cosignature/v1\ntime " + seconds + "\n" + body);
        if (await ed25519Verify(wk.key, c.raw.subarray(12), message, options)) {
          result.witnesses.push({ name: wk.name, time: seconds });
          break;
        }
      }
    }
    return result;
  }

  /**
   * Look a receipt code up and verify its entry. Resolves to {status, message, ...} with
   * status "verified", "not-verified" (the proof or the data is wrong), "unknown" (no such
   * receipt) or "error" (the files could not be loaded). Never rejects.
   */
  // As harvest/ledger/format.py `normalise_receipt`: NFKC (full-width letters and digits
  // become ASCII), case folded, every space and every dash of any width removed. A code
  // typed from paper as "ｂｊ2019－0001" or "bj 2019 0001" is BJ2019-0001.
  var SPACES_AND_DASHES = /[\s\-\u00ad\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]+/g;
  function normaliseReceipt(code) {
    return String(code || "").normalize("NFKC").toLowerCase().replace(SPACES_AND_DASHES, "");
  }

  /** The entry line at leaf `index` of the checkpoint's tree, and whether its inclusion proof holds. */
  function Prover(fetchBytes, checkpoint) {
    this.fetchBytes = fetchBytes;
    this.checkpoint = checkpoint;
    this.reader = new TileReader(fetchBytes, checkpoint.size);
    this.bundles = {};
  }

  Prover.prototype.line = async function (index) {
    var size = this.checkpoint.size;
    var bundleCount = Math.ceil(size / TILE_WIDTH);
    var n = Math.floor(index / TILE_WIDTH);
    var width = n < bundleCount - 1 ? TILE_WIDTH : size - n * TILE_WIDTH;
    var path = entriesPath(n, width);
    if (!this.bundles[path]) this.bundles[path] = this.fetchBytes(path).then(parseBundle);
    var lines = await this.bundles[path];
    var line = lines[index % TILE_WIDTH];
    if (lines.length !== width || !line) throw new Error("the entry bundle has the wrong size");
    var proof = await inclusionProof(this.reader, index, size);
    return { bytes: line, included: await verifyInclusion(await leafHash(line), index, size, proof, this.checkpoint.root) };
  };

  /**
   * The corrections of the donation `entry` (seq `seq`): the entries corrections/<k>.json lists
   * for it, each proven in the ledger and checked to be a correction of it (or of one of its
   * corrections) with the listed amount, in ledger order; null when the list does not hold.
   */
  async function correctionsOf(seq, entry, prover, fetchBytes) {
    var shard = JSON.parse(decode(await fetchBytes("corrections/" + Math.floor((seq - 1) / CHUNK_ENTRIES) + ".json")));
    var listed = Object.prototype.hasOwnProperty.call(shard, String(seq)) ? shard[String(seq)] : [];
    if (!Array.isArray(listed)) return null;
    var chain = {};
    chain[seq] = true;
    var found = [];
    for (var i = 0; i < listed.length; i++) {
      var s = Array.isArray(listed[i]) ? listed[i][0] : null;
      if (!(Number.isInteger(s) && s > seq && s <= prover.checkpoint.size)) return null;
      var got = await prover.line(s - 1);
      if (!got.included) return null;
      var e = entryFields(decode(got.bytes));
      var target = CORRECTION.exec(e.reference);
      if (Number(e.seq) !== s || e.type !== "donation" || !target || !chain[Number(target[1])] ||
          e.amount !== listed[i][1] || e.currency !== entry.currency || !AMOUNT.test(e.amount)) return null;
      chain[s] = true;
      found.push(e);
    }
    return found;
  }

  /** The sum of ledger amounts (at most 2 decimal places), exactly, as "-12.30". */
  function sumAmounts(amounts) {
    var whole = 0;
    var cents = 0;
    amounts.forEach(function (text) {
      var m = AMOUNT.exec(text);
      if (!m) throw new Error("not an amount: " + text);
      var sign = m[1] ? -1 : 1;
      whole += sign * Number(m[2]);
      cents += sign * Number((m[3] || "").padEnd(2, "0"));
    });
    whole += Math.trunc(cents / 100);
    cents %= 100;
    if (whole > 0 && cents < 0) { whole -= 1; cents += 100; }
    if (whole < 0 && cents > 0) { whole += 1; cents -= 100; }
    return (whole < 0 || cents < 0 ? "-" : "") + Math.abs(whole) + "." + String(Math.abs(cents)).padStart(2, "0");
  }

  async function checkReceipt(baseUrl, code, options) {
    var fetchBytes = fetcher(baseUrl, options && options.fetch);
    code = String(code || "").trim();
    var key = normaliseReceipt(code);
    if (!key) return { status: "unknown", code: code, message: "请输入收据编号" };
    try {
      var meta = JSON.parse(decode(await fetchBytes("receipts/index.json")));
      var digest = hex(await sha256(utf8(key)));
      var shard = JSON.parse(decode(await fetchBytes("receipts/" + digest.slice(0, meta.prefix) + ".json")));
      if (!Object.prototype.hasOwnProperty.call(shard, key)) {
        return { status: "unknown", code: code,
          message: "未找到收据编号 " + code + "：请核对收据上的字母和数字。" };
      }
      var index = shard[key];
      var noteText = decode(await fetchBytes("checkpoint"));
      var checkpoint = parseCheckpoint(noteText);
      var result = { code: code, index: index, size: checkpoint.size, origin: checkpoint.origin,
        root: hex(checkpoint.root) };
      if (!(Number.isInteger(index) && index >= 0 && index < checkpoint.size)) {
        result.status = "not-verified";
        result.message = "收据指向的条目不在已发布的账本中";
        return result;
      }
      var prover = new Prover(fetchBytes, checkpoint);
      var got = await prover.line(index);
      result.line = decode(got.bytes);
      result.entry = entryFields(result.line);
      var ok = got.included && normaliseReceipt(result.entry.reference) === key;
      if (ok) result.code = result.entry.reference.trim();  // as the ledger writes it
      if (!ok) {
        result.status = "not-verified";
        result.message = "未通过验证：这条记录与已发布的检查点不一致，账本可能被改动过。";
        return result;
      }
      result.page = (baseUrl.endsWith("/") ? baseUrl : baseUrl + "/") + "#entries";
      result.corrections = await correctionsOf(index + 1, result.entry, prover, fetchBytes);
      if (!result.corrections) {
        result.status = "not-verified";
        result.message = "未通过验证：账本公布的这笔捐赠的更正记录与账本本身不一致。";
        return result;
      }
      result = await vouched(result, noteText, checkpoint, fetchBytes, options);
      if (result.corrections.length && result.status !== "not-verified") {
        var e = result.entry;
        result.net = sumAmounts([e.amount].concat(result.corrections.map(function (c) { return c.amount; })));
        result.message += "这笔" + noun(e) + " " + e.amount + " " + e.currency + " 已被更正：" +
          result.corrections.map(function (c) { return "第 " + c.seq + " 条 " + c.amount + " " + c.currency; }).join("、") +
          "；更正后净额 " + result.net + " " + e.currency + "。";
      }
      return result;
    } catch (error) {
      return { status: "error", code: code,
        message: "无法完成验证：" + (error && error.message ? error.message : String(error)) };
    }
  }

  /** After the inclusion proof holds: the log's signature, then the witnesses' quorum. */
  async function vouched(result, noteText, checkpoint, fetchBytes, options) {
    // Plain words first; the proof's terms go to result.technical (shown under 技术细节).
    var included = "这条" + noun(result.entry) + "在账本里";
    result.technical = "这条账目在默克尔树中的位置（从 0 数）是 " + result.index + "，它的包含证明（RFC 6962）与共 " +
      checkpoint.size + " 条的检查点的默克尔树根一致";
    var listing = JSON.parse(decode(await fetchBytes("../logs.json")));
    var log = (listing.logs || []).filter(function (l) { return l.origin === checkpoint.origin; })[0];
    var policy = listing.witnesses || { keys: [], quorum: 0 };
    if (!log || !log.key) {
      result.status = "unsigned";
      result.message = "已包含，但未签名：" + included + "；这是没有签名的预览站点，没有人为它作证。";
      result.technical += "；检查点没有签名。";
      return result;
    }
    var seen = await checkNote(noteText, log.key, policy.keys || [], options);
    result.witnesses = seen.witnesses;
    if (!seen.signed) {
      result.status = "not-verified";
      result.message = "未通过验证：账本的签名不对，它不是这个账本的签名密钥签的。";
      result.technical += "；但检查点的签名不是 " + checkpoint.origin + " 的密钥签的。";
      return result;
    }
    var names = seen.witnesses.map(function (w) {
      return w.name + "（" + new Date(w.time * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC）";
    }).join("、");
    result.technical += "；检查点由 " + checkpoint.origin + " 签名，签名正确" + (policy.quorum || seen.witnesses.length ?
      "；" + seen.witnesses.length + " 个见证方联署了这个树头（需要 " + policy.quorum + " 个）" : "") + "。";
    if (seen.witnesses.length < policy.quorum) {
      result.status = "not-witnessed";
      result.message = "已包含，但尚未见证：" + included + "，账本签名正确；但只有 " +
        seen.witnesses.length + " 个见证方核对过账本现在的样子（需要 " + policy.quorum + " 个）" + (names ? "：" + names : "") + "。";
      return result;
    }
    result.status = "verified";
    result.message = "已验证：" + included + "，账本自封存以来没有被改动" +
      (names ? "；见证方 " + names + " 也核对过（" + seen.witnesses.length + " 个，要求 " + policy.quorum + " 个）" : "") + "。";
    return result;
  }

  /** What an entry is, in the words of the ledger page: 捐赠, 销售, 拨付 or 支出. */
  function noun(entry) {
    return TYPES[entry.type] || "账目";
  }

  function add(parent, tag, text) {
    var node = parent.ownerDocument.createElement(tag);
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  /** Show a checkReceipt result in `output`, with textContent only. */
  function render(output, result) {
    while (output.firstChild) output.removeChild(output.firstChild);
    output.setAttribute("data-status", result.status);
    add(output, "p", result.message).className = "hl-receipt__status hl-receipt__status--" + result.status;
    if (!result.entry) return;
    var e = result.entry;
    var list = add(output, "dl");
    list.className = "hl-receipt__entry";
    var corrections = result.corrections || [];
    var doc = output.ownerDocument;
    [["序号", e.seq], ["日期", e.date], ["类型", (TYPES[e.type] || e.type)],
      ["金额", e.amount + " " + e.currency],
      ["更正", corrections.length ? corrections : ""],
      ["更正后净额", result.net === undefined ? "" : result.net + " " + e.currency],
      [e.type === "donation" ? "捐赠方" : "对方", e.party],
      ["收据编号", e.reference], ["备注", e.note]
    ].forEach(function (row) {
      if (row[1] === "" || row[1] === undefined) return;
      add(list, "dt", row[0]);
      if (typeof row[1] === "string") {
        add(list, "dd", row[1]);
        return;
      }
      var dd = add(list, "dd");
      row[1].forEach(function (c, i) {  // each correction, linked to its row (or to the ledger's entries)
        if (i) dd.appendChild(doc.createTextNode("；"));
        var a = add(dd, "a", "第 " + c.seq + " 条");
        a.setAttribute("href", doc.getElementById("seq-" + c.seq) ? "#seq-" + c.seq : result.page);
        dd.appendChild(doc.createTextNode(" " + c.date + " " + c.amount + " " + c.currency + (c.note ? " " + c.note : "")));
      });
    });
    // The proof's terms, closed by default: the leaf index named for what it is, beside the seq.
    var details = add(output, "details");
    details.className = "hl-tech";
    add(details, "summary", "技术细节");
    if (result.technical) add(details, "p", result.technical);
    var tech = add(details, "dl");
    [["在默克尔树中的位置（从 0 数）", String(result.index)],
      ["检查点 checkpoint", result.origin + " · 共 " + result.size + " 条"],
      ["默克尔树根 root", result.root]
    ].forEach(function (row) {
      add(tech, "dt", row[0]);
      add(tech, "dd", row[1]);
    });
  }

  function attach(form) {
    if (form.getAttribute("data-receipt-ready")) return;
    form.setAttribute("data-receipt-ready", "1");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var output = form.querySelector("[data-receipt-result]") ||
        form.ownerDocument.querySelector("[data-receipt-result]");
      var input = form.querySelector('input[name="receipt"]');
      if (!output || !input) return;
      output.setAttribute("data-status", "checking");
      output.textContent = "正在验证……";
      render(output, await checkReceipt(form.getAttribute("data-ledger") || "./", input.value));
    });
  }

  function init() {
    if (!global.document) return;
    Array.prototype.forEach.call(global.document.querySelectorAll("form[data-receipt-form]"), attach);
  }

  global.HarvestReceipt = {
    leafHash: leafHash, nodeHash: nodeHash, hex: hex, fromBase64: fromBase64,
    parseCheckpoint: parseCheckpoint, tileIndexPath: tileIndexPath, tilePath: tilePath,
    entriesPath: entriesPath, parseBundle: parseBundle, parseCsvLine: parseCsvLine,
    verifyInclusion: verifyInclusion, TileReader: TileReader, subtreeHash: subtreeHash,
    inclusionProof: inclusionProof, checkReceipt: checkReceipt, normaliseReceipt: normaliseReceipt,
    sumAmounts: sumAmounts,
    render: render, attach: attach,
    ed25519Verify: ed25519Verify, parseVerifierKey: parseVerifierKey, checkNote: checkNote,
    init: init
  };

  if (global.document) {
    if (global.document$ && typeof global.document$.subscribe === "function") {
      global.document$.subscribe(init); // Material's instant navigation swaps pages in place
    } else if (global.document.readyState === "loading") {
      global.document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }
})(typeof window !== "undefined" ? window : globalThis);
