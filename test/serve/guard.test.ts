// The dashboard's guard alone, row by row: what passes, what signs in, what is refused and how.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRequest, cookieName, newToken, type GuardRequest } from '../../lib/serve/guard.js';

const TOKEN = newToken();
const CONFIG = { token: TOKEN, hosts: new Set(['127.0.0.1:8731']), cookie: cookieName(8731) };
const HOST = { host: '127.0.0.1:8731' };
const SIGNED = { ...HOST, cookie: `other=1; git-trace-8731=${TOKEN}` };

const rows: { name: string; request: GuardRequest; expect: string }[] = [
  { name: 'the cookie, among others', request: { method: 'GET', url: '/api/sessions', headers: SIGNED }, expect: 'pass' },
  { name: 'HEAD with the cookie', request: { method: 'HEAD', url: '/', headers: SIGNED }, expect: 'pass' },
  { name: 'the same origin', request: { method: 'GET', url: '/api/sessions', headers: { ...SIGNED, origin: 'http://127.0.0.1:8731' } }, expect: 'pass' },
  { name: 'a Host in capitals', request: { method: 'GET', url: '/', headers: { ...SIGNED, host: '127.0.0.1:8731'.toUpperCase() } }, expect: 'pass' },
  { name: 'the token in the URL', request: { method: 'GET', url: `/?token=${TOKEN}`, headers: HOST }, expect: 'sign-in /' },
  { name: 'the token on an answer', request: { method: 'GET', url: `/api/sessions?token=${TOKEN}`, headers: HOST }, expect: 'sign-in /' },
  { name: 'no token', request: { method: 'GET', url: '/', headers: HOST }, expect: 'refuse 401' },
  { name: 'a wrong token', request: { method: 'GET', url: `/?token=${TOKEN.slice(0, -1)}${TOKEN.endsWith('A') ? 'B' : 'A'}`, headers: HOST }, expect: 'refuse 401' },
  { name: 'a shorter token', request: { method: 'GET', url: `/?token=${TOKEN.slice(0, 10)}`, headers: HOST }, expect: 'refuse 401' },
  { name: 'an empty cookie', request: { method: 'GET', url: '/', headers: { ...HOST, cookie: 'git-trace-8731=' } }, expect: 'refuse 401' },
  { name: 'no Host', request: { method: 'GET', url: '/', headers: { cookie: SIGNED.cookie } }, expect: 'refuse 403' },
  { name: 'another Host', request: { method: 'GET', url: '/', headers: { ...SIGNED, host: 'attacker.example:8731' } }, expect: 'refuse 403' },
  { name: 'another Origin', request: { method: 'GET', url: '/', headers: { ...SIGNED, origin: 'https://attacker.example' } }, expect: 'refuse 403' },
  { name: 'https Origin of the same host', request: { method: 'GET', url: '/', headers: { ...SIGNED, origin: 'https://127.0.0.1:8731' } }, expect: 'refuse 403' },
  { name: 'POST with the cookie', request: { method: 'POST', url: '/api/sessions', headers: SIGNED }, expect: 'refuse 405' },
  { name: 'POST with the token', request: { method: 'POST', url: `/?token=${TOKEN}`, headers: HOST }, expect: 'refuse 405' },
];

test('the guard', async (t) => {
  for (const row of rows) {
    await t.test(`${row.name}: ${row.expect}`, () => {
      const verdict = checkRequest(row.request, CONFIG);
      const got = verdict.kind === 'pass' ? 'pass' : verdict.kind === 'sign-in' ? `sign-in ${verdict.location}` : `refuse ${verdict.status}`;
      assert.equal(got, row.expect);
      if (verdict.kind === 'sign-in') assert.equal(verdict.setCookie, `git-trace-8731=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    });
  }
});

test('each token is new: 32 random bytes, URL-safe', () => {
  const tokens = new Set(Array.from({ length: 50 }, () => newToken()));
  assert.equal(tokens.size, 50);
  for (const token of tokens) assert.match(token, /^[A-Za-z0-9_-]{43}$/);
});
