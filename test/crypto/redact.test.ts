// Secret redaction. Fake secrets are assembled at run time from parts and seeded noise, so no
// string in this file looks like a live key to a secret scanner.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  addCounts,
  DEFAULT_REDACTION,
  parseRedactionConfig,
  REDACTION_KINDS,
  redactStep,
  redactText,
  redactValue,
  type RedactionConfig,
} from '../../lib/crypto/redact.js';
import { UsageError } from '../../lib/errors.js';
import { STEP_VERSION, type Step } from '../../lib/model/step.js';
import { validateStep } from '../../lib/model/validate.js';
import { SHARED_TRANSCRIPTS, skipWithoutShared } from '../helpers/paths.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BECH32_UPPER = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
const HEX = '0123456789abcdef';

/** Seeded noise: the same characters every run, random enough for the detectors. */
function noise(seed: number, length: number, alphabet = BASE62): string {
  let state = seed * 2654435761;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += alphabet[(state >>> 16) % alphabet.length];
  }
  return out;
}

const b64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');
const glue = (...parts: string[]): string => parts.join('');

const jwt = glue(b64url({ alg: 'HS256', typ: 'JWT' }), '.', b64url({ sub: '1234', iat: 1700000000 }), '.', noise(40, 43));
const pemBody = `${noise(41, 64)}\n${noise(42, 64)}\n${noise(43, 20)}==`;
const pem = (label: string): string => `-----BEGIN ${label}-----\n${pemBody}\n-----END ${label}-----`;

interface DetectRow {
  readonly name: string;
  readonly kind: string;
  readonly text: string;
  /** The exact output; by default the text with the secret replaced by the marker. */
  readonly expected?: string;
  readonly secret: string;
}

function row(name: string, kind: string, secret: string, around: (s: string) => string = (s) => `see ${s} here`): DetectRow {
  return { name, kind, secret, text: around(secret), expected: around(`[REDACTED:${kind}]`) };
}

