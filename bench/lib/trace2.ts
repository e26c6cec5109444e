// Reading git's trace2 event stream (GIT_TRACE2_EVENT): which git processes ran and how long
// each took, to say where a hook's time goes.

import { existsSync, readFileSync } from 'node:fs';
import { asArray, asNumber, asString, field, tryParseJson } from '../../lib/model/json.js';

export interface GitProcess {
  /** The git subcommand with its first arguments, e.g. `add -A`. */
  readonly command: string;
  readonly ms: number;
}

export function readTrace2(file: string): GitProcess[] {
  if (!existsSync(file)) return [];
  const argv = new Map<string, string>();
  const out: GitProcess[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const event = tryParseJson(line);
    const sid = asString(field(event, 'sid'));
    if (sid === undefined) continue;
    switch (asString(field(event, 'event'))) {
      case 'start':
        argv.set(sid, describe(asArray(field(event, 'argv')).map((a) => asString(a) ?? '')));
        break;
      case 'exit':
        out.push({ command: argv.get(sid) ?? '?', ms: (asNumber(field(event, 't_abs')) ?? 0) * 1000 });
        break;
    }
  }
  return out;
}

// Drop git's own option prefix (--no-optional-locks, -c k=v) to name the subcommand.
function describe(argv: readonly string[]): string {
  const rest = argv.slice(1);
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? '';
    if (a === '-c') {
      i++;
      continue;
    }
    if (words.length === 0 && a.startsWith('-')) continue;
    words.push(a);
    if (words.length === 3) break;
  }
  return words.join(' ');
}
