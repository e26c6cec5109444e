import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MODEL_PRICING, PRICING_DATE, isModelCall, lookupPricing, normalizeModelId } from '../../lib/analysis/pricing.js';
import { SHARED_TRANSCRIPTS, skipWithoutShared } from '../helpers/paths.js';

describe('normalizeModelId', () => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['anthropic/claude-opus-4-6', 'claude-opus-4-6'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['claude-opus-4-6[1m]', 'claude-opus-4-6'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['claude-4-opus-20250514', 'claude-opus-4'],
    ['Claude-Opus-4-5-20251101 ', 'claude-opus-4-5'],
    ['openai/gpt-5.1-codex-max', 'gpt-5.1-codex-max'],
    ['gpt-5-2025-08-07', 'gpt-5'],
    ['gpt-5.4-2026-03-05', 'gpt-5.4'],
    ['gpt-5-chat-latest', 'gpt-5-chat-latest'],
    ['models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['google/gemini-3-flash-preview', 'gemini-3-flash-preview'],
    // Another host's model keeps its path: it is billed at that host's prices, not the vendor's.
    ['accounts/fireworks/routers/glm-5p2-fast', 'accounts/fireworks/routers/glm-5p2-fast'],
    ['<synthetic>', '<synthetic>'],
  ];
  for (const [id, expected] of rows) {
    it(`maps '${id}' to '${expected}'`, () => assert.equal(normalizeModelId(id), expected));
  }
});

describe('the price table', () => {
  it('is dated', () => assert.match(PRICING_DATE, /^\d{4}-\d{2}-\d{2}$/));

  it('is keyed by normalized ids, so every key can be looked up', () => {
    for (const key of Object.keys(MODEL_PRICING)) assert.equal(normalizeModelId(key), key);
  });

  it('holds non-negative prices with reads below input and one-hour writes at least five-minute ones', () => {
    for (const [model, pricing] of Object.entries(MODEL_PRICING)) {
      for (const prices of [pricing, pricing.longContext?.prices]) {
        if (prices === undefined) continue;
        for (const value of [prices.input, prices.output, prices.cacheRead, prices.cacheWrite5m, prices.cacheWrite1h]) {
          assert.ok(Number.isFinite(value) && value >= 0, model);
        }
        assert.ok(prices.cacheRead <= prices.input, `${model}: cache read above input`);
        assert.ok(prices.cacheWrite1h >= prices.cacheWrite5m, `${model}: 1h write below 5m write`);
      }
    }
  });

  it('finds dated and prefixed ids and knows nothing of unknown ones', () => {
    assert.equal(lookupPricing('claude-opus-4-5-20251101')?.output, 25);
    assert.equal(lookupPricing('anthropic/claude-haiku-4-5')?.cacheWrite1h, 2);
    assert.equal(lookupPricing('models/gemini-2.5-flash')?.input, 0.3);
    assert.equal(lookupPricing('glm-1'), null);
    assert.equal(lookupPricing('claude-opus-9'), null);
  });

  it('treats <synthetic> as no model call', () => {
    assert.equal(isModelCall('<synthetic>'), false);
    assert.equal(isModelCall('claude-opus-4-6'), true);
  });
});

// Models the shared transcripts use that have no vendor price, and why.
const KNOWN_UNPRICED: Readonly<Record<string, string>> = {
  'glm-1': 'pi test model; pi records its own cost',
  'pi-fixture-model': 'pi test model',
  'accounts/fireworks/routers/glm-5p2-fast': 'served by Fireworks at its own prices; pi records the cost',
  'codex-auto-review': "Codex's review label, not a billable model id",
};

describe('models in the shared transcripts', { skip: skipWithoutShared }, () => {
  it('are all priced, except the known non-vendor ones', () => {
    const seen = new Set<string>();
    for (const agent of ['claude-code', 'codex', 'gemini', 'pi']) {
      const dir = join(SHARED_TRANSCRIPTS, agent);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl') || n.endsWith('.json'))) {
        for (const match of readFileSync(join(dir, name), 'utf8').matchAll(/"model":\s*"([^"]+)"/g)) {
          if (match[1] !== undefined) seen.add(match[1]);
        }
      }
    }
    assert.ok(seen.size > 10, 'expected the fixtures to name many models');
    const missing = [...seen].filter((model) => isModelCall(model) && lookupPricing(model) === null && !(model in KNOWN_UNPRICED));
    assert.deepEqual(missing.sort(), []);
  });
});
