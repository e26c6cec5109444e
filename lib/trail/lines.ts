// Lines as content evidence. Attribution matches content, not commit ids, so every line is
// reduced to keys that survive what history does to it:
//
// - exact key: the line trimmed, inner whitespace runs collapsed (reindentation survives);
// - loose key: its tokens without whitespace, with quotes unified and the punctuation that
//   formatters add or drop left out (`;` `,` `(` `)` `{` `}`), so a quote-style change, a
//   semicolon or a trailing comma still matches;
// - token sketch: 16-bit hashes of the loose tokens, to tell an edited line from a new one.
//
// Keys are hashed with a salt kept beside the cache, so the cache holds no plaintext.
// A line too common to prove anything (blank, a lone brace, an import, `return;`) never anchors
// on its own: it only rides along with distinctive neighbours (see anchor.ts).

export interface LineKeys {
  /** Hash of the exact key. */
  readonly h: string;
  /** Hash of the loose key. */
  readonly l: string;
  /** Token sketch: four hex digits per token. */
  readonly t: string;
  /** Too common to prove anything by itself (see isCommonLine). */
  readonly common: boolean;
}

const TOKEN = /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?|[A-Za-z_$][\w$]*|\d[\w.]*|\S/g;
const FORMATTER_PUNCTUATION = new Set([';', ',', '(', ')', '{', '}']);

export function exactKey(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/** The line's tokens, strings with their quotes unified, formatter punctuation left out. */
export function looseTokens(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(TOKEN)) {
    const token = match[0];
    if (FORMATTER_PUNCTUATION.has(token)) continue;
    const first = token[0];
    if (first === '"' || first === "'" || first === '`') {
      const body = token.length > 1 && token.endsWith(first) ? token.slice(1, -1) : token.slice(1);
      out.push(`"${first === '"' ? body : body.replace(/\\(['`])/g, '$1')}"`);
    } else out.push(token);
  }
  return out;
}

const WORD = /^(?:[A-Za-z_$]|\d|")/;
const COMMON_STATEMENT = /^(?:import\b|from\s+\S+\s+import\b|#\s*include\b|using\s|use\s|package\s|require\b|export\s+\*\s+from\b|(?:const|let|var)\s+\w+\s*=\s*require\()/;

/**
 * A line that proves nothing by itself: blank, punctuation only, an import-like statement, or
 * at most two word tokens in a short line (`return;`, `} else {`, `end`, `return x;`).
 */
export function isCommonLine(line: string): boolean {
  const key = exactKey(line);
  if (key === '') return true;
  if (COMMON_STATEMENT.test(key)) return true;
  const words = looseTokens(key).filter((t) => WORD.test(t));
  if (words.length === 0) return true;
  return words.length <= 2 && key.length < 20;
}

/** A salted hasher: the same salt gives the same keys, in this process and in the cache. */
export class LineHasher {
  constructor(private readonly salt: string) {}

  keys(line: string): LineKeys {
    const tokens = looseTokens(line);
    return {
      h: this.hash(exactKey(line)),
      l: this.hash(tokens.join('\u001f')),
      t: tokens.map((token) => (hash53(`${this.salt}\u0000${token}`) & 0xffff).toString(16).padStart(4, '0')).join(''),
      common: isCommonLine(line),
    };
  }

  hash(text: string): string {
    return hash53(`${this.salt}\u0001${text}`).toString(36);
  }
}

/** Split a token sketch into its tokens. */
export function sketchTokens(t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= t.length; i += 4) out.push(t.slice(i, i + 4));
  return out;
}

/** Jaccard similarity of two token sketches, as multisets. */
export function similarity(a: string, b: string): number {
  const left = sketchTokens(a);
  const right = sketchTokens(b);
  if (left.length === 0 || right.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of left) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of right) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  return common / (left.length + right.length - common);
}

// cyrb53: a fast 53-bit string hash; the salt, not this function, keeps the keys opaque.
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
