// The JSON walk under redactValue: which strings it visits and in what order, what it copies and
// what it returns as it was, and values it must not walk forever (a value that contains itself).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapJsonStrings, type StringMapper } from '../../lib/crypto/redact-walk.js';

const upper: StringMapper = (text) => text.toUpperCase();
const same: StringMapper = (text) => text;

describe('mapJsonStrings', () => {
  it('visits strings depth first in document order, with the key each sits under', () => {
    const seen: Array<readonly [string, string | undefined]> = [];
    mapJsonStrings({ a: 'one', b: ['two', { c: 'three' }, 'four'], d: 'five' }, (text, key) => {
      seen.push([text, key]);
      return text;
    });
    assert.deepEqual(seen, [['one', 'a'], ['two', undefined], ['three', 'c'], ['four', undefined], ['five', 'd']]);
  });

  const rows: ReadonlyArray<readonly [string, unknown, unknown]> = [
    ['a string at the top', 'abc', 'ABC'],
    ['numbers, booleans and null', { n: 1, t: true, z: null, s: 'x' }, { n: 1, t: true, z: null, s: 'X' }],
    ['empty containers', { a: [], b: {}, s: 'x' }, { a: [], b: {}, s: 'X' }],
    ['keys as they were', { 'key one': 'v' }, { 'key one': 'V' }],
    ['holes in an array', [, 'a', , 'b'], [, 'A', , 'B']],
  ];
  for (const [name, input, expected] of rows) {
    it(`maps ${name}`, () => assert.deepEqual(mapJsonStrings(input, upper), expected));
  }

  it('returns the same containers where no string changed, and copies the rest', () => {
    const kept = { b: ['x', 1] };
    const input = { kept, changed: { c: 'y', d: [2, 'z'] } };
    const output = mapJsonStrings(input, (text) => (text === 'z' ? 'Z' : text)) as typeof input;
    assert.equal(mapJsonStrings(input, same), input);
    assert.equal(output.kept, kept);
    assert.notEqual(output.changed, input.changed);
    assert.deepEqual(output, { kept: { b: ['x', 1] }, changed: { c: 'y', d: [2, 'Z'] } });
    assert.deepEqual(input.changed, { c: 'y', d: [2, 'z'] });
  });

  it('walks an object held twice as two values, not as a cycle', () => {
    const shared = { s: 'x' };
    assert.deepEqual(mapJsonStrings([shared, { inner: shared }], upper), [{ s: 'X' }, { inner: { s: 'X' } }]);
  });

  const cycles: ReadonlyArray<readonly [string, number, number]> = [
    ['itself', 0, 1],
    ['an ancestor 7 levels up, 3,000 levels down', 3000, 7],
    ['an ancestor 1,500 levels up, 100 levels down', 100, 1500],
  ];
  for (const [name, before, period] of cycles) {
    it(`throws TypeError on a value that contains ${name}`, () => {
      const loopStart: Record<string, unknown> = {};
      let last = loopStart;
      for (let i = 1; i < period; i++) {
        const next: Record<string, unknown> = { s: 'x' };
        last['a'] = next;
        last = next;
      }
      last['a'] = loopStart;
      let root: unknown = loopStart;
      for (let i = 0; i < before; i++) root = [root];
      assert.throws(() => mapJsonStrings(root, upper), TypeError);
    });
  }
});
