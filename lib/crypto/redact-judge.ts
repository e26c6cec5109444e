// Judgements the redaction rules share: is this value a placeholder, a reference to a secret
// kept elsewhere, a name that says "secret", a token random enough to be a key?
// They decide on text a rule has already matched, so they may take their time: they run only
// on hits, never on every character of a string. Still linear in the value and with no open
// `{n,}` repetition (see `atLeast` in redact-rules.ts): a hit may be a run of many megabytes.

/** Shannon entropy of the string's characters, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const seen = new Map<string, number>();
  for (const ch of text) seen.set(ch, (seen.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of seen.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

// Whole values that stand for a secret without being one (docs, examples, config templates).
const PLACEHOLDER_VALUES = new Set([
  'changeme', 'change_me', 'change-me', 'changeit', 'password', 'passwd', 'pass', 'secret', 'token',
  'apikey', 'api_key', 'api-key', 'key', 'example', 'sample', 'dummy', 'fake', 'test', 'testing',
  'placeholder', 'redacted', 'hidden', 'masked', 'none', 'null', 'nil', 'undefined', 'todo', 'tbd',
  'foo', 'bar', 'foobar', 'baz', 'value', 'string', 'str', 'number', 'int', 'bool', 'boolean',
  'true', 'false', 'object', 'any', 'bytes', 'required', 'optional', 'empty', 'default', 'unset',
  'notset', 'secretvalue', 'mysecret', 'mypassword', 'mytoken', 'yourpassword', 'yourtoken',
  'username', 'user', 'admin', 'root', 'guest', 'postgres', 'mysql', 'sk', 'xxx',
]);

// Lower-casing never shortens a string: a longer value is none of them.
const LONGEST_PLACEHOLDER_VALUE = [...PLACEHOLDER_VALUES].reduce((longest, value) => Math.max(longest, value.length), 0);

// Words that, standing alone between separators, mark a template ("sk-your-key-here").
const PLACEHOLDER_WORDS = new Set([
  'your', 'my', 'example', 'sample', 'placeholder', 'dummy', 'fake', 'replace', 'insert', 'here',
  'changeme', 'redacted', 'enter', 'xxx', 'xxxx', 'todo', 'secret', 'password', 'token', 'key',
  'api', 'value', 'goes', 'actual',
]);

/**
 * A value that only stands for a secret: `sk-...`, `YOUR_API_KEY`, `<token>`, `xxxx`,
 * `changeme`, an AWS documentation key ending in `EXAMPLE`, a run of one repeated character.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  // `<[^<>]*>` finds the same `<…>` as `<[^>]*>` without rescanning from every `<`.
  if (/\.\.\.|…|\*\*\*|x{4}|X{4}|•••|<[^<>]*>|\{\{|\}\}|EXAMPLE|example|REPLACE|PLACEHOLDER|REDACTED|^\[[^\]]*\]$/.test(v)) return true;
  if (v.length <= LONGEST_PLACEHOLDER_VALUE && PLACEHOLDER_VALUES.has(v.toLowerCase())) return true;
  const words = v.split(/[-_.\s/:]+/).filter((w) => w !== '');
  // Two or more words, all plain letters, one of them a template word: "your-api-key-here".
  const isTemplate =
    words.length >= 2 && words.every((w) => /^[A-Za-z]+$/.test(w)) && words.some((w) => PLACEHOLDER_WORDS.has(w.toLowerCase()));
  if (isTemplate) return true;
  if (v.length >= 6 && new Set(v).size <= 2) return true;
  return isAscendingRun(v);
}

/** "1234567890", "abcdefgh...": sequences people type as fake keys. */
function isAscendingRun(value: string): boolean {
  if (value.length < 8) return false;
  let steps = 0;
  for (let i = 1; i < value.length; i++) if (value.charCodeAt(i) - value.charCodeAt(i - 1) === 1) steps++;
  return steps / (value.length - 1) > 0.6;
}

/**
 * A value that names where the secret lives instead of holding it: `${API_KEY}`, `$TOKEN`,
 * `%TOKEN%`, `process.env.X`, `os.environ["X"]`, `env.X`, a path, a marker we wrote before.
 */
