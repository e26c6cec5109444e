// Redaction on inputs built to break it: one token of many megabytes, runs of characters that
// almost match a rule, JSON nested 500,000 deep, many spans to look up. Each row states what
// comes back, written down before the code was run; the time per character is printed as a
// diagnostic (not asserted), so a run of the suite shows whether it stays linear.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { addCounts, parseRedactionConfig, redactStep, redactText, redactValue, type RedactionConfig, type RedactionCounts } from '../../lib/crypto/redact.js';
import { RULES } from '../../lib/crypto/redact-rules.js';
import { STEP_VERSION, type Step } from '../../lib/model/step.js';
import { seededRandom } from '../helpers/random.js';

const MB = 1024 * 1024;
const SIZE = 10 * MB;
const DEPTH = 500_000;

const glue = (...parts: string[]): string => parts.join('');
const fill = (unit: string, size = SIZE): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const randomBase64 = (seed: number, length: number): string => seededRandom(seed).bytes(Math.ceil((length * 3) / 4)).toString('base64').slice(0, length);
const BASE62 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');

/** Random letters and digits, made from bytes: a string grown a character at a time is slow at 10 MB. */
function randomBase62(seed: number, length: number): string {
  const bytes = seededRandom(seed).bytes(length);
  for (let i = 0; i < length; i++) bytes[i] = BASE62[(bytes[i] ?? 0) % 62] ?? 65;
  return bytes.toString('latin1');
}

const githubToken = glue('gh', 'p_', seededRandom(7).base62(36));

/** Run `redact`, report its time per character of a text of `size` (or per level of a value that deep), and return its result. */
function timed<T>(t: TestContext, size: number, redact: () => T, unit: 'character' | 'level' = 'character'): T {
  const start = performance.now();
  const result = redact();
  const ms = performance.now() - start;
  const amount = unit === 'character' ? `${(size / MB).toFixed(1)} MB` : `${size} levels`;
  t.diagnostic(`${ms.toFixed(0)} ms for ${amount}: ${((ms * 1e6) / size).toFixed(0)} ns per ${unit}`);
  return result;
}

/** Compare texts of many megabytes, reporting where they part rather than printing them whole. */
function assertSameText(actual: string, expected: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const at = (s: string): string => JSON.stringify(s.slice(i, i + 60));
  assert.fail(`texts differ at ${i} (lengths ${actual.length} and ${expected.length}): ${at(actual)} instead of ${at(expected)}`);
}

interface Expected {
  readonly text: string;
  readonly counts: RedactionCounts;
}

interface TextRow {
  readonly name: string;
  readonly text: () => string;
  readonly expected: (text: string) => Expected;
  readonly config?: RedactionConfig;
}

const unchanged = (text: string): Expected => ({ text, counts: {} });

/**
 * Random printable ASCII in lines of 64 KB. Only a private key block spans a line break, and
 * random text holds no key header: each line redacts as it would alone.
 */
function printableLines(seed: number, size: number): string[] {
  const bytes = seededRandom(seed).bytes(size);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 32 + ((bytes[i] ?? 0) % 95);
  const lines: string[] = [];
  for (let at = 0; at < size; at += 64 * 1024) lines.push(bytes.toString('latin1', at, Math.min(size, at + 64 * 1024)));
  return lines;
}

function lineByLine(text: string): Expected {
  let counts: RedactionCounts = {};
  const lines = text.split('\n').map((line) => {
    const r = redactText(line);
    counts = addCounts(counts, r.counts);
    return r.text;
  });
  return { text: lines.join('\n'), counts };
}

const pemBase64 = (header: string): string => Buffer.concat([Buffer.from(`${header}\n`), seededRandom(3).bytes((SIZE * 3) / 4)]).toString('base64');
const passwordUnits = Math.ceil(SIZE / 'password='.length);

