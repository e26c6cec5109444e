// Reading every object reachable from refs/opentraces/ as git stores it, for the plaintext probe:
// `git rev-list --objects` names them, one `git cat-file --batch` reads them (loose or packed).

import { execFileSync } from 'node:child_process';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export interface GitObject {
  readonly oid: string;
  readonly type: string;
  readonly content: Buffer;
}

export function reachableObjects(dir: string, glob = 'refs/opentraces/*'): GitObject[] {
  const listing = execFileSync('git', ['rev-list', '--objects', `--glob=${glob}`], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const oids = [...new Set(listing.split('\n').map((l) => l.split(' ')[0] ?? '').filter((o) => o !== ''))];
  if (oids.length === 0) return [];
  const batch = execFileSync('git', ['cat-file', '--batch'], { cwd: dir, input: `${oids.join('\n')}\n`, maxBuffer: 1024 * 1024 * 1024 });
  const objects: GitObject[] = [];
  let at = 0;
  while (at < batch.length) {
    const newline = batch.indexOf(10, at);
    const header = batch.toString('utf8', at, newline).split(' ');
    const [oid, type, size] = header;
    if (oid === undefined || type === undefined || size === undefined || type === 'missing') throw new Error(`cat-file --batch: unexpected header '${header.join(' ')}'`);
    const start = newline + 1;
    objects.push({ oid, type, content: batch.subarray(start, start + Number(size)) });
    at = start + Number(size) + 1;
  }
  return objects;
}

/**
 * The forms an object's bytes could be read in by someone without a key: as they are, and
 * decompressed by any common codec that accepts them (a chunk stored compressed but not
 * encrypted would hide from a plain byte search).
 */
export function readableForms(content: Buffer): Buffer[] {
  const forms = [content];
  for (const decode of [brotliDecompressSync, inflateSync, inflateRawSync, gunzipSync]) {
    try {
      const out = decode(content);
      if (out.length > 0) forms.push(out);
    } catch {
      // Not in this codec: the usual case for ciphertext.
    }
  }
  return forms;
}
