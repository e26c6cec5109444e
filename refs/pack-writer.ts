// Writing many objects at once: object ids are computed here (git's own hashing of
// "<type> <size>\0<content>"), the objects are kept in memory, and `write()` hands them to git
// as one pack stream, the way a fetch does: `git unpack-objects` below UNPACK_LIMIT objects
// (loose objects, like git's transfer.unpackLimit), `git index-pack --stdin` at or above it (one
// pack). One git process per batch, whatever its size; no temporary files.
//
// Callers must `write()` before pointing a ref at anything in the batch. Trees are formatted
// with git's entry order (object-writer.ts), so ids match what git would compute.

import { createHash } from 'node:crypto';
import { withSignature, type CommitSigner } from './commit-signature.js';
import { runGit } from './git.js';
import { formatTree, type TreeEntry } from './tree-format.js';
import { zlibStored } from './zlib-stored.js';
import type { GitRepo } from './repo.js';

/** Below this many objects a batch is unpacked into loose objects; at or above it, kept as a pack. */
export const UNPACK_LIMIT = 100;

type PackType = 'commit' | 'tree' | 'blob';

const TYPE_CODE: Readonly<Record<PackType, number>> = { commit: 1, tree: 2, blob: 3 };

export interface CommitFields {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** `Name <email>`; the same for author and committer. */
  readonly ident: string;
  /** Seconds since the epoch. */
  readonly time: number;
  /** Signs the commit (a `gpgsig` header); null or absent: unsigned. */
  readonly signer?: CommitSigner | null;
}

export class PackBatch {
  private readonly objects = new Map<string, { readonly type: PackType; readonly data: Buffer }>();

  constructor(private readonly repo: GitRepo) {}

  get size(): number {
    return this.objects.size;
  }

  writeBlob(data: Buffer | string): string {
    return this.add('blob', typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  writeTree(entries: readonly TreeEntry[]): string {
    return this.add('tree', formatTree(entries, this.repo.oidLength / 2));
  }

  writeCommit(fields: CommitFields): string {
    const ident = `${fields.ident} ${fields.time} +0000`;
    const lines = [`tree ${fields.tree}`, ...fields.parents.map((p) => `parent ${p}`), `author ${ident}`, `committer ${ident}`];
    const message = fields.message.endsWith('\n') ? fields.message : `${fields.message}\n`;
    const payload = Buffer.from(`${lines.join('\n')}\n\n${message}`, 'utf8');
    return this.add('commit', fields.signer == null ? payload : withSignature(payload, fields.signer.signCommit(payload)));
  }

  /** Hand every object to git, then forget them. */
  async write(): Promise<void> {
    if (this.objects.size === 0) return;
    const pack = encodePack([...this.objects.values()], this.repo.objectFormat);
    const loose = this.objects.size < UNPACK_LIMIT;
    this.objects.clear();
    const args = loose ? ['unpack-objects', '-q'] : ['index-pack', '--stdin'];
    await runGit(args, { cwd: this.repo.gitDir, env: { GIT_DIR: this.repo.gitDir }, input: pack });
  }

  private add(type: PackType, data: Buffer): string {
    const hash = createHash(this.repo.objectFormat === 'sha1' ? 'sha1' : 'sha256');
    hash.update(`${type} ${data.length}\0`);
    hash.update(data);
    const oid = hash.digest('hex');
    if (!this.objects.has(oid)) this.objects.set(oid, { type, data });
    return oid;
  }
}

/** A version 2 pack of whole (undeltified) objects; its trailer is the repository's hash of it. */
export function encodePack(objects: readonly { readonly type: PackType; readonly data: Buffer }[], format: 'sha1' | 'sha256'): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'ascii');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  for (const object of objects) {
    parts.push(objectHeader(TYPE_CODE[object.type], object.data.length));
    parts.push(zlibStored(object.data));
  }
  const body = Buffer.concat(parts);
  const trailer = createHash(format === 'sha1' ? 'sha1' : 'sha256').update(body).digest();
  return Buffer.concat([body, trailer]);
}


/** Type and size: 3 type bits and 4 size bits in the first byte, then 7 size bits per byte. */
function objectHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let rest = Math.floor(size / 16);
  let byte = (type << 4) | (size & 0x0f);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}
