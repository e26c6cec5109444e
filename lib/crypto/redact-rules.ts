// The detectors. Each rule is a regex source (no capturing groups: the engine joins all rules
// into one alternation and tells them apart by their outer group) and a judge that decides,
// for one match, whether it is a secret and which part of it to replace.
//
// Rules for backtracking (the engine scans every string of every step, up to hundreds of MB):
// every token rule starts with a lookbehind on its own character class, so a run of token
// characters offers one start, not one per character; every other repetition is bounded or
// followed by something its class cannot contain. An open repetition is written `atLeast(…)`,
// never `{n,}` (see there: V8 would need stack in proportion to the run). A rule whose match
// may run on (a private key block) extends its hit by a plain character loop, not by regex.
// Judges see whole matches, which may be a token of hundreds of MB: they check the length first.

import {
  isCodeExpression,
  isHexId,
  isPlaceholder,
  isPrefixedId,
  isReference,
  looksKeyBody,
  looksRandom,
  secretNameStrength,
  shannonEntropy,
  wordShare,
} from './redact-judge.js';
import { isInSpans, privateKeyBlockEnd, publicArmorSpans, type Span } from './redact-pem.js';

/** Every kind of secret, as named in `[REDACTED:<kind>]` and in `trace.redactDisable`. */
export const REDACTION_KINDS = [
  'private-key',
  'anthropic',
  'openai',
  'google',
  'github',
  'gitlab',
  'slack',
  'stripe',
  'aws',
  'npm',
  'huggingface',
  'jwt',
  'url-credential',
  'auth-header',
  'secret-assignment',
  'high-entropy',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export function isRedactionKind(name: string): name is RedactionKind {
  return (REDACTION_KINDS as readonly string[]).includes(name);
}

/** Facts about the whole text, computed once per string and only when a judge asks. */
export interface TextScan {
  readonly publicArmor: () => readonly Span[];
}

/** One match of a rule inside the text being redacted. */
export interface RuleMatch {
  readonly text: string;
  readonly index: number;
  readonly match: string;
  readonly scan: TextScan;
}

/** A fresh scan state for one string. */
export function textScan(text: string): TextScan {
  let armor: readonly Span[] | undefined;
  return { publicArmor: () => (armor ??= publicArmorSpans(text)) };
}

/** The span to replace, in offsets of the whole text; `end` may lie past the match. */
export interface RuleHit {
  readonly kind: RedactionKind;
  readonly start: number;
  readonly end: number;
}

/** What a judge may ask the engine, both limited to the kinds the configuration enables. */
export interface JudgeContext {
  /** The provider kind whose rule matches all of `value` and judges it a secret. */
  readonly classify: (value: string) => RedactionKind | undefined;
  readonly isEnabled: (kind: RedactionKind) => boolean;
}

export interface RedactionRule {
  /** The kind that disables this rule; a judge may report another (an assignment of an `sk-` key is `openai`). */
  readonly kind: RedactionKind;
  readonly pattern: string;
  /** Whether whole values are classified by this rule (provider keys: yes; generic rules: no). */
  readonly classifies: boolean;
  /** The secret's span, or null to keep the match as it is. */
  readonly judge: (m: RuleMatch, ctx: JudgeContext) => RuleHit | null;
}

/**
 * `charClass{min,}`, spelled `charClass{min}charClass*`. V8 unrolls `{n,}` only for n up to 3;
 * above that it counts iterations and keeps one backtrack entry per character, so a run of a
 * few million characters overflows its stack ("Maximum call stack size exceeded"). A `*` loop
 * over one character class backtracks by moving its position back: no stack, however long.
 */
function atLeast(charClass: string, min: number): string {
  return `${charClass}{${min}}${charClass}*`;
}

const KEY_CHAR = '[A-Za-z0-9_-]';
const ALNUM = '[A-Za-z0-9]';

/** Case-insensitive spelling of a literal word, for rules that must stay case-sensitive elsewhere. */
function ci(word: string): string {
  return word.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

const wholeMatch = (kind: RedactionKind, m: RuleMatch): RuleHit => ({ kind, start: m.index, end: m.index + m.match.length });

/** A provider key: a fixed prefix (stripped by `prefix`) and a body that must look random. */
function keyRule(kind: RedactionKind, pattern: string, prefix: RegExp): RedactionRule {
  return {
    kind,
    pattern,
    classifies: true,
    judge: (m) => (m.match.length <= MAX_KEY_LENGTH && looksKeyBody(m.match.replace(prefix, '')) ? wholeMatch(kind, m) : null),
  };
}

/** Longest provider key we accept: longer runs are blobs that happen to start like a key. */
const MAX_KEY_LENGTH = 512;
/** Longest credential judged in a header or as a whole value (JWTs carry their claims). */
export const MAX_CREDENTIAL_LENGTH = 8192;

const NOT_AFTER_TOKEN = '(?<![A-Za-z0-9_-])';

// ---- private keys --------------------------------------------------------------------------

const PEM_HEADER = '-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----';

const pemRule: RedactionRule = {
  kind: 'private-key',
  pattern: PEM_HEADER,
  classifies: false,
  judge: (m) => ({ kind: 'private-key', start: m.index, end: privateKeyBlockEnd(m.text, m.index + m.match.length) }),
};

const BECH32_UPPER = '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]';
const ageRule = keyRule('private-key', `AGE-SECRET-KEY-1${BECH32_UPPER}{58}(?![A-Z0-9])`, /^AGE-SECRET-KEY-1/);

// ---- provider keys -------------------------------------------------------------------------

const providerRules: readonly RedactionRule[] = [
  keyRule('anthropic', `${NOT_AFTER_TOKEN}sk-ant-[a-z]{2,8}\\d{2}-${atLeast(KEY_CHAR, 20)}`, /^sk-ant-[a-z]+\d+-/),
  // `sk-proj-`, `sk-svcacct-`, `sk-admin-`, legacy `sk-` + 48, and OpenAI-compatible `sk-…` keys.
  keyRule('openai', `${NOT_AFTER_TOKEN}sk-(?:[a-z0-9]{2,10}-){0,2}${atLeast(KEY_CHAR, 20)}`, /^sk-(?:[a-z0-9]{2,10}-){0,2}/),
  keyRule('google', `${NOT_AFTER_TOKEN}(?:AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])|ya29\\.${atLeast(KEY_CHAR, 20)}|GOCSPX-${atLeast(KEY_CHAR, 20)})`, /^(?:AIza|ya29\.|GOCSPX-)/),
  keyRule('github', `${NOT_AFTER_TOKEN}(?:gh[pousr]_${atLeast(ALNUM, 36)}|github_pat_${atLeast('[A-Za-z0-9_]', 50)})`, /^(?:gh[pousr]_|github_pat_)/),
  keyRule('gitlab', `${NOT_AFTER_TOKEN}gl(?:pat|ptt|dt|rt|soat|ft|cbt|imt|oas)-${atLeast(KEY_CHAR, 20)}`, /^gl[a-z]+-/),
  keyRule('slack', `${NOT_AFTER_TOKEN}(?:xox[baprs]-${atLeast('[A-Za-z0-9-]', 10)}|xapp-\\d-${atLeast('[A-Za-z0-9-]', 10)})`, /^(?:xox[a-z]-|xapp-\d-)/),
  {
    kind: 'slack',
    pattern: `hooks\\.slack\\.com/services/T${atLeast('[A-Z0-9]', 6)}/B${atLeast('[A-Z0-9]', 6)}/${atLeast(ALNUM, 16)}`,
    classifies: false,
    judge: (m) => {
      const start = m.match.indexOf('/services/') + '/services/'.length;
      return isPlaceholder(m.match.slice(start)) ? null : { kind: 'slack', start: m.index + start, end: m.index + m.match.length };
    },
  },
  keyRule('stripe', `${NOT_AFTER_TOKEN}(?:sk|rk)_live_${atLeast(ALNUM, 20)}`, /^[a-z]{2}_live_/),
  {
    kind: 'aws',
    pattern: '(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    classifies: true,
    judge: (m) => (isPlaceholder(m.match) || shannonEntropy(m.match.slice(4)) < 2.5 ? null : wholeMatch('aws', m)),
  },
  keyRule('npm', `${NOT_AFTER_TOKEN}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, /^npm_/),
  keyRule('huggingface', `${NOT_AFTER_TOKEN}hf_${atLeast(ALNUM, 30)}`, /^hf_/),
  {
    kind: 'jwt',
    pattern: `${NOT_AFTER_TOKEN}eyJ${atLeast(KEY_CHAR, 8)}\\.eyJ${atLeast(KEY_CHAR, 8)}\\.${atLeast(KEY_CHAR, 16)}`,
    classifies: true,
    judge: (m) =>
      m.match.length <= MAX_CREDENTIAL_LENGTH && isJwtHeader(m.match.slice(0, m.match.indexOf('.'))) ? wholeMatch('jwt', m) : null,
  },
];

function isJwtHeader(segment: string): boolean {
  const decoded = Buffer.from(segment, 'base64url').toString('utf8');
  return decoded.startsWith('{') && /"(?:alg|typ|enc)"\s*:/.test(decoded);
}

// ---- secrets by context --------------------------------------------------------------------

const urlCredentialRule: RedactionRule = {
  kind: 'url-credential',
  pattern: `(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,19}://[^\\s/?#@:"'<>\\[\\]\\\\]{0,256}:[^\\s/?#@"'<>\\[\\]\\\\]{1,256}@`,
  classifies: false,
  judge: (m, ctx) => {
    const userStart = m.match.indexOf('://') + 3;
    const colon = m.match.indexOf(':', userStart);
    const user = m.match.slice(userStart, colon);
    const password = m.match.slice(colon + 1, -1);
    if (password === user || isPlaceholder(password) || isReference(password)) return null;
    const kind = ctx.classify(password) ?? 'url-credential';
    return { kind, start: m.index + colon + 1, end: m.index + m.match.length - 1 };
  },
};

const authHeaderRule: RedactionRule = {
  kind: 'auth-header',
  pattern: `${NOT_AFTER_TOKEN}(?:[Bb]earer|[Bb]asic|BEARER|BASIC)[ \\t]{1,8}${atLeast('[A-Za-z0-9._~+/=-]', 8)}`,
  classifies: false,
  judge: (m, ctx) => {
    const scheme = /^\S+/.exec(m.match)?.[0] ?? '';
    const credential = m.match.slice(m.match.search(/[ \t]+\S/) + 1).trimStart();
    const start = m.index + m.match.length - credential.length;
    if (credential.length > MAX_CREDENTIAL_LENGTH) return null;
    const known = ctx.classify(credential);
    if (known !== undefined) return { kind: known, start, end: m.index + m.match.length };
    if (isPlaceholder(credential) || !looksKeyBody(credential) || credential.length < 12) return null;
    if (scheme.toLowerCase() === 'basic' && !Buffer.from(credential, 'base64').toString('latin1').includes(':')) return null;
    return { kind: 'auth-header', start, end: m.index + m.match.length };
  },
};

// The name must hold a secret word; `{0,40}` on both sides bounds the search within a name.
const SECRET_WORD = ['pass', 'pwd', 'secret', 'token', 'key', 'auth', 'credential', 'creds'].map(ci).join('|');
// Quotes may come escaped (`{\\"password\\": \\"…\\"}`): JSON printed inside a JSON string.
const QUOTE = `(?:\\\\?["'])`;
const ASSIGNMENT_NAME = `${QUOTE}?[A-Za-z0-9_.-]{0,40}?(?:${SECRET_WORD})[A-Za-z0-9_.-]{0,40}${QUOTE}?`;
const ASSIGNMENT_SEPARATOR = `[ \\t]{0,16}(?::=|=>|=(?![=~>])|:(?![:/]))[ \\t]{0,16}`;
const ASSIGNMENT_VALUE = "(?:\\\\\"[^\"\\\\\r\n]{1,256}\\\\\"|\"[^\"\\r\\n]{1,256}\"|'[^'\\r\\n]{1,256}'|`[^`\\r\\n]{1,256}`|[^\\s\"'`,;&|<>(){}\\[\\]]{1,256}(?![^\\s\"'`,;&|<>(){}\\[\\]]))";
const ASSIGNMENT_PARTS = /^(?:\\?["'])?([A-Za-z0-9_.-]+)(?:\\?["'])?([ \t]*)(:=|=>|=|:)([ \t]*)(.*)$/s;
const AWS_SECRET_NAME = /^(?:aws)?_?secret_?(?:access_?)?key$/i;

/** Minimum length of a literal value under a name that says secret (`password: hunter2`). */
const MIN_SECRET_LENGTH = 6;

const assignmentRule: RedactionRule = {
  kind: 'secret-assignment',
  pattern: `(?<![A-Za-z0-9_.-])${ASSIGNMENT_NAME}${ASSIGNMENT_SEPARATOR}${ASSIGNMENT_VALUE}`,
  classifies: false,
  judge: (m, ctx) => {
    const parts = ASSIGNMENT_PARTS.exec(m.match);
    if (parts === null) return null;
    const [, name = '', before = '', separator = '', after = '', raw = ''] = parts;
    const quote = /^\\?["'`]/.exec(raw)?.[0].length ?? 0;
    const quoted = quote > 0;
    const value = raw.slice(quote, raw.length - quote);
    const start = m.index + m.match.length - raw.length + quote;
    const hit = (kind: RedactionKind): RuleHit => ({ kind, start, end: start + value.length });
    // A name that says nothing: decline, and the scan goes on into the value, where a provider
    // rule still finds a key by its own shape.
    const strength = secretNameStrength(name);
    if (strength === 'none') return null;
    const known = ctx.classify(value);
    if (known !== undefined) return hit(known);
    if (isPlaceholder(value) || isReference(value) || /\s/.test(value)) return null;
    if (strength === 'weak') return looksRandom(value, 16) ? hit('secret-assignment') : null;
    if (value.length < MIN_SECRET_LENGTH) return null;
    // `NAME=value` with no spaces and an upper-case name is an env file or shell line: literal.
    const envStyle = separator === '=' && before === '' && after === '' && /^[A-Z][A-Z0-9_]*$/.test(name);
    if (!quoted && !envStyle && isCodeExpression(value)) return null;
    if (ctx.isEnabled('aws') && AWS_SECRET_NAME.test(name.replace(/-/g, '_')) && /^[A-Za-z0-9/+]{40}$/.test(value)) return hit('aws');
    return hit('secret-assignment');
  },
};

/** Longest generic token we judge; longer runs are blobs (images, signatures, ciphertext). */
const MAX_ENTROPY_TOKEN = 1024;
/** base64 of `-----BEGIN`: a private key stored base64-encoded (kubeconfig `client-key-data`). */
const BASE64_PEM = 'LS0tLS1CRUdJTi';

const highEntropyRule: RedactionRule = {
  kind: 'high-entropy',
  pattern: `(?<![A-Za-z0-9+/_-])${atLeast('[A-Za-z0-9+/_-]', 32)}={0,2}(?![A-Za-z0-9+/=_-])`,
  classifies: false,
  judge: (m, ctx) => {
    const token = m.match;
    if (token.startsWith(BASE64_PEM) && ctx.isEnabled('private-key')) {
      return base64Includes(token, 'PRIVATE KEY') ? wholeMatch('private-key', m) : null;
    }
    if (token.length > MAX_ENTROPY_TOKEN || isPrefixedId(token) || isPublicMaterial(m)) return null;
    if (!token.includes('/')) return looksRandom(token, 32) ? wholeMatch('high-entropy', m) : null;
    return judgeSlashed(m);
  },
};

/** Characters decoded at a time: a multiple of 4, so each piece decodes to its own whole bytes. */
const BASE64_PIECE = 65_536;

/**
 * Whether the base64 `token` decodes to bytes holding `needle` (ASCII). Decoded piece by piece,
 * keeping the tail that may begin a match across pieces: a token of 100 MB needs 48 KB of bytes
 * at a time, not 75 MB (and as many again for a decoded string).
 */
function base64Includes(token: string, needle: string): boolean {
  let carry = Buffer.alloc(0);
  for (let i = 0; i < token.length; i += BASE64_PIECE) {
    const bytes = Buffer.concat([carry, Buffer.from(token.slice(i, i + BASE64_PIECE), 'base64')]);
    if (bytes.includes(needle, 0, 'latin1')) return true;
    carry = bytes.subarray(Math.max(0, bytes.length - needle.length + 1));
  }
  return false;
}

/**
 * Readable on purpose: a data URI's payload, an integrity digest (`sha512-…`, go.sum `h1:…`),
 * an SSH public key blob (`AAAA…`), a line of a certificate or public key block.
 */
function isPublicMaterial(m: RuleMatch): boolean {
  if (m.text.endsWith('base64,', m.index) || m.text.endsWith('h1:', m.index)) return true;
  if (/^sha(?:1|224|256|384|512)-/i.test(m.match) || m.match.startsWith('AAAA')) return true;
  return isInSpans(m.scan.publicArmor(), m.index);
}

const isWordSegment = (s: string): boolean => /^[A-Za-z_-]+$/.test(s) && (s.length < 4 || wordShare(s) >= 0.6);

/**
 * A token with slashes is a path when two or more of its segments are words (`/var/folders/…`,
 * `src/components/…`): then only a segment that is itself a long random token is redacted.
 * Otherwise it is base64 (`/` is one of its letters) and judged on its non-word segments.
 */
function judgeSlashed(m: RuleMatch): RuleHit | null {
  const segments = m.match.split('/');
  if (segments.filter((s) => s !== '' && isWordSegment(s)).length >= 2) {
    let offset = 0;
    for (const segment of segments) {
      if (segment.length >= 32 && !isHexId(segment) && looksRandom(segment, 32)) {
        return { kind: 'high-entropy', start: m.index + offset, end: m.index + offset + segment.length };
      }
      offset += segment.length + 1;
    }
    return null;
  }
  const random = segments.filter((s) => s !== '' && !isWordSegment(s) && !isHexId(s)).join('');
  return looksRandom(random, 24) ? wholeMatch('high-entropy', m) : null;
}

/** All rules, in priority order for matches that start at the same place. */
export const RULES: readonly RedactionRule[] = [
  pemRule,
  ageRule,
  ...providerRules,
  urlCredentialRule,
  authHeaderRule,
  assignmentRule,
  highEntropyRule,
];

