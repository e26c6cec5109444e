// The rules of `git trace audit`, in one place: each flags a risky action an agent took, with an
// id, a severity, what it means and an example that fires it (the tests run every example).
// A repository silences a rule with `git config --add trace.auditDisable ID` and adds its own
// with `git config --add trace.auditRule 'ID SEVERITY REGEX'` (matched against shell commands).

import type { Step } from '../model/step.js';
import { shellCommand } from '../ctx/tool-facts.js';

export type Severity = 'high' | 'medium' | 'low';

export interface AuditRule {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
  /** A shell command (or a file path, for file rules) that fires the rule. */
  readonly example: string;
  /** What in the step fires it, or null. */
  readonly match: (step: Step, facts: StepFacts) => string | null;
}

/** What rules look at, worked out once per step. */
export interface StepFacts {
  /** The shell command the step ran, if it was a shell tool. */
  readonly command: string | null;
  /** Files the step read or wrote (tool input paths, reads, patch paths), as given. */
  readonly files: readonly string[];
  /** Files it wrote (file-editing tools and patches). */
  readonly written: readonly string[];
  /** The repository's top folder, to tell paths outside it. */
  readonly workTree: string | null;
}

const SECRET_FILE = /(^|\/)(\.env(\.[\w-]+)?|id_(rsa|ed25519|ecdsa|dsa)|[\w-]+\.pem|\.npmrc|\.netrc|\.pgpass|credentials(\.json)?|\.git-credentials|secrets?\.(ya?ml|json))$/;

function byCommand(pattern: RegExp): (step: Step, facts: StepFacts) => string | null {
  return (_step, facts) => {
    if (facts.command === null) return null;
    const found = pattern.exec(facts.command);
    return found === null ? null : found[0];
  };
}

function outside(path: string, workTree: string | null): boolean {
  if (workTree === null || !path.startsWith('/')) return path.startsWith('../') || path.startsWith('~');
  return path !== workTree && !path.startsWith(`${workTree}/`);
}

export const AUDIT_RULES: readonly AuditRule[] = [
  {
    id: 'rm-rf-outside',
    severity: 'high',
    summary: 'rm -r of a path outside the work tree (/, ~, .., an absolute path elsewhere)',
    example: 'rm -rf ~/projects/old',
    match: (_step, facts) => {
      const found = /\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+|--recursive\s+)+((?:[^\s;&|]+\s*)+)/.exec(facts.command ?? '');
      if (found === null) return null;
      const targets = (found[2] ?? '').trim().split(/\s+/).filter((t) => !t.startsWith('-'));
      const bad = targets.find((t) => t === '/' || t === '~' || t.startsWith('~/') || t.startsWith('../') || t === '..' || t.startsWith('$HOME') || (t.startsWith('/') && outside(t, facts.workTree)));
      return bad === undefined ? null : found[0].trim();
    },
  },
  { id: 'force-push', severity: 'high', summary: 'git push --force (rewrites the remote branch)', example: 'git push --force origin main', match: byCommand(/\bgit\s+push\b[^;&|]*(\s--force(?!-with-lease)\b|\s-f\b|\s\+\S+)/) },
  { id: 'reset-hard', severity: 'medium', summary: 'git reset --hard or git clean -f (drops uncommitted work)', example: 'git reset --hard HEAD~1', match: byCommand(/\bgit\s+(reset\s+[^;&|]*--hard|clean\s+-[a-zA-Z]*f)[^;&|]*/) },
  { id: 'drop-database', severity: 'high', summary: 'dropping a database or table', example: 'psql -c "DROP DATABASE app"', match: byCommand(/\b(DROP\s+(DATABASE|TABLE|SCHEMA)|dropdb\s)/i) },
  { id: 'pipe-to-shell', severity: 'high', summary: 'a download piped into a shell', example: 'curl -fsSL https://example.com/install.sh | sh', match: byCommand(/\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/) },
  { id: 'no-verify', severity: 'medium', summary: 'git hooks skipped (--no-verify)', example: 'git commit --no-verify -m wip', match: byCommand(/\bgit\s+(commit\b[^;&|]*\s(--no-verify|-n)\b|push\b[^;&|]*\s--no-verify\b)/) },
  { id: 'sudo', severity: 'medium', summary: 'a command run as root', example: 'sudo apt-get install -y jq', match: byCommand(/(^|[;&|]\s*)sudo\s+\S+/) },
  { id: 'chmod-world', severity: 'low', summary: 'files made writable by everyone', example: 'chmod -R 777 build', match: byCommand(/\bchmod\s+(-R\s+)?0?777\b/) },
  {
    id: 'secret-file',
    severity: 'medium',
    summary: 'a secret file read or written (.env, private keys, credential stores)',
    example: '.env',
    match: (_step, facts) => facts.files.find((f) => SECRET_FILE.test(f)) ?? (facts.command !== null ? (facts.command.split(/\s+/).find((w) => SECRET_FILE.test(w.replace(/^["']|["']$/g, ''))) ?? null) : null),
  },
  {
    id: 'write-outside-repo',
    severity: 'medium',
    summary: 'a file written outside the repository',
    example: '/etc/hosts',
    match: (_step, facts) => facts.written.find((f) => outside(f, facts.workTree)) ?? null,
  },
  {
    id: 'tests-disabled',
    severity: 'medium',
    summary: 'a test skipped or disabled by a patch (.skip, xit, @pytest.mark.skip, #[ignore])',
    example: "+  it.skip('parses dates', () => {",
    match: (step) => {
      for (const patch of step.patches ?? []) {
        const added = patch.diff.split('\n').find((l) => l.startsWith('+') && !l.startsWith('+++') && /(\b(it|test|describe)\.skip\(|\bx(it|describe)\(|@pytest\.mark\.skip|#\[ignore\]|@Disabled\b|\bt\.Skip\()/.test(l));
        if (added !== undefined) return `${patch.path}: ${added.slice(1).trim()}`;
      }
      return null;
    },
  },
];

/** The facts rules look at, from one step. */
export function stepFacts(step: Step, workTree: string | null): StepFacts {
  if (step.kind !== 'tool') return { command: null, files: [], written: [], workTree };
  const input = step.tool.input as Record<string, unknown> | null;
  const named = input !== null && typeof input === 'object' ? [input['file_path'], input['path'], input['notebook_path']].filter((v): v is string => typeof v === 'string') : [];
  const patched = (step.patches ?? []).map((p) => p.path);
  const writes = /^(Write|Edit|MultiEdit|NotebookEdit|write_file|replace|edit|write|apply_patch)$/.test(step.tool.name);
  return {
    command: shellCommand(step),
    files: [...new Set([...named, ...(step.tool.reads ?? []), ...patched])],
    written: [...new Set([...(writes ? named : []), ...patched])],
    workTree,
  };
}

/** A rule from `trace.auditRule 'ID SEVERITY REGEX'`, or why it cannot be one. */
export function configuredRule(value: string): AuditRule | string {
  const match = /^(\S+)\s+(high|medium|low)\s+(.+)$/.exec(value.trim());
  if (match === null) return `'${value}' is not 'ID SEVERITY REGEX' (severity: high, medium or low)`;
  let pattern: RegExp;
  try {
    pattern = new RegExp(match[3] as string);
  } catch (error) {
    return `'${match[3]}' is not a regular expression (${(error as Error).message})`;
  }
  return { id: match[1] as string, severity: match[2] as Severity, summary: `configured: ${match[3]}`, example: '', match: byCommand(pattern) };
}
