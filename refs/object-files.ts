// Objects read and written as the object store's own files, with no git process: loose objects,
// and packs (index version 2, deltas resolved). For the hook's hot path, where starting one git
// costs more than the few small reads it needs. It answers only what it is sure of: an object
// it cannot find or read (a pack index of another version, a damaged file, a huge object) is
// null, and the caller asks git, which knows every case.

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { nodeCrypto, nodeZlib } from './lazy-builtins.js';
import type { ObjectType } from './object-reader.js';
import type { ObjectFormat } from './repo.js';
import { zlibStored } from './zlib-stored.js';

export interface StoredObject {
  readonly type: ObjectType;
  readonly data: Buffer;
}

/** Bigger objects are left to git: the hook reads trees and small files. */
const MAX_OBJECT_BYTES = 32 * 2 ** 20;
const PACK_TYPES: Readonly<Record<number, ObjectType>> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;
/** Longer delta chains than git ever writes (its default depth is 50) mean a damaged pack. */
const MAX_DELTA_DEPTH = 1000;

interface PackIndex {
  readonly idxFd: number;
  readonly packPath: string;
  packFd: number | null;
  readonly count: number;
  readonly fanout: Uint32Array;
}

/** The objects of some object directories, searched in order (a session's own, then the repository's). */
export class ObjectFiles {
  private readonly rawLength: number;
  private packs: PackIndex[] | null = null;

  constructor(
    private readonly dirs: readonly string[],
    format: ObjectFormat,
  ) {
    this.rawLength = format === 'sha1' ? 20 : 32;
  }

  /** The object, or null when it is in none of the directories' files this reads (ask git). */
  read(oid: string): StoredObject | null {
    if (oid.length !== this.rawLength * 2 || !/^[0-9a-f]+$/.test(oid)) return null;
    return this.readAt(oid, 0);
  }

  close(): void {
    for (const pack of this.packs ?? []) {
      closeSync(pack.idxFd);
      if (pack.packFd !== null) closeSync(pack.packFd);
    }
    this.packs = null;
  }

  private readAt(oid: string, depth: number): StoredObject | null {
    if (depth > MAX_DELTA_DEPTH) return null;
    for (const dir of this.dirs) {
      const loose = readLoose(join(dir, oid.slice(0, 2), oid.slice(2)));
      if (loose !== null) return loose;
    }
    const raw = Buffer.from(oid, 'hex');
    for (const pack of this.openPacks()) {
      const offset = this.findInPack(pack, raw);
      if (offset !== null) return this.readPackEntry(pack, offset, depth);
    }
    return null;
  }

  private openPacks(): PackIndex[] {
    if (this.packs !== null) return this.packs;
    this.packs = [];
    for (const dir of this.dirs) {
      let names: string[];
      try {
        names = readdirSync(join(dir, 'pack')).filter((n) => n.endsWith('.idx'));
      } catch {
        continue;
      }
      for (const name of names) {
        const pack = openIndex(join(dir, 'pack', name));
        if (pack !== null) this.packs.push(pack);
      }
    }
    return this.packs;
  }

  /** Binary search of the index's sorted names, read a few bytes at a time. */
  private findInPack(pack: PackIndex, raw: Buffer): number | null {
    const first = raw[0] as number;
    let low = first === 0 ? 0 : (pack.fanout[first - 1] as number);
    let high = (pack.fanout[first] as number) - 1;
    const name = Buffer.allocUnsafe(this.rawLength);
    const namesAt = 8 + 256 * 4;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (readSync(pack.idxFd, name, 0, this.rawLength, namesAt + middle * this.rawLength) !== this.rawLength) return null;
      const order = Buffer.compare(name, raw);
      if (order === 0) return this.offsetOf(pack, middle);
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return null;
  }

  private offsetOf(pack: PackIndex, position: number): number | null {
    const offsetsAt = 8 + 256 * 4 + pack.count * (this.rawLength + 4);
    const word = Buffer.allocUnsafe(8);
    if (readSync(pack.idxFd, word, 0, 4, offsetsAt + position * 4) !== 4) return null;
    const small = word.readUInt32BE(0);
    if ((small & 0x80000000) === 0) return small;
    // A pack over 2 GiB: the offset is in the 64-bit table that follows.
    const largeAt = offsetsAt + pack.count * 4 + (small & 0x7fffffff) * 8;
    if (readSync(pack.idxFd, word, 0, 8, largeAt) !== 8) return null;
    const large = word.readBigUInt64BE(0);
    return large > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(large);
  }

