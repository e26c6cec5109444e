// Splitting a multi-file unified diff (the start-state ctx item is the bodies of several file
// diffs, concatenated) back into one patch per file. Hunk line counts are honoured, so a removed
// line that reads "-- x" is never taken for the next file's `---` header.

import { unquoteGitPath } from '../../refs/quote.js';
import type { Patch, PatchOp } from '../model/step.js';

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

export function splitUnifiedDiff(text: string): Patch[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const patches: Patch[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.startsWith('Binary files ')) {
      const m = /^Binary files (?:a\/(.+?)|\/dev\/null) and (?:b\/(.+?)|\/dev\/null) differ$/.exec(line);
      const path = m?.[2] ?? m?.[1];
      if (path !== undefined) patches.push({ path, diff: `${line}\n`, origin: 'observed' });
      i++;
      continue;
    }
    if (!line.startsWith('--- ') || !(lines[i + 1] ?? '').startsWith('+++ ')) {
      i++;
      continue;
    }
    const start = i;
    const from = pathOf(line.slice(4), 'a/');
    const to = pathOf((lines[i + 1] ?? '').slice(4), 'b/');
    i += 2;
    for (let m = HUNK.exec(lines[i] ?? ''); m !== null; m = HUNK.exec(lines[i] ?? '')) {
      let oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      let newLeft = m[2] === undefined ? 1 : Number(m[2]);
      i++;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0 || (lines[i] ?? '').startsWith('\\'))) {
        const l = lines[i] ?? '';
        if (l.startsWith('-')) oldLeft--;
        else if (l.startsWith('+')) newLeft--;
        else if (!l.startsWith('\\')) {
          oldLeft--;
          newLeft--;
        }
        i++;
      }
    }
    const diff = `${lines.slice(start, i).join('\n')}\n`;
    const op: PatchOp = from === null ? 'add' : to === null ? 'delete' : from !== to ? 'rename' : 'modify';
    const path = to ?? from;
    if (path === null) continue;
    const patch: Patch = { path, diff, origin: 'observed', op };
    patches.push(op === 'rename' && from !== null ? { ...patch, oldPath: from } : patch);
  }
  return patches;
}

function pathOf(field: string, prefix: string): string | null {
  const name = field.replace(/\t.*$/, '');
  if (name === '/dev/null') return null;
  const unquoted = name.startsWith('"') && name.endsWith('"') ? unquoteGitPath(name) : name;
  return unquoted.startsWith(prefix) ? unquoted.slice(prefix.length) : unquoted;
}