const detectRows: readonly DetectRow[] = [
  row('an Anthropic API key', 'anthropic', glue('sk-', 'ant-api03-', noise(1, 93), 'AA')),
  row('an Anthropic admin key', 'anthropic', glue('sk-', 'ant-admin01-', noise(2, 93), 'AA')),
  row('an OpenAI project key', 'openai', glue('sk-', 'proj-', noise(3, 64), '_', noise(4, 40))),
  row('an OpenAI service account key', 'openai', glue('sk-', 'svcacct-', noise(5, 80))),
  row('a legacy OpenAI key', 'openai', glue('sk-', noise(6, 20), 'T3Blbk', 'FJ', noise(7, 20))),
  row('a Google API key', 'google', glue('AI', 'za', noise(8, 35))),
  row('a GitHub personal token', 'github', glue('gh', 'p_', noise(9, 36))),
  row('a GitHub OAuth token', 'github', glue('gh', 'o_', noise(10, 36))),
  row('a GitHub user-to-server token', 'github', glue('gh', 'u_', noise(11, 36))),
  row('a GitHub server token', 'github', glue('gh', 's_', noise(12, 36))),
  row('a GitHub refresh token', 'github', glue('gh', 'r_', noise(13, 36))),
  row('a GitHub fine-grained token', 'github', glue('github', '_pat_', noise(14, 22), '_', noise(15, 59))),
  row('a GitLab token', 'gitlab', glue('gl', 'pat-', noise(16, 20))),
  row('a Slack bot token', 'slack', glue('xo', 'xb-', '1234567890-', noise(17, 24))),
  row('a Slack user token', 'slack', glue('xo', 'xp-', '1234567890-', noise(18, 24))),
  row('a Stripe live key', 'stripe', glue('sk', '_live_', noise(19, 24))),
  row('a Stripe restricted key', 'stripe', glue('rk', '_live_', noise(20, 24))),
  row('an AWS access key id', 'aws', glue('AK', 'IA', noise(21, 16, UPPER_DIGITS))),
  row('an AWS temporary key id', 'aws', glue('AS', 'IA', noise(22, 16, UPPER_DIGITS))),
  row('an AWS secret key under its name', 'aws', glue(noise(23, 20), '/', noise(24, 11), '+', noise(25, 7)), (s) => `aws_secret_access_key = ${s}`),
  row('an npm token', 'npm', glue('np', 'm_', noise(26, 36))),
  row('a Hugging Face token', 'huggingface', glue('h', 'f_', noise(27, 34))),
  row('a JWT', 'jwt', jwt),
  row('an RSA private key block', 'private-key', pem('RSA PRIVATE KEY'), (s) => `cat id_rsa\n${s}\ndone`),
  row('an OpenSSH private key block', 'private-key', pem('OPENSSH PRIVATE KEY')),
  row('a PGP private key block', 'private-key', pem('PGP PRIVATE KEY BLOCK')),
  row('a private key block with escaped newlines', 'private-key', pem('EC PRIVATE KEY').replace(/\n/g, '\\n'), (s) => `"key": "${s}"`),
  row('a private key cut short', 'private-key', `-----BEGIN PRIVATE KEY-----\n${pemBody}`, (s) => `$ head key.pem\n${s}\n$ echo ok`),
  row('an age secret key', 'private-key', glue('AGE-SECRET', '-KEY-1', noise(28, 58, BECH32_UPPER))),
  row('a base64-encoded private key', 'private-key', Buffer.from(pem('PRIVATE KEY')).toString('base64'), (s) => `client-key-data: ${s}`),
  row('a password in an https URL', 'url-credential', noise(29, 14), (s) => `git clone https://deploy:${s}@git.example.com/a/b.git`),
  row('a password in a database URL', 'url-credential', noise(30, 12), (s) => `DATABASE_URL=postgres://app:${s}@db.internal:5432/app`),
  row('a bearer token', 'auth-header', noise(31, 40), (s) => `curl -H "Authorization: Bearer ${s}" https://api.example.com`),
  row('a basic auth header', 'auth-header', Buffer.from(`alice:${noise(32, 10)}`).toString('base64'), (s) => `Authorization: Basic ${s}`),
  row('a password in an env line', 'secret-assignment', 'Tr0ub4dor-3x', (s) => `DB_PASSWORD=${s}`),
  row('a password in YAML', 'secret-assignment', 'hunter2hunter2', (s) => `db:\n  password: ${s}\n  user: app`),
  row('a client secret in JSON', 'secret-assignment', noise(33, 24), (s) => `{"client_secret": "${s}", "client_id": "app"}`),
  row('a token in escaped JSON', 'secret-assignment', noise(34, 24), (s) => `{\\"token\\": \\"${s}\\"}`),
  row('a password flag', 'secret-assignment', 'S3cretPassw0rd', (s) => `mysql --password=${s} app`),
  row('a quoted api key in Python', 'secret-assignment', 'a8Fk29dLq0', (s) => `api_key = '${s}'`),
  row('a hex secret under a secret name', 'secret-assignment', noise(39, 64, HEX), (s) => `SESSION_SECRET=${s}`),
  row('a UUID auth token in .npmrc', 'secret-assignment', '4d2c9e1a-7b3f-4e8a-9c1d-2f6b8a0e5d73', (s) => `//registry.npmjs.org/:_authToken=${s}`),
  row('a random token in prose', 'high-entropy', noise(35, 40), (s) => `the value ${s} came back`),
  row('a random token after an equals sign', 'high-entropy', noise(44, 48), (s) => `cookie: session=${s}; Path=/`),
  row('a random base64 token with slashes', 'high-entropy', glue(noise(36, 18), '/', noise(37, 12), '+', noise(38, 14), '='), (s) => `value ${s} end`),
];

describe('redactText finds each kind', () => {
  it('has a row for every kind', () => {
    const covered = new Set(detectRows.map((r) => r.kind));
    assert.deepEqual(REDACTION_KINDS.filter((kind) => !covered.has(kind)), []);
  });
  for (const r of detectRows) {
    it(`redacts ${r.name}`, () => {
      const result = redactText(r.text);
      assert.equal(result.text, r.expected);
      assert.deepEqual(result.counts, { [r.kind]: 1 });
      assert.ok(!result.text.includes(r.secret));
    });
    it(`leaves ${r.name} alone once redacted`, () => {
      const once = redactText(r.text).text;
      assert.deepEqual(redactText(once), { text: once, counts: {} });
    });
  }
});

