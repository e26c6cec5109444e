// The scenario runner: a scripted history with real git and agent sessions captured through the
// live hook path (Claude Code hook events, the test writing files between PreToolUse and
// PostToolUse, the transcript lines the agent would write; GIT_TRACE_BACKGROUND_FLUSH=0 then
// `git trace flush`). Each scenario writes down, before it runs, the state of every patch and
// the attribution of every line; the runner checks them, and checks generically that `blame`
// and `track` agree.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LiveSession } from '../helpers/live-session.js';
import { tempRepo, type TempRepo } from '../helpers/repo.js';
import { testIdentityFile } from '../helpers/store.js';

export type State = 'alive' | 'moved' | 'transformed' | 'partial' | 'reverted' | 'lost' | 'unknown';

/** Files to write: content, or null to delete. */
export type Files = Readonly<Record<string, string | null>>;

export type Action =
  /** A session's user prompt. */
  | { readonly s: string; readonly prompt: string }
  /** A session's tool call that changes files; `label` names its patches in the expectations. */
  | { readonly s: string; readonly edit: string; readonly files: Files }
  /** A session's shell command that changes nothing. */
  | { readonly s: string; readonly run: string; readonly exit?: number; readonly output?: string }
  | { readonly s: string; readonly read: string }
  /** The human: write files, commit everything, run git, or anything else. */
  | { readonly write: Files }
  | { readonly commit: string; readonly files?: Files }
  | { readonly git: readonly string[]; readonly env?: Readonly<Record<string, string>> }
  | { readonly act: (r: TempRepo) => void };

export interface Check {
  /** Default HEAD. */
  readonly at?: string;
  /** Every patch's state: `A1` (a label) or `A1:path` when the step changed several files. */
  readonly states: Readonly<Record<string, State>>;
  /**
   * Per file, per line: '' when no session wrote it, a label when that patch did, '~label' when a
   * person edited that patch's line since (the line is the person's, with the patch as origin).
   */
  readonly lines: Readonly<Record<string, readonly string[]>>;
}

export interface Scenario {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly script: readonly Action[];
  readonly checks: readonly Check[];
}

interface TrackJson {
  session: { id: string };
  patches: { step: number; path: string; state: State; reason: string; evidence: string; pathsAtRef: string[]; lines: Record<string, number> }[];
  counts: Record<string, number>;
}

export interface BlameJson {
  line: number;
  commit: string;
  by: 'agent' | 'human';
  session: string | null;
  step: number | null;
  edited: boolean;
  origin: { session: string; step: number; stepId: string; agent: string | null; model: string | null; prompt: string | null } | null;
  author: string;
  text: string;
  claims: { session: string; step: number; path: string; edited: boolean }[];
}

const LIVE_STATES = new Set<State>(['alive', 'partial', 'transformed', 'moved']);

export class ScenarioRun {
  readonly repo: TempRepo;
  private readonly sessions = new Map<string, LiveSession>();
  private readonly parents = new Map<string, string | null>();
  private readonly labels: { session: string; label: string; call: string }[] = [];
  private readonly transcripts: string;
  private uuid = 0;
  private labelsOnce: Map<string, Map<number, string>> | undefined;

  constructor(readonly scenario: Scenario) {
    testIdentityFile();
    this.repo = tempRepo(scenario.files);
    const init = this.repo.trace(['init']);
    assert.equal(init.status, 0, init.stderr);
    this.transcripts = join(this.repo.dir, '..', `${this.repo.dir.split('/').pop() ?? 'x'}-transcripts`);
    mkdirSync(this.transcripts, { recursive: true });
  }

  cleanup(): void {
    this.repo.cleanup();
    rmSync(this.transcripts, { recursive: true, force: true });
  }

  sessionId(name: string): string {
    return `scn-${name.toLowerCase()}-0000`;
  }

