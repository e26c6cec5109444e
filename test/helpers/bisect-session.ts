// The scripted session the bisect tests search: a prompt, then 12 tool steps each adding a note,
// the 7th also breaking lib.js, so that `node test.js` passes up to step 6 and fails from step 7.

export const LIB = 'exports.ok = () => true;\n';
export const TEST = "const { ok } = require('./lib.js');\nif (!ok()) { console.error('broken'); process.exit(1); }\n";
export const BREAKING = 7;

/** The session as `import --format steps` reads it, based on commit `base`. */
export function twelveStepSession(id: string, base: string): string {
  const at = (n: number): string => `2026-11-01T10:${String(n).padStart(2, '0')}:00Z`;
  const lines: object[] = [
    { type: 'session', id, agent: 'claude-code', startedAt: at(0), baseCommit: base },
    { type: 'step', v: 1, id: 'p', kind: 'prompt', timestamp: at(0), text: 'add the twelve notes' },
  ];
  for (let n = 1; n <= 12; n++) {
    const patches: object[] = [{ path: `notes/${n}.txt`, origin: 'reported', op: 'add', diff: `--- /dev/null\n+++ b/notes/${n}.txt\n@@ -0,0 +1 @@\n+note ${n}\n` }];
    if (n === BREAKING) patches.push({ path: 'lib.js', origin: 'reported', op: 'modify', diff: '--- a/lib.js\n+++ b/lib.js\n@@ -1 +1 @@\n-exports.ok = () => true;\n+exports.ok = () => false;\n' });
    lines.push({ type: 'step', v: 1, id: `t${n}`, kind: 'tool', timestamp: at(n), tool: { name: 'Write', callId: `t${n}`, input: { file_path: `notes/${n}.txt` }, output: 'ok', status: 'ok' }, patches });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