describe('redactText classifies a known key under a name or header by its provider', () => {
  const anthropic = glue('sk-', 'ant-api03-', noise(50, 93), 'AA');
  const rows: ReadonlyArray<readonly [string, string, string]> = [
    ['env line', `ANTHROPIC_API_KEY=${anthropic}`, 'ANTHROPIC_API_KEY=[REDACTED:anthropic]'],
    ['bearer header', `Authorization: Bearer ${jwt}`, 'Authorization: Bearer [REDACTED:jwt]'],
    ['URL password', `https://x-access-token:${glue('gh', 's_', noise(51, 36))}@github.com/o/r`, 'https://x-access-token:[REDACTED:github]@github.com/o/r'],
  ];
  for (const [name, text, expected] of rows) it(`in a ${name}`, () => assert.equal(redactText(text).text, expected));
});

// Text that must come through unchanged: placeholders, and things that only look like secrets.
const keepRows: ReadonlyArray<readonly [string, string]> = [
  ['placeholder keys in docs', 'export ANTHROPIC_API_KEY=sk-ant-...\nexport OPENAI_API_KEY=sk-...\nGROQ_API_KEY=gsk_...'],
  ['a key of x characters', `ANTHROPIC_API_KEY=${glue('sk-', 'ant-api03-', 'x'.repeat(60))}`],
  ['template values', 'api_key: YOUR_API_KEY\ntoken: <token>\npassword: xxx\nsecret: changeme'],
  ['template words', `OPENAI_API_KEY="${glue('sk-', 'your-api-key-here')}"`],
  ['references to the environment', 'api_key: ${API_KEY}\ntoken=$TOKEN\nconst apiKey = process.env.OPENAI_API_KEY\npassword: "{{ .Env.PASSWORD }}"'],
  ['an Authorization header with a variable', 'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com'],
  ['values already redacted by another tool', 'api_key = "[REDACTED]"\nsecret_key = "***"'],
  ['the AWS documentation keys', `${glue('AKIA', 'IOSFODNN7', 'EXAMPLE')} ${glue('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCY', 'EXAMPLEKEY')}`],
  ['a git commit id', 'commit 3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c (HEAD -> main)'],
  ['a sha256 digest', 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['a UUID', 'session 123e4567-e89b-12d3-a456-426614174000 started'],
  ['a file path', '/Users/someone/projects/attio-mcp-server/src/handlers/tool-configs/companies.ts'],
  ['a temporary folder path', '/var/folders/hb/p13k1fg56kg3bk61qx01hn9r0000gn/T/e2e-agents-3059043777/entire-agent-pi'],
  ['a URL without credentials', `https://github.com/owner/repo/blob/${noise(52, 40, HEX)}/lib/crypto/redact.ts?plain=1#L10`],
  ['an ssh remote', 'git@github.com:owner/repo.git'],
  ['a URL whose password is its user', 'postgres://postgres:postgres@localhost:5432/app'],
  ['a data URI image', `<img src="data:image/png;base64,${Buffer.from(noise(53, 600)).toString('base64')}">`],
  ['model and tool ids', `toolu_01${noise(54, 22)} srvtoolu_01${noise(55, 22)} agent_msg_01${noise(56, 22)} call_${noise(57, 24)}`],
  ['code naming secrets', 'const apiKey = config.apiKey;\nfunction login(password: string) {}\ntoken = getToken()\nlet pwd = process.cwd();'],
  ['token counts', '"max_output_tokens":4000,"input_tokens": 1500, totalTokens: 22118'],
  ['names that only contain a secret word', 'author: "Jane Doe"\nkey: "ArrowUp"\nCo-Authored-By: Claude\nsyntaxKeyword: "cyan"\npublic_key: ssh-ed25519'],
  ['test output', '--- PASS: TestLifecycle_HooksInstalledAfterEnable (0.00s)\n=== RUN   TestResolveActiveBranch_SelfReferentialParent'],
  ['prose about tokens', 'Bearer tokens are sent in the Authorization header. Basic authentication is weaker.'],
  ['a short password-like word', 'password: abc'],
  ['an npm integrity digest', `"integrity": "sha512-${Buffer.from(noise(58, 64)).toString('base64')}"`],
  ['a go.sum line', `github.com/a/b v1.2.3 h1:${Buffer.from(noise(59, 32)).toString('base64')}`],
  ['an SSH public key', `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${noise(66, 43)} me@host`],
  ['a certificate block', `-----BEGIN CERTIFICATE-----\n${noise(67, 64)}\n${noise(68, 64)}\n-----END CERTIFICATE-----`],
  ['a PGP public key block', `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${noise(69, 64)}\n=${noise(73, 4)}\n-----END PGP PUBLIC KEY BLOCK-----`],
];

describe('redactText keeps placeholders and look-alikes', () => {
  for (const [name, text] of keepRows) {
    it(`keeps ${name}`, () => assert.deepEqual(redactText(text), { text, counts: {} }));
  }
});

describe('configuration', () => {
  const github = glue('gh', 'p_', noise(60, 36));
  const awsId = glue('AK', 'IA', noise(61, 16, UPPER_DIGITS));

  it('keeps a secret an allow pattern matches, and redacts the others', () => {
    const config = parseRedactionConfig({ allow: ['^AKIA'] });
    assert.deepEqual(redactText(`${awsId} ${github}`, config), { text: `${awsId} [REDACTED:github]`, counts: { github: 1 } });
  });
  it('keeps a secret inside a span an allow pattern matches', () => {
    const config = parseRedactionConfig({ allow: ['https://ci:[^@\\s]+@build\\.internal'] });
    const text = `https://ci:${noise(62, 14)}@build.internal/x https://ci:${noise(63, 14)}@other.host/x`;
    const result = redactText(text, config);
    assert.ok(result.text.startsWith(text.slice(0, 40)));
    assert.match(result.text, /https:\/\/ci:\[REDACTED:url-credential\]@other\.host/);
    assert.deepEqual(result.counts, { 'url-credential': 1 });
  });
  it('keeps a disabled kind', () => {
    const text = `https://u:${noise(64, 14)}@h.example/x`;
    assert.deepEqual(redactText(text, parseRedactionConfig({ disable: ['url-credential'] })), { text, counts: {} });
  });
  it('reports a key under a secret name as an assignment when its provider is disabled', () => {
    const key = glue('sk-', 'proj-', noise(65, 64));
    const result = redactText(`OPENAI_API_KEY=${key}`, parseRedactionConfig({ disable: ['openai'] }));
    assert.deepEqual(result, { text: 'OPENAI_API_KEY=[REDACTED:secret-assignment]', counts: { 'secret-assignment': 1 } });
  });
  it('keeps a provider key only when the generic rules are disabled too', () => {
    assert.deepEqual(redactText(github, parseRedactionConfig({ disable: ['github'] })).counts, { 'high-entropy': 1 });
    assert.equal(redactText(github, parseRedactionConfig({ disable: ['github', 'high-entropy'] })).text, github);
  });
  it('changes nothing when redaction is off', () => {
    const off = parseRedactionConfig({ redact: 'false' });
    for (const r of detectRows) assert.deepEqual(redactText(r.text, off), { text: r.text, counts: {} });
    const step = toolStep({ command: detectRows[0]?.text ?? '' });
    assert.equal(redactStep(step, off).step, step);
  });

  it('defaults to on, with nothing allowed or disabled', () => {
    for (const config of [parseRedactionConfig({}), DEFAULT_REDACTION]) {
      assert.equal(config.enabled, true);
      assert.deepEqual([config.allow.length, config.disabledKinds.size], [0, 0]);
    }
  });
  const booleans: ReadonlyArray<readonly [string, boolean]> = [
    ['true', true], ['yes', true], ['on', true], ['1', true], ['', true],
    ['false', false], ['no', false], ['off', false], ['0', false], ['FALSE', false],
  ];
  for (const [value, enabled] of booleans) {
    it(`reads trace.redact='${value}' as ${enabled}`, () => assert.equal(parseRedactionConfig({ redact: value }).enabled, enabled));
  }
  const invalid: ReadonlyArray<readonly [string, Parameters<typeof parseRedactionConfig>[0], string]> = [
    ['a bad boolean', { redact: 'maybe' }, "'maybe'"],
    ['a bad regex', { allow: ['ok', 'sk-(unclosed'] }, "'sk-(unclosed'"],
    ['an unknown kind', { disable: ['githib'] }, "'githib'"],
  ];
  for (const [name, entries, named] of invalid) {
    it(`rejects ${name} with a usage error naming it`, () => {
      assert.throws(() => parseRedactionConfig(entries), (error: unknown) => error instanceof UsageError && error.message.includes(named));
    });
  }
});

describe('redactValue', () => {
  const token = glue('gh', 'p_', noise(70, 36));
  it('redacts strings at any depth and keeps keys, numbers, booleans and null', () => {
    const value = { cmd: `echo ${token}`, n: 3, ok: true, none: null, list: [1, { deep: [`x ${token}`] }] };
    assert.deepEqual(redactValue(value), {
      value: { cmd: 'echo [REDACTED:github]', n: 3, ok: true, none: null, list: [1, { deep: ['x [REDACTED:github]'] }] },
      counts: { github: 2 },
    });
  });
  it('judges a string under a secret-saying key as that secret', () => {
    const result = redactValue({ password: 'hunter2hunter2', token: noise(71, 24), key: 'ArrowUp', username: 'alice' });
    assert.deepEqual(result, {
      value: { password: '[REDACTED:secret-assignment]', token: '[REDACTED:secret-assignment]', key: 'ArrowUp', username: 'alice' },
      counts: { 'secret-assignment': 2 },
    });
  });
  it('returns the same object when nothing is redacted', () => {
    const value = { a: ['b', { c: 'd' }], image: { data: Buffer.from(noise(72, 3000)).toString('base64') } };
    assert.equal(redactValue(value).value, value);
  });
});

function base(id: string): { v: typeof STEP_VERSION; id: string; timestamp: string; model: string } {
  return { v: STEP_VERSION, id, timestamp: '2026-01-02T03:04:05Z', model: 'claude-opus-4-6' };
}
function toolStep(input: unknown, output?: string): Step {
  return { ...base('t1'), kind: 'tool', tool: { name: 'Bash', callId: 'toolu_01A', input, status: 'ok', ...(output === undefined ? {} : { output }) } };
}

/** A step without its text-bearing fields: what redaction must leave exactly as it was. */
function untextual(step: Step): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...step };
  for (const key of ['text', 'tool', 'patches']) delete rest[key];
  if (step.kind === 'tool') rest['toolName'] = step.tool.name;
  return rest;
}

