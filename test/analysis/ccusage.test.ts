// `git trace cost` against ccusage@18 on the real Claude Code transcripts. With `rules: 'ccusage'`
// the totals must equal ccusage's; with the published rules they differ by design (max output
// tokens per response, one-hour cache writes at their own price), and the test pins by how much.
// ccusage itself runs when it can be found (node_modules/.bin of the project, or PATH); it is
// never installed by the tests.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { AgentAdapter } from '../../lib/agents/types.js';
import { aggregateCost, costOfUsage, type CostReport, type CostRules, type CostSession } from '../../lib/analysis/cost.js';
import { asArray, asNumber, asString, field, isRecord } from '../../lib/model/json.js';
import type { Usage } from '../../lib/model/step.js';
import { PROJECT_ROOT, SHARED_TRANSCRIPTS, skipWithoutShared } from '../helpers/paths.js';
import { claudeUsageSteps, type UsageStepOptions } from './claude-usage-steps.js';

const CLAUDE_DIR = join(SHARED_TRANSCRIPTS, 'claude-code');
const fixtures = skipWithoutShared === false ? readdirSync(CLAUDE_DIR).filter((name) => name.endsWith('.jsonl')).sort() : [];
const stem = (name: string): string => basename(name, '.jsonl');

const ccusageBin = findCcusage();
const skipWithoutCcusage: string | false =
  skipWithoutShared !== false ? skipWithoutShared : ccusageBin === undefined ? 'ccusage not found in node_modules/.bin or on PATH' : false;

