// Scenarios: work undone or reshaped after the commit (git revert, a manual inverse edit, a human
// editing agent lines, a formatter before the commit, a rename after it).

import { MATH, MULTIPLY, runScenarios, SUBTRACT, type Scenario } from './scenario.js';

const SUM = 'export function add(a: number, b: number): number {\n  const sum = a + b;\n  return sum;\n}\n';
const GREET_AGENT =
  'export function greet(name: string): string {\n  const prefix = "Hello, ";\n  return prefix + name + "!";\n}\n\nexport const names = ["alice", "bob", "carol"];\n';
// What a formatter makes of it: four-space indent, single quotes, the array split over lines.
const GREET_FORMATTED =
  "export function greet(name: string): string {\n    const prefix = 'Hello, ';\n    return prefix + name + '!';\n}\n\nexport const names = [\n    'alice',\n    'bob',\n    'carol',\n];\n";

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'git revert: the patch is reverted and none of its lines remain',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add a subtract function' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'add subtract' },
      { git: ['revert', '--no-edit', 'HEAD'] },
    ],
    checks: [
      { states: { A1: 'reverted' }, lines: { 'src/math.ts': ['', '', ''] } },
      { at: 'HEAD~1', states: { A1: 'alive' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1'] } },
    ],
  },
  {
    name: 'a manual inverse edit (no revert message) is a revert too',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'name the sum' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': SUM } },
      { commit: 'name the sum' },
      { commit: 'simplify add again', files: { 'src/math.ts': MATH } },
    ],
    checks: [{ states: { A1: 'reverted' }, lines: { 'src/math.ts': ['', '', ''] } }],
  },
  {
    name: 'lines deleted by a later commit that is no inverse: lost',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'add subtract' },
      { commit: 'replace subtract by a constant', files: { 'src/math.ts': `${MATH}\nexport const TAU = 2 * Math.PI;\n` } },
    ],
    // The blank line 4 is still the agent's, but a lone blank proves nothing: not claimed.
    checks: [{ states: { A1: 'lost' }, lines: { 'src/math.ts': ['', '', '', '', ''] } }],
  },
  {
    name: 'a human edits one agent line afterwards: transformed, the line marked edited',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract and multiply' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { commit: 'subtract and multiply' },
      { commit: 'multiply by one, to be safe', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY.replace('a * b;', 'a * b * 1;') } },
    ],
    checks: [{ states: { A1: 'transformed' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1', 'A1', 'A1', '~A1', 'A1'] } }],
  },
  {
    name: 'a formatter run before the commit (indent, quotes, a split line): still anchored, alive',
    files: { 'README.md': 'greetings\n' },
    script: [
      { s: 'A', prompt: 'add a greet function and the names list' },
      { s: 'A', edit: 'A1', files: { 'src/greet.ts': GREET_AGENT } },
      { write: { 'src/greet.ts': GREET_FORMATTED } },
      { commit: 'greet' },
    ],
    checks: [{ states: { A1: 'alive' }, lines: { 'src/greet.ts': Array.from({ length: 10 }, () => 'A1') } }],
  },
  {
    name: 'the file renamed after the commit: moved, blamed under its new name',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'add subtract' },
      { git: ['mv', 'src/math.ts', 'src/arith.ts'] },
      { git: ['commit', '-q', '-m', 'rename math to arith'] },
    ],
    checks: [
      { states: { A1: 'moved' }, lines: { 'src/arith.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1'] } },
      { at: 'HEAD~1', states: { A1: 'alive' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1'] } },
    ],
  },
];

runScenarios(SCENARIOS);