describe('redactStep', () => {
  const secrets = Array.from({ length: 8 }, (_, i) => glue('gh', 'p_', noise(80 + i, 36)));
  const patch = (i: number): { path: string; diff: string; origin: 'reported' } => ({
    path: 'src/config.ts',
    origin: 'reported',
    diff: `--- a/src/config.ts\n+++ b/src/config.ts\n@@ -1 +1 @@\n-const t = ''\n+const t = '${secrets[i] ?? ''}'\n`,
  });
  const steps: readonly Step[] = [
    { ...base('p'), kind: 'prompt', text: `use ${secrets[0]}`, patches: [patch(7)] },
    { ...base('m'), kind: 'message', text: `set ${secrets[1]}` },
    { ...base('r'), kind: 'reasoning', text: `the key ${secrets[2]}` },
    toolStep({ command: `gh auth login --with-token ${secrets[3]}`, env: { list: [secrets[4]] } }, `token: ${secrets[5]}`),
    { ...base('c'), kind: 'compaction', text: `summary with ${secrets[6]}`, trigger: 'auto' },
    { ...base('s'), kind: 'subagent', agentId: 'a1', text: `asked with ${secrets[6]}` },
  ];
  for (const step of steps) {
    it(`leaves no secret in any text field of a ${step.kind} step`, () => {
      const { step: redacted, counts } = redactStep(step);
      const json = JSON.stringify(redacted);
      for (const secret of secrets) assert.ok(!json.includes(secret), `${secret} survived`);
      assert.ok((counts['github'] ?? 0) >= 1);
      assert.equal(validateStep(JSON.parse(json)).ok, true);
      assert.deepEqual(untextual(redacted), untextual(step));
    });
  }
  it('counts every secret of a tool step', () => {
    assert.deepEqual(redactStep(steps[3] as Step).counts, { github: 3 });
  });
  it('returns the same step when nothing is redacted', () => {
    const step = toolStep({ command: 'ls' }, 'a.ts');
    assert.equal(redactStep(step).step, step);
  });
  it('keeps ids, paths and the tool name even when they look random', () => {
    const id = noise(90, 40);
    const step: Step = { ...toolStep({ file_path: 'src/a.ts' }, 'ok'), id, sourceId: id, patches: [{ path: `src/${id}.ts`, diff: '', origin: 'reported' }] };
    assert.equal(redactStep(step).step, step);
  });
});