export function isReference(value: string): boolean {
  const v = value.trim();
  if (v.startsWith('[REDACTED:')) return true;
  if (/^\$|^%[A-Za-z_]\w*%$|^\{\{|^<|^`?\$\(/.test(v)) return true;
  if (/^(?:process\.env|os\.environ|os\.getenv|env\.|import\.meta\.env|System\.getenv|ENV\[|secrets\.|vars\.|self\.|this\.|config\.|settings\.|options\.|opts\.|args\.)/.test(v)) return true;
  return /^(?:\/|~\/|\.\.?\/|[A-Za-z]:\\)/.test(v);
}

/**
 * Code rather than a literal: an identifier or a dotted chain (`config.apiKey`, `getToken`),
 * possibly called. Only trusted for unquoted values outside env-file style lines.
 */
export function isCodeExpression(value: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(|\)|;)?$/.test(value) && !/\d/.test(value);
}

export type NameStrength = 'strong' | 'weak' | 'none';

// A name ending in one of these describes the secret (where it is, how long it is), it is not it.
const DESCRIPTOR_SUFFIX =
  /(?:path|file|files|dir|name|names|id|ids|type|types|url|uri|env|var|length|len|size|count|header|field|prefix|suffix|expiry|expires|expiration|ttl|format|kind|mode|source|location|hint|label|limit|usage|budget|regex|pattern|style|policy|provider|method|scheme|endpoint|host|port|enabled|required|set|exists|present|timeout|version|index|mask|input|prompt|cmd|command|helper|store|manager|placeholder|message|error|status|rotation)$/;
const STRONG = /passw(?:or)?d|pwd|passphrase|secret|credential|creds|apikey|accesskey|privatekey|accesstoken|refreshtoken|authtoken|sessiontoken|idtoken|bearer|clientsecret|signingkey|encryptionkey|masterkey/;
const WEAK = /token|key|auth|pass/;
const NOT_SECRET = /author(?!iz)|keyboard|keyword|monkey|hotkey|turkey|publickey|pubkey|keycode|keydown|keyup|keypress|keymap|keybind|keyof|keys$|tokens$|tokenizer|tokenize|passenger|compass|bypass|passthrough|passive|password(?:less|reset|policy)|oauthurl|keyframe|keyspace/;

/**
 * How strongly an assignment's name says its value is a secret. `strong`: any non-trivial
 * value is one (`password`, `client_secret`, `OPENAI_API_KEY`). `weak`: only a random-looking
 * value is one (`token`, `key`, `auth`). `none`: the value is not a secret by its name.
 */
export function secretNameStrength(name: string): NameStrength {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (flat === '' || DESCRIPTOR_SUFFIX.test(flat)) return 'none';
  if (STRONG.test(flat)) return 'strong';
  if (NOT_SECRET.test(flat)) return 'none';
  return WEAK.test(flat) ? 'weak' : 'none';
}

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

/** Only hex digits, after an optional short lowercase type prefix (`rs_68ab…`, `sha256:…`). */
export function isHexId(token: string): boolean {
  return /^(?:[a-z][a-z0-9]{0,11}[_:-])?[0-9a-f]+$|^(?:[a-z][a-z0-9]{0,11}[_:-])?[0-9A-F]+$/.test(token);
}

// Type prefixes of ids that model APIs and agents print (`toolu_01…`, `agent_msg_01…`, `fc_…`).
const ID_PREFIX_WORDS = new Set([
  'msg', 'toolu', 'srvtoolu', 'vrtx', 'req', 'call', 'fc', 'rs', 'resp', 'run', 'file', 'batch',
  'thread', 'asst', 'chatcmpl', 'agent', 'item', 'evt', 'sess', 'ses', 'compact', 'ws', 'step',
]);

/** An id with a known type prefix: `toolu_vrtx_01AbC…`, `agent_msg_01…`. Not a secret. */
export function isPrefixedId(token: string): boolean {
  const parts = token.split('_');
  if (parts.length < 2) return false;
  return parts.slice(0, -1).every((p) => ID_PREFIX_WORDS.has(p)) && /^[A-Za-z0-9]{8,64}$/.test(parts[parts.length - 1] ?? '');
}

/**
 * Share of the token made of pronounceable word pieces (`Lifecycle`, `Session`, `src`):
 * identifiers and test names are mostly words, random keys almost never (their letter runs
 * have few vowels).
 */
export function wordShare(token: string): number {
  let covered = 0;
  for (const piece of token.match(/[A-Z]?[a-z]{3,}/g) ?? []) {
    const vowels = piece.match(/[aeiouy]/gi)?.length ?? 0;
    if (vowels / piece.length >= 0.25) covered += piece.length;
  }
  return covered / token.length;
}

/**
 * A token random enough to be a generated credential: long, high entropy, upper case mixed with
 * lower case or digits, not mostly words, not a UUID, not hex (commit ids and digests stay
 * readable). Tuned on random keys (over 99% of 32+ character base62/base64 keys pass) and on
 * the ids, paths and names in real transcripts (none pass).
 */
export function looksRandom(token: string, minLength: number): boolean {
  const body = token.replace(/=+$/, '');
  if (body.length < minLength) return false;
  const hasDigit = /\d/.test(body);
  const hasLower = /[a-z]/.test(body);
  const hasUpper = /[A-Z]/.test(body);
  // All lower case with digits is usually a slug or an id; all upper case must be base32.
  if (!hasUpper || (!hasLower && !/^[A-Z2-7]+$/.test(body))) return false;
  if (shannonEntropy(body) < Math.min(4.0, Math.log2(body.length) - 0.7)) return false;
  if (UUID.test(body) || isHexId(body) || isPlaceholder(body)) return false;
  const words = wordShare(body);
  // Without digits only a long, wordless token counts (no test names, no CamelCase phrases).
  if (!hasDigit) return body.length >= 32 && hasLower && words < 0.3;
  return words < 0.5;
}

/** A value random enough for a provider-prefixed key's body: the prefix already says "key". */
export function looksKeyBody(body: string): boolean {
  if (isPlaceholder(body)) return false;
  if (!/\d/.test(body) && !(/[a-z]/.test(body) && /[A-Z]/.test(body))) return false;
  return shannonEntropy(body) >= 3.0;
}
