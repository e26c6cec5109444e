// Text to fill generated data with: the words of the real transcripts, drawn by their real
// frequencies (so common words are common and rare ones rare, as search and compression see
// them). Without the shared fixtures, a synthetic vocabulary with a Zipf distribution.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from './random.js';

export interface Vocabulary {
  /** Most frequent first. */
  readonly words: readonly string[];
  readonly counts: readonly number[];
  readonly source: 'fixtures' | 'synthetic';
  /** One word, drawn by frequency. */
  word(rng: Random): string;
  /** `n` words joined by spaces, with some punctuation. */
  sentence(rng: Random, n: number): string;
}

// English words, snake_case and camelCase identifiers: not base64 signatures or hashes.
const WORDLIKE = /^(?:[A-Za-z][a-z]+|[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+)$/;

export function fixtureVocabulary(root: string | null): Vocabulary {
  const counts = new Map<string, number>();
  for (const file of root === null ? [] : transcriptFiles(root)) {
    const text = readFileSync(file, 'utf8').replace(/\\[nt"]/g, ' ');
    for (const token of text.match(/[A-Za-z][A-Za-z_]{1,23}/g) ?? []) {
      if (WORDLIKE.test(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  if (counts.size < 1000) return syntheticVocabulary();
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return vocabulary(
    sorted.map(([w]) => w),
    sorted.map(([, n]) => n),
    'fixtures',
  );
}

function transcriptFiles(root: string): string[] {
  const out: string[] = [];
  for (const agent of ['claude-code', 'codex', 'gemini', 'pi']) {
    const dir = join(root, agent);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (/\.(jsonl|json)$/.test(name) && statSync(path).isFile()) out.push(path);
    }
  }
  return out.sort();
}

const SYLLABLES = ['ka', 'ro', 'ti', 'men', 'sol', 'ver', 'an', 'du', 'pli', 'cor', 'ex', 'ba', 'lin', 'qu', 'ze', 'fo', 'nar', 'is', 'gel', 'tra'];

function syntheticVocabulary(): Vocabulary {
  const words: string[] = [];
  for (let i = 0; words.length < 20_000; i++) {
    let w = '';
    for (let n = i; ; n = Math.floor(n / SYLLABLES.length) - 1) {
      w += SYLLABLES[n % SYLLABLES.length];
      if (n < SYLLABLES.length) break;
    }
    words.push(w);
  }
  return vocabulary(
    words,
    words.map((_, rank) => Math.max(1, Math.round(1_000_000 / (rank + 1)))),
    'synthetic',
  );
}

function vocabulary(words: readonly string[], counts: readonly number[], source: Vocabulary['source']): Vocabulary {
  const cumulative: number[] = [];
  let total = 0;
  for (const c of counts) cumulative.push((total += c));
  const word = (rng: Random): string => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return words[lo] ?? 'word';
  };
  const sentence = (rng: Random, n: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(word(rng));
    const first = parts[0] ?? '';
    parts[0] = first.charAt(0).toUpperCase() + first.slice(1);
    return `${parts.join(' ')}${rng.pick(['.', '.', '.', ':', '?'])}`;
  };
  return { words, counts, source, word, sentence };
}

/** Text of about `chars` characters: sentences, sometimes a list or a code span. */
export function prose(rng: Random, vocab: Vocabulary, chars: number): string {
  let out = '';
  while (out.length < chars) {
    const sentence = vocab.sentence(rng, rng.int(5, 18));
    if (rng.chance(0.1)) out += `\n- \`${vocab.word(rng)}\` ${sentence}`;
    else if (rng.chance(0.08)) out += `\n\n${sentence}`;
    else out += `${out === '' ? '' : ' '}${sentence}`;
  }
  return out;
}

/** A source file of `lines` lines built from the vocabulary's identifiers. */
export function sourceFile(rng: Random, vocab: Vocabulary, lines: number): string {
  const id = (): string => vocab.word(rng).replace(/[^A-Za-z_]/g, '') || 'value';
  const type = (): string => rng.pick(['string', 'number', 'boolean', 'Config', 'Result', 'readonly string[]', 'Promise<void>']);
  const out: string[] = [`// ${vocab.sentence(rng, rng.int(6, 14))}`, '', `import { ${id()} } from './${id()}.js';`, ''];
  let depth = 0;
  while (out.length < lines) {
    const pad = '  '.repeat(depth);
    const roll = rng.next();
    if (depth === 0) {
      out.push(roll < 0.7 ? `export function ${id()}(${id()}: ${type()}, ${id()}: ${type()}): ${type()} {` : `export interface ${id()}Options {`);
      depth = 1;
    } else if (roll < 0.15 && depth < 4) {
      out.push(`${pad}if (${id()}.${id()} === ${rng.int(0, 99)}) {`);
      depth++;
    } else if (roll < 0.3) {
      out.push(`${pad}}`);
      depth--;
      if (depth === 0) out.push('');
    } else if (roll < 0.4) {
      out.push(`${pad}// ${vocab.sentence(rng, rng.int(4, 12))}`);
    } else {
      out.push(`${pad}const ${id()} = ${id()}(${id()}, '${vocab.word(rng)}', ${rng.int(0, 999)});`);
    }
  }
  while (depth-- > 0) out.push(`${'  '.repeat(depth)}}`);
  return `${out.join('\n')}\n`;
}
