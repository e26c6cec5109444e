// Scenarios: attribution that is right about people and about small changes. A person's edit of
// an agent's line is the person's (with the agent's step as its origin, '~label' below); a small
// change (every added line common) is anchored where path, hunk and order agree, and a common
// line alone never is. The expected state of every patch and the attribution of every line are
// written down here, before running.

import { runScenarios, type Action, type Scenario } from './scenario.js';

const STOP = "export function stop(): void {\n  console.log('stopping');\n}\n";
const TIMEOUT = 'export const timeoutSeconds = 30;\nexport const retries = 3;\n';
/** Session A writes TIMEOUT to src/settings.ts, as patch A1. */
const WRITE_SETTINGS: readonly Action[] = [
  { s: 'A', prompt: 'add timeout and retry settings' },
  { s: 'A', edit: 'A1', files: { 'src/settings.ts': TIMEOUT } },
];

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'the demo\'s VERSION bump (one common line replaced, committed after the session): alive',
    files: { VERSION: '1.0.0\n' },
    script: [
      { s: 'A', prompt: 'bump VERSION to 1.0.1' },
      { s: 'A', edit: 'A1', files: { VERSION: '1.0.1\n' } },
      { commit: 'trim fields; 1.0.1' },
      // A person bumps it again: the agent's line replaced by one other line, an edit.
      { commit: '1.0.2', files: { VERSION: '1.0.2\n' } },
    ],
    checks: [
      { states: { A1: 'transformed' }, lines: { VERSION: ['~A1'] } },
      { at: 'HEAD~1', states: { A1: 'alive' }, lines: { VERSION: ['A1'] } },
    ],
  },
  {
    name: 'the VERSION bump put back by hand (1.0.1 → 1.0.0): its inverse, reverted',
    files: { VERSION: '1.0.0\n' },
    script: [
      { s: 'A', prompt: 'bump VERSION to 1.0.1' },
      { s: 'A', edit: 'A1', files: { VERSION: '1.0.1\n' } },
      { commit: 'bump' },
      { commit: 'not yet', files: { VERSION: '1.0.0\n' } },
    ],
    checks: [{ states: { A1: 'reverted' }, lines: { VERSION: [''] } }],
  },
  {
    name: 'the same small change committed in another file: path disagrees, nothing anchored',
    files: { VERSION: '1.0.0\n', 'version.txt': '1.0.0\n' },
    script: [
      { s: 'A', prompt: 'bump VERSION to 1.0.1' },
      { s: 'A', edit: 'A1', files: { VERSION: '1.0.1\n' } },
      { git: ['checkout', '--', 'VERSION'] },
      { commit: 'bump version.txt', files: { 'version.txt': '1.0.1\n' } },
    ],
    checks: [{ states: { A1: 'unknown' }, lines: { VERSION: [''], 'version.txt': [''] } }],
  },
  {
    name: 'the same line reached by another hunk (1.0.0 → 1.0.2 → 1.0.1): hunk disagrees, a common line alone proves nothing',
    files: { VERSION: '1.0.0\n' },
    script: [
      { s: 'A', prompt: 'bump VERSION to 1.0.1' },
      { s: 'A', edit: 'A1', files: { VERSION: '1.0.1\n' } },
      { commit: 'bump to 1.0.2', files: { VERSION: '1.0.2\n' } },
      { commit: 'back to 1.0.1', files: { VERSION: '1.0.1\n' } },
    ],
    checks: [{ states: { A1: 'unknown' }, lines: { VERSION: [''] } }],
  },
  {
    name: 'a lone `return;` added (no removed line to pin it): never anchored, the line nobody\'s',
    files: { 'src/stop.ts': STOP },
    script: [
      { s: 'A', prompt: 'return early from stop' },
      { s: 'A', edit: 'A1', files: { 'src/stop.ts': STOP.replace("  console.log('stopping');\n", "  console.log('stopping');\n  return;\n") } },
      { commit: 'return early' },
    ],
    checks: [{ states: { A1: 'unknown' }, lines: { 'src/stop.ts': ['', '', '', ''] } }],
  },
  {
    name: 'a person edits one of two agent lines: that line the person\'s (origin the step), the patch transformed',
    files: { 'README.md': 'settings\n' },
    script: [
      ...WRITE_SETTINGS,
      { commit: 'settings' },
      { commit: 'a longer timeout', files: { 'src/settings.ts': TIMEOUT.replace('= 30;', '= 60;') } },
    ],
    checks: [
      { states: { A1: 'transformed' }, lines: { 'src/settings.ts': ['~A1', 'A1'] } },
      { at: 'HEAD~1', states: { A1: 'alive' }, lines: { 'src/settings.ts': ['A1', 'A1'] } },
    ],
  },
  {
    name: 'a person edits an agent line before committing it: the person\'s (origin the step), transformed; reverted after a revert',
    files: { 'README.md': 'settings\n' },
    script: [
      ...WRITE_SETTINGS,
      { write: { 'src/settings.ts': TIMEOUT.replace('= 30;', '= 60;') } },
      { commit: 'settings, with a longer timeout' },
      { git: ['revert', '--no-edit', 'HEAD'] },
    ],
    checks: [
      { states: { A1: 'reverted' }, lines: {} },
      { at: 'HEAD~1', states: { A1: 'transformed' }, lines: { 'src/settings.ts': ['~A1', 'A1'] } },
    ],
  },
  {
    name: 'a person rewrites an agent line one for one, keeping under half its tokens: removed, not edited; partial',
    files: { 'README.md': 'settings\n' },
    script: [
      ...WRITE_SETTINGS,
      { commit: 'settings' },
      { commit: 'retries from the environment', files: { 'src/settings.ts': TIMEOUT.replace('export const retries = 3;', 'export default process.env.RETRIES;') } },
    ],
    checks: [{ states: { A1: 'partial' }, lines: { 'src/settings.ts': ['A1', ''] } }],
  },
  {
    name: 'a person only reindents an agent line: whitespace proves no authorship, still the agent\'s and alive',
    files: { 'README.md': 'settings\n' },
    script: [
      ...WRITE_SETTINGS,
      { commit: 'settings' },
      { commit: 'reindent', files: { 'src/settings.ts': TIMEOUT.replace('export const retries = 3;', 'export  const retries =  3;') } },
    ],
    checks: [{ states: { A1: 'alive' }, lines: { 'src/settings.ts': ['A1', 'A1'] } }],
  },
];

runScenarios(SCENARIOS);