  private readPackEntry(pack: PackIndex, offset: number, depth: number): StoredObject | null {
    if (pack.packFd === null) {
      try {
        pack.packFd = openSync(pack.packPath, 'r');
      } catch {
        return null;
      }
    }
    const fd = pack.packFd;
    const head = Buffer.allocUnsafe(16 + this.rawLength);
    const got = readSync(fd, head, 0, head.length, offset);
    // The entry's header: type in bits 4-6 of the first byte, size in little-endian groups of 7.
    let at = 0;
    let byte = head[at++] as number;
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    for (let shift = 4; byte & 0x80; shift += 7) {
      if (at >= got || shift > 35) return null;
      byte = head[at++] as number;
      size += (byte & 0x7f) * 2 ** shift;
    }
    if (size > MAX_OBJECT_BYTES) return null;
    let base: StoredObject | null = null;
    if (type === OFS_DELTA) {
      // The base's distance back, in git's offset encoding (each continuation adds one).
      if (at >= got) return null;
      byte = head[at++] as number;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        if (at >= got) return null;
        byte = head[at++] as number;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      if (distance <= 0 || distance > offset) return null;
      base = this.readPackEntry(pack, offset - distance, depth + 1);
    } else if (type === REF_DELTA) {
      if (at + this.rawLength > got) return null;
      const baseOid = head.toString('hex', at, at + this.rawLength);
      at += this.rawLength;
      base = this.readAt(baseOid, depth + 1);
    } else if (PACK_TYPES[type] === undefined) {
      return null;
    }
    const data = inflateAt(fd, offset + at, size);
    if (data === null) return null;
    if (type !== OFS_DELTA && type !== REF_DELTA) return { type: PACK_TYPES[type] as ObjectType, data };
    if (base === null) return null;
    const patched = applyDelta(base.data, data);
    return patched === null ? null : { type: base.type, data: patched };
  }
}

/** The object directory and those its `info/alternates` names, recursively, each once. */
export function objectDirsOf(objectsDir: string): string[] {
  const dirs: string[] = [];
  const visit = (dir: string, depth: number): void => {
    const full = resolve(dir);
    if (dirs.includes(full) || depth > 5) return;
    dirs.push(full);
    let text: string;
    try {
      text = readFileSync(join(full, 'info', 'alternates'), 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      const entry = line.trim();
      if (entry === '' || entry.startsWith('#') || entry.startsWith('"')) continue;
      visit(isAbsolute(entry) ? entry : join(full, entry), depth + 1);
    }
  };
  visit(objectsDir, 0);
  return dirs;
}

/** The id git gives an object of this type and content. */
export function objectId(type: ObjectType, data: Buffer, format: ObjectFormat): string {
  return nodeCrypto().createHash(format).update(`${type} ${data.length}\0`, 'latin1').update(data).digest('hex');
}

/**
 * Trees are written as stored blocks (no zlib to set up for a few hundred bytes); blobs are
 * compressed, as git writes them: a work-tree file's bytes (an `.env`, say) are then not there
 * to read as plain text, and zlib's checksum beats zlibStored's JavaScript one on a few KB in a
 * fresh process.
 */
function looseBytes(type: ObjectType, object: Buffer): Buffer {
  return type === 'tree' ? zlibStored(object) : nodeZlib().deflateSync(object, { level: 1 });
}

/** Writes the object as a loose object in `objectsDir` unless it is there already; its id. */
export function writeLooseObject(objectsDir: string, type: ObjectType, data: Buffer, format: ObjectFormat): string {
  const id = objectId(type, data, format);
  const dir = join(objectsDir, id.slice(0, 2));
  const file = join(dir, id.slice(2));
  if (existsSync(file)) return id;
  const tmp = `${file}.${process.pid}.tmp`;
  const object = Buffer.concat([Buffer.from(`${type} ${data.length}\0`, 'latin1'), data]);
  const bytes = looseBytes(type, object);
  try {
    writeFileSync(tmp, bytes, { mode: 0o444 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, bytes, { mode: 0o444 });
  }
  // Renamed into place whole: a reader never finds half an object, even after a crash.
  renameSync(tmp, file);
  return id;
}

function openIndex(path: string): PackIndex | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  const header = Buffer.allocUnsafe(8 + 256 * 4);
  // Version 2 starts with "\377tOc" and 2; version 1 (git before 1.5.2) has no header: git's.
  if (readSync(fd, header, 0, header.length, 0) !== header.length || header.readUInt32BE(0) !== 0xff744f63 || header.readUInt32BE(4) !== 2) {
    closeSync(fd);
    return null;
  }
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) fanout[i] = header.readUInt32BE(8 + i * 4);
  return { idxFd: fd, packPath: `${path.slice(0, -'.idx'.length)}.pack`, packFd: null, count: fanout[255] as number, fanout };
}

