// Scenarios: history rewritten after the work was committed (amend, rebase -i reordering,
// squashing, splitting and dropping, cherry-pick, merge --squash, a replayed squash merge).
// Attribution follows content, so it survives every rewrite that keeps the lines.

import { MATH, MULTIPLY, rebaseInteractive, runScenarios, SUBTRACT, UPPER, type Scenario } from './scenario.js';

const MATH_LINES = ['', '', ''];
const FN = (label: string): string[] => [label, label, label, label];

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'commit --amend: both steps anchor to the amended commit',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'wip' },
      { s: 'A', prompt: 'and multiply' },
      { s: 'A', edit: 'A2', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { git: ['commit', '-q', '-a', '--amend', '-m', 'subtract and multiply'] },
    ],
    checks: [{ states: { A1: 'alive', A2: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1'), ...FN('A2')] } }],
  },
  {
    name: 'rebase -i reordering commits keeps every patch alive',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract and string helpers' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { s: 'A', edit: 'A2', files: { 'src/str.ts': UPPER } },
      { commit: 'upper' },
      { act: (r) => rebaseInteractive(r, 'HEAD~2', ['pick {upper}', 'pick {subtract}']) },
    ],
    checks: [{ states: { A1: 'alive', A2: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1')], 'src/str.ts': ['A2', 'A2'] } }],
  },
  {
    name: 'rebase -i squashing two commits into one keeps both patches alive',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract and string helpers' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { s: 'A', edit: 'A2', files: { 'src/str.ts': UPPER } },
      { commit: 'upper' },
      { act: (r) => rebaseInteractive(r, 'HEAD~2', ['pick {subtract}', 'fixup {upper}']) },
    ],
    checks: [{ states: { A1: 'alive', A2: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1')], 'src/str.ts': ['A2', 'A2'] } }],
  },
  {
    name: 'rebase -i splitting one commit in two: one patch anchored in both',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract and multiply' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { commit: 'both' },
      { act: (r) => rebaseInteractive(r, 'HEAD~1', ['edit {both}']) },
      { git: ['reset', '-q', 'HEAD~'] },
      { commit: 'subtract', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'multiply', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { git: ['rebase', '--continue'] },
    ],
    checks: [{ states: { A1: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1'), ...FN('A1')] } }],
  },
  {
    name: 'rebase -i dropping a commit: its patch is lost, the other alive',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract and string helpers' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { s: 'A', edit: 'A2', files: { 'src/str.ts': UPPER } },
      { commit: 'upper' },
      { act: (r) => rebaseInteractive(r, 'HEAD~2', ['pick {subtract}', 'drop {upper}']) },
    ],
    checks: [{ states: { A1: 'alive', A2: 'lost' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1')] } }],
  },
  {
    name: 'cherry-pick to another branch: alive on both branches, lost before them',
    files: { 'src/math.ts': MATH },
    script: [
      { git: ['checkout', '-q', '-b', 'feature'] },
      { s: 'A', prompt: 'add subtract' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { git: ['checkout', '-q', 'main'] },
      { commit: 'docs', files: { 'README.md': 'math\n' } },
      { git: ['cherry-pick', 'feature'] },
    ],
    checks: [
      { states: { A1: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1')] } },
      { at: 'feature', states: { A1: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1')] } },
      { at: 'HEAD~1', states: { A1: 'lost' }, lines: { 'src/math.ts': MATH_LINES } },
    ],
  },
  {
    name: 'merge --squash: both patches alive in the squash commit',
    files: { 'src/math.ts': MATH },
    script: [
      { git: ['checkout', '-q', '-b', 'feature'] },
      { s: 'A', prompt: 'add subtract and string helpers' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { s: 'A', edit: 'A2', files: { 'src/str.ts': UPPER } },
      { commit: 'upper' },
      { git: ['checkout', '-q', 'main'] },
      { git: ['merge', '-q', '--squash', 'feature'] },
      { git: ['commit', '-q', '-m', 'feature (squashed)'] },
    ],
    checks: [{ states: { A1: 'alive', A2: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1')], 'src/str.ts': ['A2', 'A2'] } }],
  },
  {
    name: 'a squash merge replayed as a new commit, the branch deleted: still alive',
    files: { 'src/math.ts': MATH },
    script: [
      { git: ['checkout', '-q', '-b', 'feature'] },
      { s: 'A', prompt: 'add subtract and multiply' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { s: 'A', edit: 'A2', files: { 'src/math.ts': MATH + SUBTRACT + MULTIPLY } },
      { commit: 'multiply' },
      { git: ['checkout', '-q', 'main'] },
      // What a hosting service does: the branch's whole diff, applied as one new commit.
      { act: (r) => r.git('diff', '--binary', 'main', 'feature', '--output', `${r.dir}/.git/squash.patch`) },
      { act: (r) => r.git('apply', '--index', `${r.dir}/.git/squash.patch`) },
      { git: ['commit', '-q', '-m', 'Add subtract and multiply (#12)'] },
      { git: ['branch', '-q', '-D', 'feature'] },
    ],
    checks: [{ states: { A1: 'alive', A2: 'alive' }, lines: { 'src/math.ts': [...MATH_LINES, ...FN('A1'), ...FN('A2')] } }],
  },
];

runScenarios(SCENARIOS);
