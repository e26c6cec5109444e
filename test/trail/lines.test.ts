// The line rules content matching rests on: which lines are too common to prove anything, and
// which changes the keys see through.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCommonLine, LineHasher, similarity } from '../../lib/trail/lines.js';

const COMMON: readonly [string, boolean][] = [
  ['', true],
  ['   ', true],
  ['}', true],
  ['});', true],
  ['} else {', true],
  ['return;', true],
  ['return x;', true],
  ['end', true],
  ["import { readFileSync } from 'node:fs';", true],
  ['from os import path', true],
  ['#include <stdio.h>', true],
  ['use std::io;', true],
  ["const fs = require('fs');", true],
  ['// TODO', true],
  ['return a - b;', false],
  ['const total = items.length;', false],
  ['export function subtract(a: number, b: number): number {', false],
  ["throw new Error('no such session');", false],
];

for (const [line, common] of COMMON) {
  test(`${JSON.stringify(line)} is ${common ? '' : 'not '}common`, () => assert.equal(isCommonLine(line), common));
}

const hasher = new LineHasher('salt');

test('reindenting keeps the exact key; quote and semicolon changes keep the loose key only', () => {
  const base = hasher.keys('  const prefix = "Hello, ";');
  assert.equal(hasher.keys('\t\tconst prefix = "Hello, ";').h, base.h);
  const requoted = hasher.keys("    const prefix = 'Hello, '");
  assert.notEqual(requoted.h, base.h);
  assert.equal(requoted.l, base.l);
  assert.notEqual(hasher.keys('  const prefix = "Hello";').l, base.l);
});

test('an operator change is a different line, not a reformatting', () => {
  assert.notEqual(hasher.keys('return a + b;').l, hasher.keys('return a - b;').l);
});

test('keys are salted hashes: another salt, other keys; no plaintext in them', () => {
  const line = 'export const secretName = computeIt();';
  const a = hasher.keys(line);
  const b = new LineHasher('other').keys(line);
  assert.notEqual(a.h, b.h);
  assert.notEqual(a.t, b.t);
  for (const value of [a.h, a.l, a.t]) assert.doesNotMatch(value, /secret|compute|export/);
});

test('similarity counts shared tokens: an edit keeps most, a replacement few', () => {
  const agent = hasher.keys('return a * b;').t;
  assert.ok(similarity(agent, hasher.keys('return a * b * 1;').t) >= 0.5);
  assert.ok(similarity(agent, hasher.keys('export const TAU = 2 * Math.PI;').t) < 0.5);
  assert.equal(similarity(agent, agent), 1);
});
