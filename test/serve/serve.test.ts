// git trace serve over plain HTTP: the address it prints, what it refuses (no token, a wrong one,
// another origin, another Host, any method but GET and HEAD), the headers every answer carries,
// that a remote address needs --allow-remote, and that serving writes nothing.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { FIXTURES } from '../helpers/paths.js';
import { GITHUB_TOKEN } from '../helpers/secrets.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';
import { serve, type Served } from './server-process.js';

interface StatsJson {
  readonly by: string;
  readonly commits: readonly { readonly id: string; readonly addedLines: number; readonly agentLines: number }[];
  readonly rows: readonly { readonly key: string }[];
  readonly totals: unknown;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One request with exactly these headers (fetch would not let a test set Host), on a connection
 * of its own: node's global agent keeps sockets alive, and one reused just as the server's
 * keep-alive timeout (5 s) closes it hangs up, which a busy machine hits between two requests.
 */
function ask(served: Served, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ agent: false, host: served.host, port: served.port, path, method: options.method ?? 'GET', headers: { Host: `${served.host}:${served.port}`, ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('git trace serve over HTTP', () => {
  let repo: TempRepo;
  let served: Served;
  let refsBefore = '';
  const SESSION = 'fixture-session-1';

  before(async () => {
    testIdentityFile();
    repo = tempRepo({ 'src/cli.ts': 'export const verbose = false;\n' });
    assert.equal(repo.trace(['init']).status, 0);
    const imported = repo.trace(['import', '--format', 'steps', join(FIXTURES, 'steps', 'small-session.jsonl')]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(repo.trace(['index']).status, 0);
    refsBefore = repo.git('for-each-ref');
    served = await serve(repo.dir);
  });

  after(async () => {
    await served?.stop();
    repo?.cleanup();
  });

  test('prints one line with the address on 127.0.0.1 and a 256-bit token, nothing on stderr', () => {
    assert.equal(served.host, '127.0.0.1');
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    assert.notEqual(served.port, 0);
    assert.equal(served.stderr(), '');
  });

  test('the token in the URL becomes an HttpOnly, SameSite=Strict cookie, and leaves the address', async () => {
    const answer = await ask(served, `/?token=${served.token}`);
    assert.equal(answer.status, 303);
    assert.equal(answer.headers['location'], '/');
    const cookie = String(answer.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^git-trace-${served.port}=${served.token};`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  });

  test('with the cookie: the page, its assets and the answers, each with a strict CSP', async (t) => {
    for (const path of ['/', '/assets/app.js', '/assets/dom.js', '/assets/app.css', '/api/sessions', `/api/session?id=${SESSION}`]) {
      await t.test(path, async () => {
        const answer = await ask(served, path, { headers: { Cookie: served.cookie } });
        assert.equal(answer.status, 200, answer.body);
        const csp = String(answer.headers['content-security-policy']);
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /script-src 'self'(;|$)/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
        assert.equal(answer.headers['x-content-type-options'], 'nosniff');
        assert.equal(answer.headers['cache-control'], 'no-store');
      });
    }
    const listed = JSON.parse((await ask(served, '/api/sessions', { headers: { Cookie: served.cookie } })).body) as { sessions: { id: string }[] };
    assert.deepEqual(listed.sessions.map((s) => s.id), [SESSION]);
  });

  test('the page loads nothing from elsewhere and runs no inline script', async () => {
    const page = (await ask(served, '/', { headers: { Cookie: served.cookie } })).body;
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc="\/assets\/)/, 'every script is an asset of this server');
    assert.doesNotMatch(page, /(src|href)="(https?:)?\/\//, 'nothing from another host');
    assert.doesNotMatch(page, /\son[a-z]+=/, 'no inline event handlers');
  });

  const refusals: { name: string; path: string; method?: string; headers: (s: Served) => Record<string, string>; status: number }[] = [
    { name: 'no token: the page', path: '/', headers: () => ({}), status: 401 },
    { name: 'no token: an answer', path: '/api/sessions', headers: () => ({}), status: 401 },
    { name: 'no token: an asset', path: '/assets/app.js', headers: () => ({}), status: 401 },
    { name: 'a wrong token in the URL', path: '/?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', headers: () => ({}), status: 401 },
    { name: 'a wrong cookie', path: '/api/sessions', headers: (s) => ({ Cookie: `git-trace-${s.port}=${s.token.slice(1)}x` }), status: 401 },
    { name: "another port's cookie", path: '/api/sessions', headers: (s) => ({ Cookie: `git-trace-${s.port + 1}=${s.token}` }), status: 401 },
    { name: 'a foreign Origin, with the cookie', path: '/api/sessions', headers: (s) => ({ Cookie: s.cookie, Origin: 'http://evil.example' }), status: 403 },
    { name: 'a foreign Origin, with the token', path: '/', headers: (s) => ({ Origin: 'http://evil.example' }), status: 403 },
    { name: 'Origin null', path: '/api/sessions', headers: (s) => ({ Cookie: s.cookie, Origin: 'null' }), status: 403 },
    { name: 'another port of 127.0.0.1 as Origin', path: '/api/sessions', headers: (s) => ({ Cookie: s.cookie, Origin: `http://127.0.0.1:${s.port + 1}` }), status: 403 },
    { name: 'a Host of another name (DNS rebinding)', path: '/api/sessions', headers: (s) => ({ Cookie: s.cookie, Host: `evil.example:${s.port}` }), status: 403 },
    { name: 'Host localhost, not the bound address', path: '/api/sessions', headers: (s) => ({ Cookie: s.cookie, Host: `localhost:${s.port}` }), status: 403 },
    { name: 'a Host without the port', path: '/api/sessions', headers: (s) => ({ Cookie: s.cookie, Host: '127.0.0.1' }), status: 403 },
    { name: 'POST', path: '/api/sessions', method: 'POST', headers: (s) => ({ Cookie: s.cookie }), status: 405 },
    { name: 'PUT', path: '/', method: 'PUT', headers: (s) => ({ Cookie: s.cookie }), status: 405 },
    { name: 'DELETE', path: `/api/session?id=${SESSION}`, method: 'DELETE', headers: (s) => ({ Cookie: s.cookie }), status: 405 },
    { name: 'OPTIONS (no CORS preflight answered)', path: '/api/sessions', method: 'OPTIONS', headers: (s) => ({ Cookie: s.cookie }), status: 405 },
  ];

  test('refuses', async (t) => {
    for (const r of refusals) {
      await t.test(`${r.name} → ${r.status}`, async () => {
        const path = r.path.includes('token=') || r.name !== 'a foreign Origin, with the token' ? r.path : `/?token=${served.token}`;
        const answer = await ask(served, path, { method: r.method ?? 'GET', headers: r.headers(served) });
        assert.equal(answer.status, r.status, answer.body);
        assert.doesNotMatch(answer.body, /fixture-session|verbose/, 'a refusal says nothing of the sessions');
        assert.equal(answer.headers['set-cookie'], undefined);
        if (r.status === 405) assert.equal(answer.headers['allow'], 'GET, HEAD');
      });
    }
  });

  test('HEAD answers like GET, without a body', async () => {
    const answer = await ask(served, '/api/sessions', { method: 'HEAD', headers: { Cookie: served.cookie } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '');
  });

  test('a session that is not there is a 404 with the error, not a crash', async () => {
    const answer = await ask(served, '/api/session?id=no-such-session', { headers: { Cookie: served.cookie } });
    assert.equal(answer.status, 404);
    assert.match(JSON.parse(answer.body).error as string, /no-such-session/);
  });

  test('a token in the URL of another path still signs in to the page, never elsewhere', async () => {
    for (const path of [`/api/sessions?token=${served.token}`, `/.//evil.example/?token=${served.token}`]) {
      const answer = await ask(served, path);
      assert.equal(answer.status, 303);
      assert.equal(answer.headers['location'], '/');
    }
  });

  test('redacts again on the way out: a secret stored while redaction was off is not sent', async () => {
    const file = join(repo.dir, '..', `${repo.dir.split('/').pop() ?? 'x'}-leak.jsonl`);
    writeFileSync(
      file,
      `${JSON.stringify({ type: 'session', id: 'leaky-session', agent: 'codex', startedAt: '2026-11-02T08:00:00Z' })}\n` +
        `${JSON.stringify({ type: 'step', v: 1, id: 'p1', kind: 'prompt', timestamp: '2026-11-02T08:00:00Z', text: `deploy with GITHUB_TOKEN ${GITHUB_TOKEN}` })}\n`,
    );
    repo.git('config', 'trace.redact', 'false');
    try {
      assert.equal(repo.trace(['import', '--format', 'steps', file]).status, 0);
    } finally {
      repo.git('config', '--unset', 'trace.redact');
      rmSync(file, { force: true });
    }
    assert.match(repo.trace(['show', 'leaky-session']).stdout, new RegExp(GITHUB_TOKEN), 'stored as it was');
    for (const path of ['/api/sessions', '/api/session?id=leaky-session', '/api/search?q=deploy']) {
      const answer = await ask(served, path, { headers: { Cookie: served.cookie } });
      assert.equal(answer.status, 200, answer.body);
      assert.ok(!answer.body.includes(GITHUB_TOKEN), `${path} does not send the token`);
      assert.match(answer.body, /\[REDACTED:github\]/, `${path} says what was redacted`);
      assert.ok(((JSON.parse(answer.body) as { egress: { secrets: Record<string, number> } }).egress.secrets['github'] ?? 0) > 0, `${path} counts it`);
    }
    // The import wrote; from here on only the server runs.
    refsBefore = repo.git('for-each-ref');
  });

  test('stats: computed apart when the server starts, stored in the catalog, the same as `git trace stats`', async () => {
    // The server computes the survival page's stats in a worker thread once its catalog is open.
    const catalog = join(repo.dir, '.git', 'opentraces', 'catalog.sqlite');
    const stored = (): boolean => {
      const db = new Database(catalog, { readonly: true });
      try {
        return db.prepare('SELECT 1 FROM catalog_meta WHERE key = ?').get('stats:day:default') !== undefined;
      } finally {
        db.close();
      }
    };
    for (let waited = 0; !stored() && waited < 30_000; waited += 100) await sleep(100);
    assert.ok(stored(), 'the worker stored its answer');
    for (const by of ['day', 'session', 'agent']) {
      const answer = await ask(served, `/api/stats?by=${by}`, { headers: { Cookie: served.cookie } });
      assert.equal(answer.status, 200, answer.body);
      const served_ = JSON.parse(answer.body) as StatsJson;
      const cli = JSON.parse(repo.trace(['stats', '--json', '--by', by]).stdout) as StatsJson;
      assert.equal(served_.by, by);
      assert.deepEqual(served_.totals, cli.totals, by);
      assert.deepEqual(served_.rows.map((r) => r.key), cli.rows.map((r) => r.key), by);
      assert.deepEqual(served_.commits.map((c) => [c.id, c.addedLines, c.agentLines]), cli.commits.map((c) => [c.id, c.addedLines, c.agentLines]), by);
    }
    const bad = await ask(served, '/api/stats?by=weather', { headers: { Cookie: served.cookie } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /cannot group by 'weather'/);
    const far = await ask(served, '/api/stats?days=99999999', { headers: { Cookie: served.cookie } });
    assert.equal(far.status, 400, 'a window past the dates JavaScript can name is the asker\'s mistake, not a bug');
    assert.match(far.body, /'days' must be from 1 to 36500/);
  });

  test('stats after a new commit: the stored answer at once, said stale, then the current one', async () => {
    const stats = async (): Promise<StatsJson & { stale?: boolean }> => {
      const answer = await ask(served, '/api/stats?by=day', { headers: { Cookie: served.cookie } });
      assert.equal(answer.status, 200, answer.body);
      return JSON.parse(answer.body) as StatsJson & { stale?: boolean };
    };
    const before = await stats();
    assert.equal(before.stale, undefined, 'current before');
    repo.commit('notes by hand', { 'NOTES.md': 'one more line by hand\n' });
    refsBefore = repo.git('for-each-ref');
    assert.equal((await stats()).stale, true, 'the stored answer, said stale, while the worker computes');
    let current = await stats();
    for (let waited = 0; current.stale === true && waited < 30_000; waited += 200) {
      await sleep(200);
      current = await stats();
    }
    assert.equal(current.stale, undefined, 'then the current answer');
    assert.equal(current.commits.length, before.commits.length + 1, 'with the new commit');
    const cli = JSON.parse(repo.trace(['stats', '--json', '--by', 'day']).stdout) as StatsJson;
    assert.deepEqual(current.totals, cli.totals);
  });

  test('serving wrote nothing: the refs, the branch and the work tree as they were', () => {
    assert.equal(repo.git('for-each-ref'), refsBefore);
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  test('a port in use: exit 2, saying so', () => {
    const result = repo.trace(['serve', '--no-open', '--port', String(served.port)]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^error: port ${served.port} is in use\n`));
  });

  test('stops on SIGTERM with exit code 0', async () => {
    const other = await serve(repo.dir);
    assert.equal(await other.stop(), 0);
  });
});

describe('git trace serve refuses', () => {
  let repo: TempRepo;
  before(() => {
    testIdentityFile();
    repo = tempRepo();
  });
  after(() => repo.cleanup());

  const rows: { name: string; args: string[] }[] = [
    { name: 'an address others can reach without --allow-remote', args: ['--host', '0.0.0.0'] },
    { name: 'an IPv6 wildcard without --allow-remote', args: ['--host', '::'] },
    { name: 'a port that is not a number', args: ['--port', 'http'] },
    { name: 'a port out of range', args: ['--port', '70000'] },
    { name: 'an argument', args: ['HEAD'] },
  ];
  for (const r of rows) {
    test(`${r.name}: exit 2, nothing served`, () => {
      const result = repo.trace(['serve', '--no-open', ...r.args]);
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^error: /);
    });
  }

  test('another address with --allow-remote: served there, and only there by Host', async () => {
    // 127.0.0.2 is not in the loopback list git-trace trusts by name, so it stands for a LAN address.
    assert.equal(repo.trace(['serve', '--no-open', '--host', '127.0.0.2']).status, 2);
    assert.equal(repo.trace(['init']).status, 0);
    const remote = await serve(repo.dir, ['--host', '127.0.0.2', '--allow-remote']);
    try {
      assert.equal(remote.host, '127.0.0.2');
      assert.equal((await ask(remote, '/api/sessions', { headers: { Cookie: remote.cookie } })).status, 200);
      assert.equal((await ask(remote, '/api/sessions', { headers: { Cookie: remote.cookie, Host: `127.0.0.1:${remote.port}` } })).status, 403);
    } finally {
      await remote.stop();
    }
  });

  test('--host 0.0.0.0 without --allow-remote: one line saying why', () => {
    const result = repo.trace(['serve', '--no-open', '--host', '0.0.0.0']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "error: refusing to listen on '0.0.0.0' without --allow-remote: other machines could read your sessions\n");
  });
});