const textRows: readonly TextRow[] = [
  // Over 1 KB a token is a blob (image, ciphertext), not a key; the limit is older than this test.
  { name: 'keeps a 10 MB random base64 token whole, as a blob', text: () => randomBase64(1, SIZE), expected: unchanged },
  { name: 'keeps a 10 MB random token that starts like an OpenAI key', text: () => glue('sk', '-', randomBase62(2, SIZE)), expected: unchanged },
  { name: 'keeps a 10 MB token after a Bearer scheme', text: () => `Authorization: Bearer ${randomBase64(4, SIZE)}`, expected: unchanged },
  {
    name: 'redacts a 10 MB base64-encoded private key whole',
    text: () => pemBase64(glue('-----BEGIN', ' PRIVATE KEY-----')),
    expected: () => ({ text: '[REDACTED:private-key]', counts: { 'private-key': 1 } }),
  },
  { name: 'keeps a 10 MB base64-encoded certificate', text: () => pemBase64('-----BEGIN CERTIFICATE-----'), expected: unchanged },
  {
    name: 'redacts 10 MB of random printable text exactly as it redacts each of its lines',
    text: () => printableLines(5, SIZE).join('\n'),
    expected: lineByLine,
  },
  { name: "keeps 'sk-' repeated for 10 MB", text: () => fill('sk-'), expected: unchanged },
  { name: "keeps 'AKIA' repeated for 10 MB", text: () => fill('AKIA'), expected: unchanged },
  { name: "keeps '-----BEGIN' repeated for 10 MB", text: () => fill('-----BEGIN'), expected: unchanged },
  { name: "keeps 'Bearer ' repeated for 10 MB", text: () => fill('Bearer '), expected: unchanged },
  { name: "keeps 'https://u:' repeated for 10 MB", text: () => fill('https://u:'), expected: unchanged },
  {
    // Only the last name has a value short enough (28 units, 252 characters of the 256 allowed).
    name: "redacts only the tail of 'password=' repeated for 10 MB, as the last assignment's value",
    text: () => 'password='.repeat(passwordUnits),
    expected: () => ({ text: `${'password='.repeat(passwordUnits - 28)}[REDACTED:secret-assignment]`, counts: { 'secret-assignment': 1 } }),
  },
  {
    // `a{5,}` overflows V8's regex stack on the run of a: that pattern then keeps nothing here.
    name: 'redacts a key rather than throwing when an allow pattern overflows on the text',
    text: () => `${githubToken} ${'a'.repeat(SIZE)}`,
    config: parseRedactionConfig({ allow: ['a{5,}'] }),
    expected: (text) => ({ text: `[REDACTED:github]${text.slice(githubToken.length)}`, counts: { github: 1 } }),
  },
  {
    name: 'keeps a Slack webhook whose 10 MB secret is a placeholder run of x',
    text: () => glue('hooks.slack.com/services/', 'TAAAAAA/BAAAAAA/', 'x'.repeat(SIZE)),
    expected: unchanged,
  },
];

describe('redactText on one string of many megabytes', () => {
  for (const row of textRows) {
    it(row.name, (t) => {
      const text = row.text();
      const result = timed(t, text.length, () => redactText(text, row.config));
      const expected = row.expected(text);
      assert.deepEqual(result.counts, expected.counts);
      assertSameText(result.text, expected.text);
    });
  }
});

describe('redactText on JSON nested 500,000 deep, as a string', () => {
  const rows: ReadonlyArray<readonly [string, string, string, string, RedactionCounts]> = [
    ['arrays', '[', ']', `"x ${githubToken}"`, { github: 1 }],
    ['records', '{"a":', '}', '{"password":"hunter2hunter2"}', { 'secret-assignment': 1 }],
  ];
  for (const [name, open, close, leaf, counts] of rows) {
    it(`redacts the secret at the bottom of nested ${name}`, (t) => {
      const text = open.repeat(DEPTH) + leaf + close.repeat(DEPTH);
      const expectedLeaf = leaf.replace(githubToken, '[REDACTED:github]').replace('hunter2hunter2', '[REDACTED:secret-assignment]');
      const result = timed(t, text.length, () => redactText(text));
      assert.deepEqual(result.counts, counts);
      assertSameText(result.text, open.repeat(DEPTH) + expectedLeaf + close.repeat(DEPTH));
    });
  }
});

// Built in a loop, the shape `JSON.parse` gives a deep string (it does not recurse either).
function nestInArrays(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function nestInRecords(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value, n: i };
  return value;
}

/** What lies `depth` levels down, following the first item of arrays and `a` of records. */
function bottom(value: unknown, depth: number): unknown {
  let at = value;
  for (let i = 0; i < depth; i++) at = Array.isArray(at) ? at[0] : (at as Record<string, unknown>)['a'];
  return at;
}