  play(): void {
    for (const action of this.scenario.script) this.step(action);
    for (const [name, live] of this.sessions) {
      this.record(name, 'assistant', { role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Done.' }] });
      live.hook('Stop', { stop_hook_active: false });
    }
    const flushed = this.repo.trace(['flush'], { env: { GIT_TRACE_BACKGROUND_FLUSH: '0' } });
    assert.equal(flushed.status, 0, flushed.stderr);
  }

  private step(action: Action): void {
    if ('write' in action) return this.writeFiles(action.write);
    if ('commit' in action) {
      this.writeFiles(action.files ?? {});
      this.repo.git('add', '-A');
      this.repo.git('commit', '-q', '--allow-empty', '-m', action.commit);
      return;
    }
    if ('git' in action) {
      gitWithEnv(this.repo, action.git, action.env ?? {});
      return;
    }
    if ('act' in action) return action.act(this.repo);
    const live = this.session(action.s);
    if ('prompt' in action) {
      live.hook('UserPromptSubmit', { prompt: action.prompt });
      this.record(action.s, 'user', { role: 'user', content: action.prompt });
      return;
    }
    if ('edit' in action) {
      const paths = Object.keys(action.files);
      const only = paths.length === 1 && action.files[paths[0] as string] !== null ? (paths[0] as string) : null;
      const call = `toolu_${action.s}_${action.edit}`;
      const input: Record<string, unknown> = only !== null ? { file_path: join(this.repo.dir, only), content: action.files[only] } : { command: `apply ${paths.join(' ')}` };
      const tool = only !== null ? 'Write' : 'Bash';
      this.labels.push({ session: action.s, label: action.edit, call });
      this.toolCall(action.s, call, tool, input, () => this.writeFiles(action.files), 'ok', 0);
      return;
    }
    if ('run' in action) {
      const call = `toolu_${action.s}_run${++this.uuid}`;
      this.toolCall(action.s, call, 'Bash', { command: action.run }, () => undefined, action.output ?? '', action.exit ?? 0);
      return;
    }
    const call = `toolu_${action.s}_read${++this.uuid}`;
    this.toolCall(action.s, call, 'Read', { file_path: join(this.repo.dir, action.read) }, () => undefined, 'contents', 0);
  }

  private toolCall(s: string, call: string, name: string, input: Record<string, unknown>, change: () => void, output: string, exit: number): void {
    const live = this.session(s);
    this.record(s, 'assistant', { role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: call, name, input }] });
    live.hook('PreToolUse', { tool_name: name, tool_input: input, tool_use_id: call });
    change();
    live.hook('PostToolUse', { tool_name: name, tool_input: input, tool_use_id: call, tool_response: { stdout: output } });
    const failed = exit !== 0;
    this.record(s, 'user', { role: 'user', content: [{ tool_use_id: call, type: 'tool_result', content: failed ? `Exit code ${exit}\n${output}` : output, ...(failed ? { is_error: true } : {}) }] }, name === 'Bash' ? { toolUseResult: { stdout: output, stderr: '', interrupted: false } } : {});
  }

  private session(name: string): LiveSession {
    const known = this.sessions.get(name);
    if (known !== undefined) return known;
    const id = this.sessionId(name);
    const live = new LiveSession(this.repo, 'claude-code', id, join(this.transcripts, `${id}.jsonl`));
    this.sessions.set(name, live);
    this.parents.set(name, null);
    live.hook('SessionStart', { source: 'startup' });
    return live;
  }

  private record(s: string, type: string, message: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
    const live = this.session(s);
    const uuid = `${s}-${++this.uuid}`;
    const parent = this.parents.get(s) ?? null;
    this.parents.set(s, uuid);
    const body = type === 'assistant' ? { id: `msg_${uuid}`, type: 'message', ...message, usage: { input_tokens: 1, output_tokens: 1 } } : message;
    live.write({ parentUuid: parent, isSidechain: false, userType: 'external', cwd: this.repo.dir, sessionId: live.sessionId, version: '2.1.41', gitBranch: 'main', type, message: body, uuid, timestamp: live.tick(), ...extra });
  }

  private writeFiles(files: Files): void {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.repo.dir, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
  }

  /** label → step index per session, from the stored steps' call ids. */
  stepLabels(): Map<string, Map<number, string>> {
    const out = new Map<string, Map<number, string>>();
    for (const name of this.sessions.keys()) {
      const shown = this.repo.trace(['show', '--json', this.sessionId(name)]);
      assert.equal(shown.status, 0, shown.stderr);
      const steps = (JSON.parse(shown.stdout) as { steps: { index: number; tool?: { callId?: string } }[] }).steps;
      const byStep = new Map<number, string>();
      for (const l of this.labels.filter((x) => x.session === name)) {
        const step = steps.find((st) => st.tool?.callId === l.call);
        assert.ok(step !== undefined, `step of ${l.label} stored`);
        byStep.set(step.index, l.label);
      }
      out.set(this.sessionId(name), byStep);
    }
    return out;
  }