describe('addCounts', () => {
  it('adds per kind without changing its arguments', () => {
    const a = { github: 1 };
    assert.deepEqual(addCounts(a, { github: 2, jwt: 1 }), { github: 3, jwt: 1 });
    assert.deepEqual(a, { github: 1 });
  });
});

describe('adversarial input', () => {
  // Each is 5 MB; the rows check the result only (the time is measured in the report, not here).
  const size = 5 * 1024 * 1024;
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const rows: ReadonlyArray<readonly [string, string, Record<string, number>]> = [
    ['one long run of a letter', fill('a'), {}],
    ['one long base64 run', Buffer.from(noise(95, (size * 3) / 4)).toString('base64').slice(0, size), {}],
    ['repeated key prefixes', fill('sk-ant-api03-'), {}],
    ['repeated JWT starts', fill('eyJ'), {}],
    ['private key headers without bodies', fill('-----BEGIN RSA PRIVATE KEY-----'), { 'private-key': Math.floor(size / 31) }],
    ['URLs that never reach @', fill('https://a:b'), {}],
    ['secret names without values', fill('key:'), {}],
    ['a secret name and endless spaces', `password${' '.repeat(size)}`, {}],
    ['a bearer scheme before a 5 MB token', `Bearer ${fill('A')}`, {}],
    ['half-written markers', fill('[REDACTED:'), {}],
  ];
  for (const [name, text, counts] of rows) {
    it(`handles ${name}`, () => assert.deepEqual(redactText(text).counts, counts));
  }
});

// Fields that hold opaque model blobs, not user text: callers do not pass them (see redact.ts).
const OPAQUE_FIELDS = new Set(['signature', 'thinkingSignature', 'encrypted_content', 'thoughtSignature']);

function withoutOpaque(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOpaque);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !OPAQUE_FIELDS.has(k)).map(([k, v]) => [k, withoutOpaque(v)]));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('real transcripts', { skip: skipWithoutShared }, () => {
  // They hold placeholders (`sk-ant-...`, `{{ .Env.X }}`, `[REDACTED]`) and no live secret:
  // every hit here would be a false positive.
  it('redacts nothing in them', () => {
    let counts = {};
    const config: RedactionConfig = DEFAULT_REDACTION;
    for (const file of filesUnder(SHARED_TRANSCRIPTS)) {
      const text = readFileSync(file, 'utf8');
      const records = file.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim() !== '') : [text];
      for (const record of records) {
        let value: unknown;
        try {
          value = JSON.parse(record);
        } catch {
          value = record;
        }
        counts = addCounts(counts, redactValue(withoutOpaque(value), config).counts);
      }
    }
    assert.deepEqual(counts, {});
  });
});