describe('redactValue on tool inputs nested 500,000 deep', () => {
  const rows: ReadonlyArray<readonly [string, () => unknown, unknown, RedactionCounts]> = [
    ['a token in arrays', () => nestInArrays(DEPTH, `x ${githubToken}`), 'x [REDACTED:github]', { github: 1 }],
    ['a password in records', () => nestInRecords(DEPTH, { password: 'hunter2hunter2' }), { password: '[REDACTED:secret-assignment]' }, { 'secret-assignment': 1 }],
  ];
  for (const [name, build, expectedBottom, counts] of rows) {
    it(`redacts ${name} at the bottom, and leaves the input as it was`, (t) => {
      const input = build();
      const result = timed(t, DEPTH, () => redactValue(input), 'level');
      assert.deepEqual(result.counts, counts);
      assert.deepEqual(bottom(result.value, DEPTH), expectedBottom);
      assert.notDeepEqual(bottom(input, DEPTH), expectedBottom);
    });
  }
  it('keeps the numbers beside each level', () => {
    const result = redactValue(nestInRecords(DEPTH, { password: 'hunter2hunter2' }));
    assert.equal((bottom(result.value, DEPTH - 1) as Record<string, unknown>)['n'], 0);
    assert.equal((result.value as Record<string, unknown>)['n'], DEPTH - 1);
  });
  it('returns the same object when nothing at any depth is a secret', () => {
    const input = nestInArrays(DEPTH, 'ls -la');
    assert.equal(redactValue(input).value, input);
  });
  it('redacts a tool step whose input is nested 500,000 deep', () => {
    const step: Step = {
      v: STEP_VERSION,
      id: 't1',
      timestamp: '2026-01-02T03:04:05Z',
      kind: 'tool',
      tool: { name: 'Bash', callId: 'toolu_01A', input: { command: 'run', args: nestInArrays(DEPTH, githubToken) }, status: 'ok' },
    };
    const { step: redacted, counts } = redactStep(step);
    assert.deepEqual(counts, { github: 1 });
    assert.equal(redacted.kind, 'tool');
    const input = redacted.kind === 'tool' ? (redacted.tool.input as Record<string, unknown>) : {};
    assert.equal(bottom(input['args'], DEPTH), '[REDACTED:github]');
  });
});

describe('many spans to look up', () => {
  const token = seededRandom(11).base62(40);
  const blocks = 40_000;
  it('has a token the high-entropy rule redacts', () => {
    assert.deepEqual(redactText(`see ${token}`), { text: 'see [REDACTED:high-entropy]', counts: { 'high-entropy': 1 } });
  });
  const rows: ReadonlyArray<readonly [string, string, string, RedactionConfig | undefined]> = [
    [
      'keeps tokens inside 40,000 certificate blocks and redacts those between them',
      `-----BEGIN CERTIFICATE-----\n${token}\n-----END CERTIFICATE-----\nsee ${token}\n`,
      `-----BEGIN CERTIFICATE-----\n${token}\n-----END CERTIFICATE-----\nsee [REDACTED:high-entropy]\n`,
      undefined,
    ],
    [
      'keeps tokens inside 40,000 allowed spans and redacts those outside',
      `allowed ${token}; other ${token}\n`,
      `allowed ${token}; other [REDACTED:high-entropy]\n`,
      parseRedactionConfig({ allow: ['allowed \\S+'] }),
    ],
  ];
  for (const [name, unit, expectedUnit, config] of rows) {
    it(name, (t) => {
      const text = unit.repeat(blocks);
      const result = timed(t, text.length, () => redactText(text, config));
      assert.deepEqual(result.counts, { 'high-entropy': blocks });
      assertSameText(result.text, expectedUnit.repeat(blocks));
    });
  }
});

describe('rule patterns', () => {
  // V8 unrolls `{n,}` up to n = 3; above, it keeps one backtrack entry per character matched.
  it('repeat no character class an open number of times above 3', () => {
    const open = RULES.filter((rule) => /\{(?:[4-9]|\d{2,}),\}/.test(rule.pattern)).map((rule) => `${rule.kind}: ${rule.pattern}`);
    assert.deepEqual(open, []);
  });
});
