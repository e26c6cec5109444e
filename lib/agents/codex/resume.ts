// Where to resume reading a rollout.
//
// readJsonLines yields an unterminated last line when it parses, and its resume offset then
// points just before the newline the writer had not written yet. Read from there, that newline
// would count as one more (blank) line, and every line number after it (so every line-based step
// id) would be one too high. Resuming mid-line therefore skips to the start of the next line,
// keeping the line count.
// NEEDSWORK: this belongs in lib/agents/lines.ts (every adapter resuming with line-based ids
// needs it); it is harmless once lines.ts handles it, because the offset is then a line start.

import { open } from 'node:fs/promises';
import type { ReadFrom } from '../lines.js';

const CHUNK = 64 * 1024;

export async function lineStartFrom(file: string, from: ReadFrom | undefined): Promise<ReadFrom | undefined> {
  if (from === undefined || from.offset === 0) return from;
  const handle = await open(file, 'r');
  try {
    const before = Buffer.alloc(1);
    const { bytesRead } = await handle.read(before, 0, 1, from.offset - 1);
    if (bytesRead === 0 || before[0] === 10) return from;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let position = from.offset; ; position += CHUNK) {
      const read = await handle.read(buffer, 0, CHUNK, position);
      if (read.bytesRead === 0) return from;
      const newline = buffer.subarray(0, read.bytesRead).indexOf(10);
      if (newline !== -1) return { offset: position + newline + 1, line: from.line };
    }
  } finally {
    await handle.close();
  }
}