const scratch = mkdtempSync(join(tmpdir(), 'git-trace-ccusage-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function findCcusage(): string | undefined {
  const dirs = [join(PROJECT_ROOT, 'node_modules', '.bin'), ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, 'ccusage');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A CLAUDE_CONFIG_DIR holding each transcript as its own project, so ccusage's sessions are files. */
function claudeConfigDir(name: string, files: ReadonlyArray<{ readonly project: string; readonly source?: string; readonly text?: string }>): string {
  const root = join(scratch, name);
  for (const file of files) {
    const dir = join(root, 'projects', file.project);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, `${file.project}.jsonl`);
    if (file.source !== undefined) symlinkSync(file.source, target);
    else writeFileSync(target, file.text ?? '');
  }
  return root;
}

function runCcusage(configDir: string, command: 'session' | 'daily'): unknown {
  assert.ok(ccusageBin !== undefined);
  const home = join(scratch, 'home');
  mkdirSync(home, { recursive: true });
  const result = spawnSync(ccusageBin, [command, '--json', '--offline', '--timezone', 'UTC'], {
    cwd: home,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env['PATH'], HOME: home, XDG_CONFIG_HOME: join(home, '.config'), CLAUDE_CONFIG_DIR: configDir, NO_COLOR: '1' },
  });
  assert.equal(result.status, 0, `ccusage ${command} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

interface Figures {
  readonly key: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheReadTokens: number;
  readonly costUSD: number;
}

function ccusageRows(output: unknown, list: 'sessions' | 'daily', key: 'sessionId' | 'date'): Figures[] {
  return asArray(field(output, list)).map((row) => ({
    key: asString(field(row, key)) ?? '?',
    inputTokens: asNumber(field(row, 'inputTokens')) ?? NaN,
    outputTokens: asNumber(field(row, 'outputTokens')) ?? NaN,
    cacheWriteTokens: asNumber(field(row, 'cacheCreationTokens')) ?? NaN,
    cacheReadTokens: asNumber(field(row, 'cacheReadTokens')) ?? NaN,
    costUSD: asNumber(field(row, 'totalCost')) ?? NaN,
  }));
}

function ourRows(report: CostReport): Figures[] {
  return report.rows.map(({ key, inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens, costUSD }) => ({
    key,
    inputTokens,
    outputTokens,
    cacheWriteTokens,
    cacheReadTokens,
    costUSD,
  }));
}

/** Same keys, same token counts, costs equal within floating-point rounding. */
function assertSameFigures(ours: readonly Figures[], theirs: readonly Figures[]): void {
  const sortByKey = (rows: readonly Figures[]): Figures[] => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const a = sortByKey(ours);
  const b = sortByKey(theirs);
  assert.deepEqual(
    a.map((row) => row.key),
    b.map((row) => row.key),
  );
  for (const [i, row] of a.entries()) {
    const other = b[i];
    assert.ok(other !== undefined);
    const { costUSD, ...tokens } = row;
    const { costUSD: otherCost, ...otherTokens } = other;
    assert.deepEqual(tokens, otherTokens, `tokens of ${row.key}`);
    assert.ok(Math.abs(costUSD - otherCost) < 1e-9, `cost of ${row.key}: ours ${costUSD}, ccusage ${otherCost}`);
  }
}

async function rawSessions(options: UsageStepOptions = {}): Promise<CostSession[]> {
  const sessions: CostSession[] = [];
  for (const name of fixtures) {
    sessions.push({ session: { id: stem(name), agent: 'claude-code' }, steps: await claudeUsageSteps(join(CLAUDE_DIR, name), options) });
  }
  return sessions;
}

describe('cost of the Claude Code fixtures compared with ccusage@18', { skip: skipWithoutShared }, () => {
  it('gives the totals ccusage@18.0.11 gave with ccusage rules, and more with published rules', async () => {
    const sessions = await rawSessions();
    const ccusage = aggregateCost(sessions, 'session', { rules: 'ccusage' }).totals;
    const published = aggregateCost(sessions, 'session').totals;
    // Measured with `ccusage session --json --offline` (18.0.11) on these eleven files.
    assert.deepEqual(
      { input: ccusage.inputTokens, output: ccusage.outputTokens, write: ccusage.cacheWriteTokens, read: ccusage.cacheReadTokens },
      { input: 953, output: 560, write: 413_461, read: 2_057_224 },
    );
    assert.ok(Math.abs(ccusage.costUSD - 3.31624835) < 1e-8, `ccusage rules: ${ccusage.costUSD}`);
    // Published rules: the last record's output count (5,911 tokens, not 560) and 165,350
    // one-hour cache writes at twice the input price instead of 1.25 times.
    assert.equal(published.outputTokens, 5_911);
    assert.equal(published.inputTokens, ccusage.inputTokens);
    assert.equal(published.cacheWriteTokens, ccusage.cacheWriteTokens);
    assert.ok(Math.abs(published.costUSD - 3.94025885) < 1e-8, `published rules: ${published.costUSD}`);
    assert.deepEqual(published.unpricedModels, []);
  });

  it('equals ccusage run as a process, per session and per UTC day', { skip: skipWithoutCcusage }, async () => {
    const configDir = claudeConfigDir(
      'fixtures',
      fixtures.map((name) => ({ project: stem(name), source: join(CLAUDE_DIR, name) })),
    );
    const sessions = await rawSessions();
    const bySession = aggregateCost(sessions, 'session', { rules: 'ccusage' });
    assertSameFigures(ourRows(bySession), ccusageRows(runCcusage(configDir, 'session'), 'sessions', 'sessionId'));
    const byDay = aggregateCost(sessions, 'day', { rules: 'ccusage' });
    assertSameFigures(ourRows(byDay), ccusageRows(runCcusage(configDir, 'daily'), 'daily', 'date'));
  });

  it('prices each Claude model and token kind as ccusage does offline', { skip: skipWithoutCcusage }, () => {
    const models = [
      'claude-opus-4-7',
      'claude-opus-4-6',
      'claude-opus-4-5-20251101',
      'claude-opus-4-1-20250805',
      'claude-opus-4-20250514',
      'claude-sonnet-4-6',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-20250514',
      'claude-3-7-sonnet-20250219',
      'claude-3-5-sonnet-20241022',
      'claude-haiku-4-5-20251001',
      'claude-3-5-haiku-20241022',
      'claude-3-opus-20240229',
      'claude-3-haiku-20240307',
    ];
    const kinds: Readonly<Record<string, (n: number) => Usage>> = {
      input: (n) => ({ inputTokens: n, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }),
      output: (n) => ({ inputTokens: 0, outputTokens: n, cacheReadTokens: 0, cacheWriteTokens: 0 }),
      read: (n) => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: n, cacheWriteTokens: 0 }),
      write: (n) => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: n }),
    };
    // 100k tokens stay under every threshold; 350k cross Sonnet 4.x's 200k tier. Not for Claude
    // 3.5 Sonnet: ccusage borrows a Bedrock row with a long-context tier the model never had
    // (its window was 200k, so no real field reaches it).
    const sizes = (model: string): number[] => (model.startsWith('claude-3-5-sonnet') ? [100_000] : [100_000, 350_000]);
    const cases = models.flatMap((model) =>
      Object.entries(kinds).flatMap(([kind, usage]) => sizes(model).map((n) => ({ project: `${model}-${kind}-${n}`, model, usage: usage(n) }))),
    );
    const files = cases.map(({ project, model, usage }, i) => ({ project, text: `${claudeRecord(model, usage, i)}\n` }));
    const theirs = new Map(ccusageRows(runCcusage(claudeConfigDir('prices', files), 'session'), 'sessions', 'sessionId').map((row) => [row.key, row.costUSD]));
    for (const { project, model, usage } of cases) {
      const expected = theirs.get(project);
      assert.ok(expected !== undefined && expected > 0, `ccusage does not price ${project}`);
      const ours = costOfUsage(model, usage, 'ccusage');
      assert.ok(Math.abs(ours - expected) < 1e-12, `${project}: ours ${ours}, ccusage ${expected}`);
    }
  });

  it('gives the totals the mirrored subagent responses add (ccusage reads them from the subagent files only)', async () => {
    const mirrored = aggregateCost(await rawSessions({ mirrored: true }), 'session', { rules: 'ccusage' });
    const plain = aggregateCost(await rawSessions(), 'session', { rules: 'ccusage' });
    const added = mirrored.rows.filter((row) => plain.rows.find((other) => other.key === row.key)?.responses !== row.responses);
    assert.deepEqual(
      added.map((row) => row.key),
      ['cc_entireio-cli_ac0df591859d_v2.1.41'],
    );
    assert.equal(mirrored.totals.responses - plain.totals.responses, 13);
    assert.ok(Math.abs(mirrored.totals.costUSD - plain.totals.costUSD - 0.1362) < 1e-4, `${mirrored.totals.costUSD - plain.totals.costUSD}`);
  });

  // The adapter turns the mirrored subagent responses into sidechain steps, so it is compared
  // with the raw records that include them; ccusage counts them only from the subagent's file.
  it('gives the same figures from the Claude Code adapter as from the raw records', { skip: skipWithoutShared }, async (t) => {
    const parsed = await adapterSessions();
    if (parsed === undefined) {
      t.skip('lib/agents/claude-code is not built yet');
      return;
    }
    const raw = await rawSessions({ mirrored: true });
    for (const rules of ['ccusage', 'published'] as const satisfies readonly CostRules[]) {
      assertSameFigures(ourRows(aggregateCost(parsed, 'session', { rules })), ourRows(aggregateCost(raw, 'session', { rules })));
    }
  });

  it('equals ccusage run as a process on what the adapter parsed, less the mirrored subagent responses', { skip: skipWithoutCcusage }, async (t) => {
    const parsed = await adapterSessions();
    if (parsed === undefined) {
      t.skip('lib/agents/claude-code is not built yet');
      return;
    }
    const configDir = claudeConfigDir(
      'adapter',
      fixtures.map((name) => ({ project: stem(name), source: join(CLAUDE_DIR, name) })),
    );
    const theirs = ccusageRows(runCcusage(configDir, 'session'), 'sessions', 'sessionId');
    const ours = ourRows(aggregateCost(parsed, 'session', { rules: 'ccusage' }));
    const plain = ourRows(aggregateCost(await rawSessions(), 'session', { rules: 'ccusage' }));
    const mirrored = ourRows(aggregateCost(await rawSessions({ mirrored: true }), 'session', { rules: 'ccusage' }));
    const minus = (a: Figures, b: Figures | undefined): Figures => ({
      key: a.key,
      inputTokens: a.inputTokens - (b?.inputTokens ?? 0),
      outputTokens: a.outputTokens - (b?.outputTokens ?? 0),
      cacheWriteTokens: a.cacheWriteTokens - (b?.cacheWriteTokens ?? 0),
      cacheReadTokens: a.cacheReadTokens - (b?.cacheReadTokens ?? 0),
      costUSD: a.costUSD - (b?.costUSD ?? 0),
    });
    const mirroredOnly = (key: string): Figures | undefined => {
      const all = mirrored.find((row) => row.key === key);
      return all === undefined ? undefined : minus(all, plain.find((row) => row.key === key));
    };
    assertSameFigures(
      ours.map((row) => minus(row, mirroredOnly(row.key))),
      theirs,
    );
  });
});

async function adapterSessions(): Promise<CostSession[] | undefined> {
  const adapter = await loadClaudeAdapter();
  if (adapter === undefined) return undefined;
  const sessions: CostSession[] = [];
  for (const name of fixtures) {
    const result = await adapter.parse(join(CLAUDE_DIR, name), { repoRoot: null, warn: () => {} });
    sessions.push({ session: { id: stem(name), agent: 'claude-code' }, steps: result.steps });
  }
  return sessions;
}

function claudeRecord(model: string, usage: Usage, i: number): string {
  return JSON.stringify({
    type: 'assistant',
    timestamp: '2026-01-02T03:04:05.000Z',
    sessionId: '00000000-0000-4000-8000-000000000000',
    requestId: `req_${i}`,
    message: {
      id: `msg_${i}`,
      role: 'assistant',
      model,
      content: [{ type: 'text', text: 'ok' }],
      usage: {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_input_tokens: usage.cacheReadTokens,
        cache_creation_input_tokens: usage.cacheWriteTokens,
      },
    },
  });
}

async function loadClaudeAdapter(): Promise<AgentAdapter | undefined> {
  const module = join(PROJECT_ROOT, 'dist', 'lib', 'agents', 'claude-code', 'index.js');
  if (!existsSync(module)) return undefined;
  const loaded: unknown = await import(pathToFileURL(module).href);
  const adapter = field(loaded, 'claudeCodeAdapter');
  if (!isRecord(adapter) || typeof adapter['parse'] !== 'function') return undefined;
  return adapter as unknown as AgentAdapter;
}
