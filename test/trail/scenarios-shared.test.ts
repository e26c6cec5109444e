// Scenarios: files shared by several authors (two sessions editing the same file; a human who
// writes the same common lines as the agent).

import { MATH, MULTIPLY, runScenarios, SUBTRACT, type Scenario } from './scenario.js';

const CONFIG_AGENT = "import { readFileSync } from 'node:fs';\n\nexport function loadConfig(path: string): unknown {\n  return JSON.parse(readFileSync(path, 'utf8'));\n}\n";
const CONFIG_HUMAN = "import { readFileSync } from 'node:fs';\n\nexport function readText(file: string): string {\n  return readFileSync(file, 'utf8');\n}\n";

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'two sessions edit the same file: each line to its own session, the edited one transformed',
    files: { 'src/math.ts': MATH },
    script: [
      { s: 'A', prompt: 'add subtract' },
      { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
      { commit: 'subtract' },
      { s: 'B', prompt: 'round the difference, and add multiply' },
      { s: 'B', edit: 'B1', files: { 'src/math.ts': MATH + SUBTRACT.replace('return a - b;', 'return Math.round(a - b);') + MULTIPLY } },
      { commit: 'round, multiply' },
    ],
    checks: [
      // git's diff aligns B's new '}' right after the edited line, and A's '}' with the last line.
      { states: { A1: 'transformed', B1: 'alive' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'B1', 'B1', 'B1', 'B1', 'B1', 'A1'] } },
      { at: 'HEAD~1', states: { A1: 'alive', B1: 'lost' }, lines: { 'src/math.ts': ['', '', '', 'A1', 'A1', 'A1', 'A1'] } },
    ],
  },
  {
    name: 'a human writes the same common lines as the agent: none of them is the agent\'s',
    files: { 'README.md': 'config\n' },
    script: [
      { s: 'A', prompt: 'add a config loader' },
      { s: 'A', edit: 'A1', files: { 'src/config.ts': CONFIG_AGENT } },
      { commit: 'read text files', files: { 'src/config.ts': CONFIG_HUMAN } },
    ],
    checks: [{ states: { A1: 'lost' }, lines: { 'src/config.ts': ['', '', '', '', ''] } }],
  },
];

runScenarios(SCENARIOS);
