// Scrubbing what says whose machine an output came from (a capsule, a pull request body): the repository's absolute path becomes
// `<repo>`, the home folder (and any /home/NAME, /Users/NAME) becomes `~`, and the user's login,
// git user.name and user.email become `[user]`. Counted per kind, never kept.
//
// What it does not catch: a name spelt differently (initials, a nickname), other people's names,
// and a login too generic to replace safely (root, runner, dev…: replacing those words would
// garble code). Scrubbing a diff's context lines can stop that patch from applying on replay.

import { userInfo } from 'node:os';
import { git } from '../../refs/git.js';
import type { GitRepo } from '../../refs/repo.js';
import { isRecord } from '../model/json.js';
import { readSettings } from '../settings.js';

export type ScrubKind = 'repo-path' | 'home-path' | 'user-name';

interface Rule {
  readonly pattern: RegExp;
  readonly replacement: string;
  readonly kind: ScrubKind;
}

export interface Scrubber {
  readonly rules: readonly Rule[];
}

export interface ScrubSources {
  /** The repository's top folder (and the session's cwd, when elsewhere). */
  readonly roots: readonly string[];
  readonly home: string | null;
  /** Login, git user.name, git user.email. */
  readonly userNames: readonly string[];
}

// Logins that are also ordinary words or shared machine accounts.
const GENERIC_NAMES = new Set(['root', 'user', 'users', 'admin', 'runner', 'ubuntu', 'node', 'dev', 'test', 'git', 'www', 'ec2-user', 'vagrant', 'codespace', 'builder', 'ci', 'app', 'home', 'guest', 'debian', 'pi']);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function makeScrubber(sources: ScrubSources): Scrubber {
  const rules: Rule[] = [];
  const roots = [...new Set(sources.roots.filter((r) => r.length > 1))].sort((a, b) => b.length - a.length);
  for (const root of roots) rules.push({ pattern: new RegExp(`${escape(root.replace(/\/+$/, ''))}(?![\\w.-])`, 'g'), replacement: '<repo>', kind: 'repo-path' });
  if (sources.home !== null && sources.home.length > 1) rules.push({ pattern: new RegExp(`${escape(sources.home.replace(/\/+$/, ''))}(?![\\w.-])`, 'g'), replacement: '~', kind: 'home-path' });
  rules.push({ pattern: /(?<![\w.-])\/(?:home|Users)\/[^/\s'"`:]+(?![^/\s'"`:])/g, replacement: '~', kind: 'home-path' });
  rules.push({ pattern: /\b[A-Za-z]:\\Users\\[^\\\s'"`]+/g, replacement: '~', kind: 'home-path' });
  const names = [...new Set(sources.userNames.map((n) => n.trim()).filter((n) => n.length >= 3 && !GENERIC_NAMES.has(n.toLowerCase())))].sort((a, b) => b.length - a.length);
  for (const name of names) rules.push({ pattern: new RegExp(`(?<![\\w.@-])${escape(name)}(?![\\w-])`, 'g'), replacement: '[user]', kind: 'user-name' });
  return { rules };
}

export type ScrubCounts = Partial<Record<ScrubKind, number>>;

export function scrubText(text: string, scrubber: Scrubber, counts: Record<string, number>): string {
  let out = text;
  for (const rule of scrubber.rules) {
    out = out.replace(rule.pattern, () => {
      counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
      return rule.replacement;
    });
  }
  return out;
}

// Ids, times and model names are the record's skeleton, not what someone wrote.
const KEPT_KEYS = new Set(['id', 'sourceId', 'callId', 'usageKey', 'timestamp', 'model', 'v', 'kind', 'origin', 'op', 'status', 'agentId', 'parentCallId']);

/** Scrub every string in a JSON value except the skeleton fields; returns a new value. */
export function scrubValue<T>(value: T, scrubber: Scrubber, counts: Record<string, number>): T {
  return walk(value, scrubber, counts) as T;
}

function walk(value: unknown, scrubber: Scrubber, counts: Record<string, number>): unknown {
  if (typeof value === 'string') return scrubText(value, scrubber, counts);
  if (Array.isArray(value)) return value.map((v: unknown) => walk(v, scrubber, counts));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = KEPT_KEYS.has(k) ? v : walk(v, scrubber, counts);
    return out;
  }
  return value;
}

/** A remote URL without credentials (`https://user:token@host/x` → `https://host/x`). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
}

/** The scrubber for what leaves this repository: its top folder (and a session's cwd), the home folder, the user's names. */
export async function scrubberForRepo(repo: GitRepo, cwd?: string | null): Promise<Scrubber> {
  const names: string[] = [];
  try {
    names.push(userInfo().username);
  } catch {
    // No passwd entry (some containers): nothing to scrub by that name.
  }
  const config = await git(['config', '--get-regexp', '^user\\.(name|email)$'], { cwd: repo.gitDir, env: { GIT_DIR: repo.gitDir }, okExitCodes: [1] });
  for (const line of config.split('\n')) {
    const space = line.indexOf(' ');
    if (space !== -1 && line.slice(space + 1) !== '') names.push(line.slice(space + 1));
  }
  const roots = [repo.workTree, cwd].filter((r): r is string => r !== undefined && r !== null);
  return makeScrubber({ roots, home: readSettings().home, userNames: names });
}
