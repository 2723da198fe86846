// A fetch() over local files, for running theme/assets/javascripts/receipt.js in Node.
import { readFile } from "node:fs/promises";

export async function fetchFile(url) {
  try {
    const data = await readFile(url);
    return { ok: true, status: 200, arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
  } catch (error) {
    return { ok: false, status: 404 };
  }
}
