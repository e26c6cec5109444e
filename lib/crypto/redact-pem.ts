// PEM-style armored blocks (`-----BEGIN X-----` … `-----END X-----`). A private key block is
// redacted whole; the base64 lines of a public one (certificate, public key) are left alone,
// though each line alone would look like a random token.
//
// Scanning is by plain character loops that stop at the next `-----`, so many headers without
// bodies, or a body without a footer, cost one pass, not one pass per header.

/** Longest armored body we look through for the footer (PGP private key blocks run to a few KB). */
const MAX_BODY = 65_536;

const PRIVATE_FOOTER = /-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const ANY_HEADER = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;
const ANY_FOOTER = /-----END [A-Z0-9 ]{1,40}-----/y;

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** Base64, whitespace, escaped newlines and the `Proc-Type: 4,ENCRYPTED` header lines. */
function isBodyChar(c: number): boolean {
  return isBase64Char(c) || c === 32 || c === 9 || c === 10 || c === 13 || c === 92 || c === 58 || c === 44 || c === 46 || c === 45;
}

/** Where an armored body that starts at `from` stops: at the next `-----` or at a foreign character. */
function bodyEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_BODY);
  let i = from;
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 45 /* - */ && text.startsWith('-----', i)) break;
    if (!isBodyChar(c)) break;
  }
  return i;
}

/**
 * The end of a private key block whose header ends at `from`: past the footer when there is one
 * before the next `-----`, otherwise past the base64 lines that follow (a key cut short by
 * `head` still leaks).
 */
export function privateKeyBlockEnd(text: string, from: number): number {
  PRIVATE_FOOTER.lastIndex = bodyEnd(text, from);
  if (PRIVATE_FOOTER.exec(text) !== null) return PRIVATE_FOOTER.lastIndex;
  return base64LinesEnd(text, from, Math.min(text.length, from + MAX_BODY));
}

/**
 * The end of the pure-base64 lines that follow `from` (real or escaped `\n` line breaks): the
 * first line holding anything else is kept, it is what the tool printed after the key.
 */
function base64LinesEnd(text: string, from: number, limit: number): number {
  let end = from;
  let lineStart = from;
  let j = from;
  while (j < limit) {
    const c = text.charCodeAt(j);
    const escapedBreak = c === 92 /* \ */ && (text[j + 1] === 'n' || text[j + 1] === 'r');
    const breakLength = c === 10 || c === 13 ? 1 : escapedBreak ? 2 : 0;
    if (breakLength > 0) {
      if (j > lineStart) end = j;
      j += breakLength;
      lineStart = j;
    } else if (isBase64Char(c)) {
      j++;
    } else {
      return end;
    }
  }
  return j > lineStart ? j : end;
}

export type Span = readonly [start: number, end: number];

/**
 * Spans of the armored blocks that hold no private key: certificates, public keys, signatures.
 * In text order and disjoint (a body holds no `-----`, so the next header starts past the footer).
 */
export function publicArmorSpans(text: string): readonly Span[] {
  if (!text.includes('-----BEGIN ')) return [];
  const spans: Span[] = [];
  ANY_HEADER.lastIndex = 0;
  for (let m = ANY_HEADER.exec(text); m !== null; m = ANY_HEADER.exec(text)) {
    if (m[1]?.includes('PRIVATE') === true) continue;
    const from = m.index + m[0].length;
    ANY_FOOTER.lastIndex = bodyEnd(text, from);
    if (ANY_FOOTER.exec(text) !== null) spans.push([from, ANY_FOOTER.lastIndex]);
    ANY_HEADER.lastIndex = Math.max(ANY_HEADER.lastIndex, from);
  }
  return spans;
}

/**
 * Whether `index` lies in one of `spans`, which are in order and disjoint (as `publicArmorSpans`
 * returns them). A binary search: a text with many blocks and many tokens stays linear.
 */
export function isInSpans(spans: readonly Span[], index: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((spans[mid]?.[0] ?? 0) <= index) lo = mid + 1;
    else hi = mid;
  }
  const span = spans[lo - 1];
  return span !== undefined && index < span[1];
}
