// Scenarios: how work reaches commits (plainly, in part, or never). The expected state of every
// patch and the attribution of every line are written down here, before running.

import { MATH, MULTIPLY, runScenarios, SUBTRACT, UPPER, type Scenario } from './scenario.js';

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'plain commit: the patch is alive and its lines are blamed to its step',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add a subtract function' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { s: 'A', run: 'npm test', output: 'ok' },
      { commit: 'add subtract' },
    ],
    checks: [{ states: { A1: 'alive' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1'] } }],
  },
  {
    name: 'commit of part of the work: the committed half is partial, the other file lost',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract and multiply, and string helpers' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { s: 'A', edit: 'A2', files: { 'src/str.ts': UPPER } },
      // The human commits subtract only, then puts multiply back in the work tree.
      { write: { 'src/math.ts': MATH + SUBTRACT } },
      { git: ['add', 'src/math.ts'] },
      { git: ['commit', '-q', '-m', 'subtract only'] },
      { write: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
    ],
    checks: [{ states: { A1: 'partial', A2: 'lost' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1'] } }],
  },
  {
    name: 'work never committed is lost; an unrelated commit changes nothing',
    files: { 'src/math.ts': MATH, 'README.md': 'math\n' },
    script: [
      { s: 'A', prompt: 'add a subtract function' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { git: ['stash', '-q'] },
      { commit: 'docs', files: { 'README.md': 'math helpers\n' } },
    ],
    checks: [{ states: { A1: 'lost' }, lines: { 'src/math.ts': ['', '', ''], 'README.md': [''] } }],
  },
  {
    name: 'a later step rewrites a line before the commit: the earlier patch stays alive without it',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { s: 'A', prompt: 'no, subtract a from b' },
      { s: 'A', edit: 'A2', files: { 'src/math.ts': MATH + SUBTRACT.replace('a - b', 'b - a') } },
      { commit: 'subtract' },
    ],
    checks: [{ states: { A1: 'alive', A2: 'alive' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A2', 'A1'] } }],
  },
  {
    name: 'a patch that only removes lines: alive once its removal is committed, lost before',
    files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY },
    script: [
      { s: 'A', prompt: 'drop multiply, nobody uses it' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'drop multiply' },
    ],
    checks: [
      { states: { A1: 'alive' }, lines: { 'src/math.ts': ['', '', '', '', '', '', ''] } },
      { at: 'HEAD~1', states: { A1: 'lost' }, lines: {} },
    ],
  },
  {
    name: 'a patch of common lines only proves nothing: unknown, and its line is nobody\'s',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'import the logger' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': `import { log } from './log';\n${MATH}` } },
      { commit: 'import the logger' },
    ],
    checks: [{ states: { A1: 'unknown' }, lines: { 'src/math.ts': ['', '', '', ''] } }],
  },
];

runScenarios(SCENARIOS);