function readLoose(path: string): StoredObject | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return null;
  }
  const object = inflate(bytes);
  if (object === null) return null;
  const nul = object.indexOf(0);
  const space = object.indexOf(32);
  if (nul === -1 || space === -1 || space > nul) return null;
  const type = object.toString('latin1', 0, space);
  const size = Number(object.toString('latin1', space + 1, nul));
  if (!isObjectType(type) || size !== object.length - nul - 1) return null;
  return { type, data: object.subarray(nul + 1) };
}

function isObjectType(type: string): type is ObjectType {
  return type === 'blob' || type === 'tree' || type === 'commit' || type === 'tag';
}

/** A pack entry's zlib stream, inflated to `size` bytes; read with room for deflate's worst case. */
function inflateAt(fd: number, at: number, size: number): Buffer | null {
  const room = Math.min(size + (size >> 8) + 64, fstatSync(fd).size - at);
  if (room <= 0) return null;
  const compressed = Buffer.allocUnsafe(room);
  const got = readSync(fd, compressed, 0, room, at);
  const data = inflate(compressed.subarray(0, got));
  return data !== null && data.length === size ? data : null;
}

/** A zlib stream's content (bytes after its end are ignored); null when it is not one. */
function inflate(bytes: Buffer): Buffer | null {
  const stored = inflateStored(bytes);
  if (stored !== null) return stored;
  try {
    return nodeZlib().inflateSync(bytes);
  } catch {
    return null;
  }
}

/**
 * A stream of stored blocks only (what zlibStored writes: this hook's own trees and blobs),
 * copied out without loading zlib; null for anything else. The checksum is left unchecked, as
 * `git cat-file` leaves it.
 */
function inflateStored(bytes: Buffer): Buffer | null {
  const [method, flags] = [bytes[0] as number, bytes[1] as number];
  if (bytes.length < 7 || method !== 0x78 || ((method << 8) | flags) % 31 !== 0 || (flags & 0x20) !== 0) return null;
  const parts: Buffer[] = [];
  let at = 2;
  for (;;) {
    const header = bytes[at];
    if (header === undefined || (header & 0x06) !== 0 || at + 5 > bytes.length) return null;
    const length = bytes.readUInt16LE(at + 1);
    if ((length ^ 0xffff) !== bytes.readUInt16LE(at + 3) || at + 5 + length > bytes.length) return null;
    parts.push(bytes.subarray(at + 5, at + 5 + length));
    at += 5 + length;
    if ((header & 1) === 1) return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }
}

/** git's delta format: the sizes, then copies from the base and literal inserts. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer | null {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && at < delta.length);
    return value;
  };
  if (varint() !== base.length) return null;
  const size = varint();
  if (size > MAX_OBJECT_BYTES) return null;
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      let from = 0;
      let length = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) from += (delta[at++] ?? 0) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) length += (delta[at++] ?? 0) * 2 ** (8 * bit);
      if (length === 0) length = 0x10000;
      if (from + length > base.length || written + length > size) return null;
      base.copy(out, written, from, from + length);
      written += length;
    } else if (op !== 0) {
      if (at + op > delta.length || written + op > size) return null;
      delta.copy(out, written, at, at + op);
      at += op;
      written += op;
    } else {
      return null; // reserved
    }
  }
  return written === size ? out : null;
}
