// ctx items pass redaction like steps: a system prompt, instructions file or the work tree's
// uncommitted diff at capture start that holds a token is stored with the marker in its place.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_REDACTION } from '../../lib/crypto/redact.js';
import { redactAppend } from '../../lib/import/redact-session.js';
import { AWS_KEY, GITHUB_TOKEN, secretsIn } from '../helpers/secrets.js';

test('every ctx item of an append is redacted; its kind and first step are kept', () => {
  const { append } = redactAppend(
    {
      info: { id: 's', agent: 'codex', startedAt: null, endedAt: null },
      steps: [],
      context: [
        { kind: 'instructions', text: `use ${GITHUB_TOKEN} for the registry`, fromStepId: 'p1' },
        { kind: 'start-state', text: `+AWS_ACCESS_KEY_ID=${AWS_KEY}\n` },
        { kind: 'system-prompt', text: 'nothing secret here' },
      ],
    },
    DEFAULT_REDACTION,
  );
  assert.deepEqual(secretsIn(JSON.stringify(append.context)), []);
  assert.match(append.context?.[0]?.text ?? '', /^use \[REDACTED:[a-z-]+\] for the registry$/);
  assert.equal(append.context?.[0]?.fromStepId, 'p1');
  assert.equal(append.context?.[1]?.kind, 'start-state');
  assert.equal(append.context?.[2]?.text, 'nothing secret here');
});

test('with redaction turned off, ctx items are stored as they came', () => {
  const { append } = redactAppend({ info: { id: 's', agent: 'codex', startedAt: null, endedAt: null }, steps: [], context: [{ kind: 'instructions', text: GITHUB_TOKEN }] }, { ...DEFAULT_REDACTION, enabled: false });
  assert.equal(append.context?.[0]?.text, GITHUB_TOKEN);
});
