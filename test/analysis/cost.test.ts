import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateCost, costOfUsage, utcDay, type CostRules, type CostSession, type PricedUsage } from '../../lib/analysis/cost.js';
import { STEP_VERSION, type MessageStep, type Step, type Usage } from '../../lib/model/step.js';
import { validateStep } from '../../lib/model/validate.js';

const close = (actual: number, expected: number, message?: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${message ?? ''} expected ${expected}, got ${actual}`);

const usage = (input: number, output: number, read: number, write: number, write1h?: number): Usage =>
  write1h === undefined
    ? { inputTokens: input, outputTokens: output, cacheReadTokens: read, cacheWriteTokens: write }
    : { inputTokens: input, outputTokens: output, cacheReadTokens: read, cacheWriteTokens: write, cacheWrite1hTokens: write1h };

describe('costOfUsage', () => {
  // Expected values are worked by hand: tokens × USD per million / 1e6.
  const rows: ReadonlyArray<{ name: string; model: string; usage: PricedUsage; rules?: CostRules; expected: number }> = [
    {
      name: 'Opus 4.6 prices one-hour writes at 2× input and the rest at 1.25×',
      model: 'claude-opus-4-6',
      usage: usage(1000, 2000, 10_000, 4000, 1000),
      expected: (1000 * 5 + 2000 * 25 + 10_000 * 0.5 + 3000 * 6.25 + 1000 * 10) / 1e6,
    },
    {
      name: 'ccusage rules price every cache write at the 5-minute rate',
      model: 'claude-opus-4-6',
      usage: usage(1000, 2000, 10_000, 4000, 1000),
      rules: 'ccusage',
      expected: (1000 * 5 + 2000 * 25 + 10_000 * 0.5 + 4000 * 6.25) / 1e6,
    },
    {
      name: 'fast mode multiplies Opus 4.6 by six',
      model: 'claude-opus-4-6',
      usage: { ...usage(1000, 0, 0, 0), speed: 'fast' },
      expected: (1000 * 5 * 6) / 1e6,
    },
    {
      name: 'Sonnet 4.5 under 200k prompt tokens',
      model: 'claude-sonnet-4-5-20250929',
      usage: usage(100, 1000, 50_000, 2000),
      expected: (100 * 3 + 1000 * 15 + 50_000 * 0.3 + 2000 * 3.75) / 1e6,
    },
    {
      name: 'Sonnet 4.5 over 200k prompt tokens bills the whole request at long-context prices',
      model: 'claude-sonnet-4-5',
      usage: usage(10, 1000, 250_000, 1000),
      expected: (10 * 6 + 1000 * 22.5 + 250_000 * 0.6 + 1000 * 7.5) / 1e6,
    },
    {
      name: 'ccusage rules tier each field on its own above 200k',
      model: 'claude-sonnet-4-5',
      usage: usage(10, 1000, 250_000, 1000),
      rules: 'ccusage',
      expected: (10 * 3 + 1000 * 15 + 1000 * 3.75 + 200_000 * 0.3 + 50_000 * 0.6) / 1e6,
    },
    {
      name: 'Haiku 4.5',
      model: 'anthropic/claude-haiku-4-5-20251001',
      usage: usage(1000, 1000, 1000, 1000),
      expected: (1000 * 1 + 1000 * 5 + 1000 * 0.1 + 1000 * 1.25) / 1e6,
    },
    {
      name: 'GPT-5.1 Codex Max with cached input',
      model: 'gpt-5.1-codex-max',
      usage: usage(10_000, 2000, 90_000, 0),
      expected: (10_000 * 1.25 + 2000 * 10 + 90_000 * 0.125) / 1e6,
    },
    {
      name: 'GPT-5.5 up to 272k prompt tokens',
      model: 'openai/gpt-5.5',
      usage: usage(100_000, 1000, 100_000, 0),
      expected: (100_000 * 5 + 1000 * 30 + 100_000 * 0.5) / 1e6,
    },
    {
      name: 'GPT-5.5 over 272k prompt tokens',
      model: 'gpt-5.5',
      usage: usage(100_000, 1000, 200_000, 0),
      expected: (100_000 * 10 + 1000 * 45 + 200_000 * 1) / 1e6,
    },
    {
      name: 'GPT-5.6 Sol bills cache writes',
      model: 'gpt-5.6-sol',
      usage: usage(1000, 0, 0, 1000),
      expected: (1000 * 5 + 1000 * 6.25) / 1e6,
    },
    {
      name: 'Gemini 2.5 Pro up to 200k prompt tokens',
      model: 'gemini-2.5-pro',
      usage: usage(150_000, 5000, 40_000, 0),
      expected: (150_000 * 1.25 + 5000 * 10 + 40_000 * 0.125) / 1e6,
    },
    {
      name: 'Gemini 2.5 Pro over 200k prompt tokens',
      model: 'models/gemini-2.5-pro',
      usage: usage(150_000, 5000, 60_000, 0),
      expected: (150_000 * 2.5 + 5000 * 15 + 60_000 * 0.25) / 1e6,
    },
    {
      name: 'Gemini 3 Flash preview',
      model: 'gemini-3-flash-preview',
      usage: usage(10_000, 1000, 0, 0),
      expected: (10_000 * 0.5 + 1000 * 3) / 1e6,
    },
    { name: '<synthetic> is free', model: '<synthetic>', usage: usage(10, 10, 10, 10), expected: 0 },
    { name: 'an unknown model costs 0', model: 'glm-1', usage: usage(1000, 1000, 0, 0), expected: 0 },
  ];
  for (const row of rows) {
    it(row.name, () => close(costOfUsage(row.model, row.usage, row.rules), row.expected));
  }
});

let counter = 0;
function step(fields: Partial<Pick<MessageStep, 'model' | 'usage' | 'usageKey' | 'costUSD' | 'timestamp'>>): Step {
  counter += 1;
  const made: MessageStep = { v: STEP_VERSION, id: `s${counter}`, kind: 'message', text: '', timestamp: '2026-03-01T12:00:00Z', ...fields };
  const checked = validateStep(made);
  assert.ok(checked.ok, checked.ok ? '' : checked.error);
  return made;
}

const session = (id: string, agent: string, steps: Step[]): CostSession => ({ session: { id, agent }, steps });

describe('aggregateCost', () => {
  const opus = 'claude-opus-4-6';
  // One response split over two records (early one under-reports output), two unkeyed responses.
  const split = (): Step[] => [
    step({ model: opus, usageKey: 'msg_1:req_1', usage: usage(3, 1, 100, 50, 0) }),
    step({ model: opus, usageKey: 'msg_1:req_1', usage: usage(3, 40, 100, 50, 50) }),
    step({ model: opus, usage: usage(1, 1, 0, 0) }),
    step({ model: opus, usage: usage(1, 1, 0, 0) }),
  ];

  it('counts a usageKey once with the maximum of each field, and unkeyed steps each', () => {
    const { totals } = aggregateCost([session('a', 'claude-code', split())], 'session');
    assert.deepEqual(
      { ...totals, costUSD: 0 },
      { inputTokens: 5, outputTokens: 42, cacheReadTokens: 100, cacheWriteTokens: 50, costUSD: 0, unpricedModels: [], responses: 3, unpricedResponses: 0 },
    );
    close(totals.costUSD, (3 * 5 + 40 * 25 + 100 * 0.5 + 50 * 10 + 2 * (1 * 5 + 1 * 25)) / 1e6);
  });

  it('with ccusage rules counts the first record of a response, as ccusage does', () => {
    const { totals } = aggregateCost([session('a', 'claude-code', split())], 'session', { rules: 'ccusage' });
    assert.equal(totals.outputTokens, 3);
    close(totals.costUSD, (3 * 5 + 1 * 25 + 100 * 0.5 + 50 * 6.25 + 2 * (1 * 5 + 1 * 25)) / 1e6);
  });

  it('deduplicates within a session, and across sessions only with ccusage rules', () => {
    const twice = (): CostSession[] => [
      session('a', 'claude-code', [step({ model: opus, usageKey: 'k', usage: usage(10, 0, 0, 0) })]),
      session('b', 'claude-code', [step({ model: opus, usageKey: 'k', usage: usage(10, 0, 0, 0) })]),
    ];
    assert.equal(aggregateCost(twice(), 'session').totals.inputTokens, 20);
    const ccusage = aggregateCost(twice(), 'session', { rules: 'ccusage' });
    assert.equal(ccusage.totals.inputTokens, 10);
    assert.deepEqual(
      ccusage.rows.map((row) => row.key),
      ['a'],
    );
  });

  it('takes a cost the agent recorded over the price table', () => {
    const { totals } = aggregateCost(
      [
        session('p', 'pi', [
          step({ model: opus, usage: usage(1_000_000, 0, 0, 0), costUSD: 0.5 }),
          step({ model: 'glm-1', usage: usage(100, 100, 0, 0), costUSD: 0.01 }),
        ]),
      ],
      'model',
    );
    close(totals.costUSD, 0.51);
    assert.deepEqual(totals.unpricedModels, []);
  });

  it('counts the tokens of unknown models, costs them 0 and names them', () => {
    const report = aggregateCost(
      [
        session('x', 'pi', [
          step({ model: 'glm-1', usage: usage(100, 10, 0, 0) }),
          step({ usage: usage(7, 0, 0, 0) }),
          step({ model: opus, usage: usage(1, 0, 0, 0) }),
        ]),
      ],
      'model',
    );
    assert.equal(report.totals.inputTokens, 108);
    close(report.totals.costUSD, 5 / 1e6);
    assert.deepEqual(report.totals.unpricedModels, ['glm-1', 'unknown']);
    assert.equal(report.totals.unpricedResponses, 2);
    const glm = report.rows.find((row) => row.key === 'glm-1');
    assert.deepEqual(glm && { cost: glm.costUSD, unpriced: glm.unpricedModels, input: glm.inputTokens }, { cost: 0, unpriced: ['glm-1'], input: 100 });
  });

  it('leaves out <synthetic> records and steps that carry no usage', () => {
    const { totals } = aggregateCost(
      [session('s', 'claude-code', [step({ model: '<synthetic>', usage: usage(0, 0, 0, 0) }), step({ model: opus, usageKey: 'k' })])],
      'model',
    );
    assert.equal(totals.responses, 0);
    assert.deepEqual(totals.unpricedModels, []);
  });

  describe('grouping', () => {
    const sessions = (): CostSession[] => [
      session('s1', 'claude-code', [
        step({ model: opus, timestamp: '2026-03-01T23:59:59Z', usage: usage(1000, 0, 0, 0) }),
        step({ model: 'claude-haiku-4-5-20251001', timestamp: '2026-03-02T00:00:01+01:00', usage: usage(1000, 0, 0, 0) }),
      ]),
      session('s2', 'codex', [
        step({ model: 'gpt-5.5', timestamp: '2026-02-28T10:00:00Z', usage: usage(1000, 0, 0, 0) }),
        step({ model: 'gpt-5.5', timestamp: null, usage: usage(1000, 0, 0, 0) }),
      ]),
    ];
    const rows: ReadonlyArray<{ by: 'day' | 'model' | 'session' | 'agent'; expected: ReadonlyArray<readonly [string, number]> }> = [
      // Days are UTC (the +01:00 step falls on 1 March), in order, with undated steps last.
      { by: 'day', expected: [['2026-02-28', 0.005], ['2026-03-01', 0.006], ['unknown', 0.005]] },
      { by: 'model', expected: [['gpt-5.5', 0.01], [opus, 0.005], ['claude-haiku-4-5-20251001', 0.001]] },
      { by: 'session', expected: [['s2', 0.01], ['s1', 0.006]] },
      { by: 'agent', expected: [['codex', 0.01], ['claude-code', 0.006]] },
    ];
    for (const { by, expected } of rows) {
      it(`by ${by} keys and orders the rows deterministically`, () => {
        const report = aggregateCost(sessions(), by);
        assert.deepEqual(
          report.rows.map((row) => row.key),
          expected.map(([key]) => key),
        );
        for (const [i, [key, cost]] of expected.entries()) close(report.rows[i]?.costUSD ?? NaN, cost, key);
        close(report.totals.costUSD, 0.016);
        assert.equal(report.by, by);
      });
    }
  });
});

describe('utcDay', () => {
  const rows: ReadonlyArray<readonly [string | null, string]> = [
    ['2026-03-01T23:30:00-02:00', '2026-03-02'],
    ['2026-03-01T00:30:00+02:00', '2026-02-28'],
    ['not a date', 'unknown'],
    [null, 'unknown'],
  ];
  for (const [timestamp, expected] of rows) it(`puts ${String(timestamp)} on ${expected}`, () => assert.equal(utcDay(timestamp), expected));
});
