// Mutating real transcripts into the damaged files an importer meets in the wild: cut short at
// any byte, random bytes written over or into them, values of the wrong JSON type, lines of
// several megabytes, invalid UTF-8, duplicated and shuffled lines. Each mutation is driven by a
// seeded generator, so the same seed gives the same bytes.

import type { Random } from './stress-scale.js';

export const MUTATIONS = ['truncate', 'insert-bytes', 'overwrite-bytes', 'type-swap', 'huge-line', 'invalid-utf8', 'duplicate-lines', 'shuffle-lines'] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface MutateOptions {
  /** Size of the line a 'huge-line' mutation adds. */
  readonly hugeLineBytes: number;
}

export function mutate(data: Buffer, mutation: Mutation, random: Random, options: MutateOptions): Buffer {
  switch (mutation) {
    case 'truncate':
      return data.subarray(0, random.int(0, Math.max(0, data.length - 1)));
    case 'insert-bytes':
      return repeat(data, random.int(1, 8), (d) => splice(d, random.int(0, d.length), 0, random.bytes(random.int(1, 64))));
    case 'overwrite-bytes':
      return repeat(data, random.int(1, 8), (d) => (d.length === 0 ? d : splice(d, random.int(0, d.length - 1), 1, random.bytes(random.int(1, 16)))));
    case 'type-swap':
      return typeSwap(data, random);
    case 'huge-line':
      return hugeLine(data, random, options.hugeLineBytes);
    case 'invalid-utf8':
      return repeat(data, random.int(1, 6), (d) => splice(d, random.int(0, d.length), 0, random.pick(INVALID_UTF8)));
    case 'duplicate-lines': {
      const lines = splitLines(data);
      for (let n = random.int(1, 5); n > 0 && lines.length > 0; n--) {
        const at = random.int(0, lines.length - 1);
        lines.splice(random.chance(0.5) ? at + 1 : random.int(0, lines.length), 0, lines[at] as Buffer);
      }
      return joinLines(lines);
    }
    case 'shuffle-lines': {
      const lines = splitLines(data);
      if (random.chance(0.5)) return joinLines(random.shuffle(lines));
      // A local shuffle: a window of lines out of order, as after a clock skew or a bad merge.
      const from = random.int(0, Math.max(0, lines.length - 1));
      const to = Math.min(lines.length, from + random.int(2, 20));
      return joinLines([...lines.slice(0, from), ...random.shuffle(lines.slice(from, to)), ...lines.slice(to)]);
    }
  }
}

// Truncated multi-byte sequences, lone continuation bytes, overlong forms, UTF-16 surrogates
// encoded as UTF-8, and bytes that never appear in UTF-8.
const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xc3]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0x80, 0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf0, 0x28, 0x8c, 0xbc]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0xff]),
];

function repeat(data: Buffer, times: number, step: (d: Buffer) => Buffer): Buffer {
  let out = data;
  for (let i = 0; i < times; i++) out = step(out);
  return out;
}

function splice(data: Buffer, at: number, remove: number, insert: Buffer): Buffer {
  return Buffer.concat([data.subarray(0, at), insert, data.subarray(Math.min(data.length, at + remove))]);
}

function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const newline = data.indexOf(10, start);
    if (newline === -1) break;
    lines.push(data.subarray(start, newline));
    start = newline + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

function joinLines(lines: readonly Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replace values at random places by values of another JSON type. */
function typeSwap(data: Buffer, random: Random): Buffer {
  // A whole-file JSON document (Gemini's legacy form): swap inside it.
  const whole = tryParse(data.toString('utf8'));
  if (whole !== undefined && typeof whole === 'object' && whole !== null) {
    for (let n = random.int(1, 6); n > 0; n--) swapSomewhere(whole, random);
    return Buffer.from(JSON.stringify(whole, null, random.chance(0.5) ? 2 : undefined));
  }
  const lines = splitLines(data);
  for (let n = random.int(1, 8); n > 0 && lines.length > 0; n--) {
    const at = random.int(0, lines.length - 1);
    const value = tryParse((lines[at] as Buffer).toString('utf8'));
    if (value === undefined || typeof value !== 'object' || value === null) continue;
    swapSomewhere(value, random);
    lines[at] = Buffer.from(JSON.stringify(value));
  }
  return joinLines(lines);
}

function tryParse(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Walk down a random path of objects and arrays, then swap the value found there. */
function swapSomewhere(root: Json, random: Random): void {
  let container: Json = root;
  for (let depth = 0; depth < 12; depth++) {
    const keys = childKeys(container);
    if (keys.length === 0) return;
    const key = random.pick(keys);
    const child = getChild(container, key);
    const descend = child !== null && typeof child === 'object' && childKeys(child).length > 0 && random.chance(0.7);
    if (!descend) {
      setChild(container, key, swapped(child, random));
      return;
    }
    container = child;
  }
}

function childKeys(value: Json): (string | number)[] {
  if (Array.isArray(value)) return value.map((_, i) => i);
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return [];
}

function getChild(container: Json, key: string | number): Json {
  if (Array.isArray(container)) return container[key as number] ?? null;
  if (container !== null && typeof container === 'object') return container[key as string] ?? null;
  return null;
}

function setChild(container: Json, key: string | number, value: Json): void {
  if (Array.isArray(container)) container[key as number] = value;
  else if (container !== null && typeof container === 'object') container[key as string] = value;
}

/** string -> number -> null -> array -> object -> boolean -> string, and a few oddities. */
function swapped(value: Json, random: Random): Json {
  if (random.chance(0.15)) return random.pick<Json>([Number.MAX_SAFE_INTEGER * 4, -1, 1e308, '', [], {}, 'NaN', '\u0000']);
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return null;
  if (value === null) return [String(random.int(0, 9))];
  if (Array.isArray(value)) return { length: value.length };
  if (typeof value === 'object') return true;
  return 'swapped';
}

/** A line of several megabytes: a real record with one field blown up, or raw text. */
function hugeLine(data: Buffer, random: Random, bytes: number): Buffer {
  const lines = splitLines(data);
  const source = lines.length === 0 ? undefined : tryParse((random.pick(lines) as Buffer).toString('utf8'));
  const filler = 'x'.repeat(1024).repeat(Math.ceil(bytes / 1024));
  let huge: Buffer;
  if (source !== undefined && source !== null && typeof source === 'object' && !Array.isArray(source) && random.chance(0.7)) {
    const keys = Object.keys(source);
    const key = keys.length > 0 && random.chance(0.6) ? random.pick(keys) : 'padding';
    huge = Buffer.from(JSON.stringify({ ...source, [key]: filler }));
  } else {
    huge = Buffer.from(filler);
  }
  const at = random.int(0, lines.length);
  // Sometimes the huge line is the last one, without its newline: a torn, multi-megabyte write.
  if (at === lines.length && random.chance(0.5)) return Buffer.concat([joinLines(lines), huge]);
  lines.splice(at, 0, huge);
  return joinLines(lines);
}