  track(name: string, at: string): TrackJson {
    const result = this.repo.trace(['track', '--json', '--at', at, this.sessionId(name)]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return JSON.parse(result.stdout) as TrackJson;
  }

  blame(path: string, at: string): BlameJson[] {
    const result = this.repo.trace(['blame', '--json', path, at]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    return JSON.parse(result.stdout) as BlameJson[];
  }

  /** Check one expectation: states, lines, and that blame and track agree. */
  verify(check: Check): void {
    const at = check.at ?? 'HEAD';
    // The store no longer changes once played: the labels are read once per scenario.
    this.labelsOnce ??= this.stepLabels();
    const labels = this.labelsOnce;
    // One `blame` per file at this ref: the attribution and the agreement below read the same output.
    const blamed = new Map<string, BlameJson[]>();
    const blameOnce = (path: string): BlameJson[] => {
      const known = blamed.get(path);
      if (known !== undefined) return known;
      const result = this.blame(path, at);
      blamed.set(path, result);
      return result;
    };
    const states: Record<string, State> = {};
    const tracked: { session: string; step: number; path: string; state: State; name: string; evidence: string }[] = [];
    for (const name of this.sessions.keys()) {
      const t = this.track(name, at);
      const byStep = labels.get(t.session.id) ?? new Map<number, string>();
      for (const p of t.patches) {
        const label = byStep.get(p.step) ?? `?${p.step}`;
        const several = t.patches.filter((o) => o.step === p.step).length > 1;
        const k = several ? `${label}:${p.path}` : label;
        states[k] = p.state;
        tracked.push({ session: t.session.id, step: p.step, path: p.path, state: p.state, name: k, evidence: p.evidence });
      }
      const sum = Object.values(t.counts).reduce((a, b) => a + b, 0);
      assert.equal(sum, t.patches.length, 'counts add up to the patches');
    }
    assert.deepEqual(states, { ...check.states }, `states at ${at}`);

    const labelOf = (session: string, step: number): string => labels.get(session)?.get(step) ?? `?${step}`;
    for (const [path, expected] of Object.entries(check.lines)) {
      const blamed = blameOnce(path);
      const got = blamed.map((l) => (l.session !== null ? labelOf(l.session, l.step ?? -1) : l.origin !== null ? `~${labelOf(l.origin.session, l.origin.step)}` : ''));
      assert.deepEqual(got, [...expected], `attribution of ${path} at ${at}`);
      // The fields say the same thing each their way: an agent's line has a session, a person's
      // edit of one has an origin and no session.
      for (const l of blamed) {
        assert.equal(l.by, l.session === null ? 'human' : 'agent', `by of ${path}:${l.line}`);
        assert.equal(l.edited, l.origin !== null, `edited of ${path}:${l.line}`);
        if (l.origin !== null) assert.equal(l.session, null, `an edited line ${path}:${l.line} has no session`);
      }
    }

    // Generic agreement: a patch is named by some line at the ref ⇔ its state says it is there.
    const files = this.repo.git('ls-tree', '-r', '--name-only', at).split('\n').filter((f) => f !== '');
    const named = new Set<string>();
    for (const file of files) for (const l of blameOnce(file)) for (const c of l.claims) named.add(`${c.session}#${c.step}:${c.path}`);
    // A removal-only patch has no line to blame: its state rests on lines that are gone.
    for (const p of tracked.filter((x) => x.evidence === 'added-lines')) {
      assert.equal(named.has(`${p.session}#${p.step}:${p.path}`), LIVE_STATES.has(p.state), `blame and track agree on ${p.name} (${p.state}) at ${at}`);
    }
  }
}

function gitWithEnv(repo: TempRepo, args: readonly string[], env: Readonly<Record<string, string>>): void {
  execFileSync('git', [...args], { cwd: repo.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * `git rebase -i UPSTREAM` driven by a GIT_SEQUENCE_EDITOR script that replaces the todo list;
 * `{subject}` in a todo line stands for the id of the commit with that subject.
 */
export function rebaseInteractive(repo: TempRepo, upstream: string, todo: readonly string[]): void {
  const editor = sequenceEditor(repo, `todo-${Math.random().toString(36).slice(2)}`, todo);
  gitWithEnv(repo, ['rebase', '-i', upstream], { GIT_SEQUENCE_EDITOR: editor, GIT_EDITOR: 'true' });
}

function sequenceEditor(repo: TempRepo, name: string, todo: readonly string[]): string {
  // Inside .git: removed with the repository, and never part of its work tree.
  const script = join(repo.dir, '.git', `${name}.mjs`);
  // The todo names commits by subject; the script swaps in their ids from git's own list.
  writeFileSync(
    script,
    `import { readFileSync, writeFileSync } from 'node:fs';\n` +
      `const file = process.argv[2];\n` +
      `const lines = readFileSync(file, 'utf8').split('\\n').filter((l) => /^pick /.test(l));\n` +
      `const ids = new Map(lines.map((l) => { const [, id, ...s] = l.split(' '); return [s.join(' '), id]; }));\n` +
      `const todo = ${JSON.stringify(todo)}.map((l) => l.replace(/\\{([^}]*)\\}/g, (_, s) => { const id = ids.get(s); if (!id) throw new Error('no commit ' + s); return id; }));\n` +
      `writeFileSync(file, todo.join('\\n') + '\\n');\n`,
  );
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`;
}

/** One suite per scenario: play it, then each check (states, lines, agreement). */
export function runScenarios(scenarios: readonly Scenario[]): void {
  for (const scenario of scenarios) {
    describe(scenario.name, () => {
      const run = new ScenarioRun(scenario);
      after(() => run.cleanup());
      test('plays through the live hooks', () => run.play());
      for (const [i, check] of scenario.checks.entries()) {
        test(`check ${i + 1}: states, line attribution and blame/track agreement at ${check.at ?? 'HEAD'}`, () => run.verify(check));
      }
    });
  }
}

/** Text fixtures shared by the scenarios. */
export const MATH = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
export const SUBTRACT = '\nexport function subtract(a: number, b: number): number {\n  return a - b;\n}\n';
export const MULTIPLY = '\nexport function multiply(a: number, b: number): number {\n  return a * b;\n}\n';
export const UPPER = 'export const upper = (s: string): string => s.toUpperCase();\nexport const lower = (s: string): string => s.toLowerCase();\n';
