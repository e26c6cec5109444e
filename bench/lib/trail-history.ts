// The history P4 and P5 measure on: sessions captured live through the hooks, then many commits.

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from './proc.js';
import { claudeSlug } from './shared.js';
import type { Vocabulary } from './words.js';
import { seeded, type Random } from './random.js';
import { ms } from './table.js';
import { freshTraceRepo, traceCli } from './trace-cli.js';
import { type BenchContext, type Detail } from './types.js';


export interface TrailHistory {
  readonly dir: string;
  /** The main session's base commit (the first commit). */
  readonly base: string;
  readonly mainSession: string;
  readonly blamed: string;
  readonly sessions: number;
  readonly commits: number;
  /** Commits in base..HEAD. */
  readonly laterCommits: number;
  readonly fileCommits: number;
  /** Commits made by hand during the sessions, and the revert. */
  readonly handCommits: number;
  readonly patches: { readonly main: number; readonly others: number };
  readonly hookCalls: number;
  readonly buildMs: number;
}

interface Sizes {
  /** Commits after the base, in all. */
  readonly later: number;
  readonly mainPatches: number;
  readonly others: number;
  readonly otherPatches: number;
  /** The blamed file's first length; it then grows towards BLAMED_TARGET. */
  readonly blamedStart: number;
}

const FULL: Sizes = { later: 1000, mainPatches: 200, others: 3, otherPatches: 15, blamedStart: 220 };
const QUICK: Sizes = { later: 100, mainPatches: 40, others: 2, otherPatches: 6, blamedStart: 380 };
const BLAMED = 'src/ledger/entries.ts';
const BLAMED_TARGET = 500;
const OTHER_TARGET = 260;
const OTHERS = ['src/ledger/accounts.ts', 'src/ledger/rules.ts', 'src/api/routes.ts', 'src/api/handlers.ts', 'src/util/format.ts', 'src/util/dates.ts', 'lib/store/cache.ts', 'lib/store/index.ts', 'test/ledger.test.ts', 'test/api.test.ts', 'scripts/migrate.ts'];
const PEOPLE: readonly (readonly [string, string])[] = [['Ada Park', 'ada@example.com'], ['Bo Lindqvist', 'bo@example.com'], ['Chidi Okafor', 'chidi@example.com'], ['Dana Reyes', 'dana@example.com']];
const MODEL = 'claude-sonnet-4-5-20250929';

const built = new Map<string, TrailHistory>();

export function trailHistory(ctx: BenchContext): TrailHistory {
  const known = built.get(ctx.root);
  if (known !== undefined) return known;
  const started = performance.now();
  const sizes = ctx.options.quick ? QUICK : FULL;
  const w = new HistoryWriter(join(ctx.root, 'trail-repo'), ctx.env, seeded(4242), ctx.vocab());
  ctx.log(`P4/P5: building a history of ${sizes.later} commits with ${sizes.others + 1} sessions captured live (${sizes.mainPatches} patches in the main one)`);
  freshTraceRepo(w.dir, ctx.env);
  w.set(BLAMED, w.block(sizes.blamedStart, 0));
  for (const path of OTHERS) w.set(path, w.block(w.rng.int(60, 150), 0));
  w.commit('Start the ledger');
  const base = w.head();
  w.afterBase = 0;
  w.handCommits = 0;
  const transcripts = join(ctx.root, 'trail-claude', 'projects', claudeSlug(w.dir));
  const main = new LiveAgent(w, w.rng.uuid(), transcripts);
  const mainPatches = play(w, main, sizes.mainPatches, 0.35, 4);
  w.revertHead();
  const stretch = Math.max(0, Math.round((sizes.later - w.afterBase - sizes.others * 3) / (sizes.others + 1)));
  let otherPatches = 0;
  let hookCalls = main.hooks;
  for (let s = 0; s < sizes.others; s++) {
    w.fastImport(stretch);
    const agent = new LiveAgent(w, w.rng.uuid(), transcripts);
    otherPatches += play(w, agent, sizes.otherPatches, 0.6, 3);
    hookCalls += agent.hooks;
  }
  w.fastImport(sizes.later - w.afterBase);
  traceCli(['flush'], { cwd: w.dir, env: ctx.env });
  const count = (args: readonly string[]): number => Number(w.git(args).trim());
  const history: TrailHistory = {
    dir: w.dir,
    base,
    mainSession: main.id,
    blamed: BLAMED,
    sessions: w.git(['for-each-ref', '--format=%(refname)', 'refs/opentraces/sessions/']).split('\n').filter((l) => l !== '').length,
    commits: count(['rev-list', '--count', 'HEAD']),
    laterCommits: count(['rev-list', '--count', `${base}..HEAD`]),
    fileCommits: count(['rev-list', '--count', 'HEAD', '--', BLAMED]),
    handCommits: w.handCommits,
    patches: { main: mainPatches, others: otherPatches },
    hookCalls,
    buildMs: performance.now() - started,
  };
  built.set(ctx.root, history);
  return history;
}

export function historyDetail(id: string, h: TrailHistory): Detail {
  return {
    label: `${id} history`,
    text: `${h.commits} commits (${h.laterCommits} after the main session's base, ${h.handCommits} of them made by hand during the sessions, one a revert); ${h.sessions} sessions stored, captured live through ${h.hookCalls} hook processes: ${h.patches.main} patches in the main one, ${h.patches.others} in the others; built in ${ms(h.buildMs)}`,
    data: h,
  };
}

/** Play tool calls until `patches` files were changed; `blamedShare` of the calls touch the blamed file; commit by hand every `every` calls. */
function play(w: HistoryWriter, agent: LiveAgent, patches: number, blamedShare: number, every: number): number {
  let done = 0;
  let calls = 0;
  const commit = (): void => w.commit(w.vocab.sentence(w.rng, w.rng.int(4, 9)));
  while (done < patches) {
    if (calls % 12 === 0) agent.prompt(w.vocab.sentence(w.rng, w.rng.int(8, 20)));
    const left = patches - done;
    const single = left === 1 || w.rng.chance(0.35);
    const paths = new Set<string>(w.rng.chance(blamedShare) ? [BLAMED] : []);
    const want = single ? 1 : Math.min(left, w.rng.int(3, 6));
    while (paths.size < want) paths.add(w.rng.pick(OTHERS));
    // Each file gets a new function somewhere, and sometimes an existing line edited.
    const plan = [...paths].map((path) => ({ path, at: w.rng.int(0, w.lines(path).length), added: w.block(w.rng.int(3, 7), 1), edit: w.rng.chance(0.25) }));
    const change = (): void => {
      for (const p of plan) {
        w.lines(p.path).splice(p.at, 0, ...p.added);
        if (p.edit) w.editLine(p.path);
        w.write(p.path);
      }
    };
    const first = plan[0];
    if (single && first !== undefined) {
      const file = join(w.dir, first.path);
      const before = w.lines(first.path)[first.at - 1] ?? '';
      agent.tool('Edit', { file_path: file, old_string: before, new_string: [before, ...first.added].join('\n') }, change, `The file ${file} has been updated.`);
    } else agent.tool('Bash', { command: `node scripts/codemod.mjs ${[...paths].join(' ')}`, description: 'Apply the codemod' }, change, `${paths.size} files changed`);
    done += paths.size;
    if (++calls % every === 0) commit();
  }
  if (calls % every !== 0) commit();
  agent.stop();
  return done;
}

type Json = Record<string, unknown>;

/** One Claude Code session, played through the real hooks with the transcript it would write. */
class LiveAgent {
  hooks = 0;
  private parent: string | null = null;
  private readonly transcript: string;

  constructor(
    private readonly w: HistoryWriter,
    readonly id: string,
    folder: string,
  ) {
    mkdirSync(folder, { recursive: true });
    this.transcript = join(folder, `${id}.jsonl`);
    this.hook('SessionStart', { source: 'startup', model: MODEL });
  }

  prompt(text: string): void {
    this.hook('UserPromptSubmit', { prompt: text });
    this.record('user', { role: 'user', content: text });
  }

  tool(name: 'Edit' | 'Bash', input: Json, change: () => void, output: string): void {
    const call = `toolu_01${this.w.rng.base62(22)}`;
    this.record('assistant', { id: `msg_01${this.w.rng.base62(22)}`, type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'tool_use', id: call, name, input }], usage: { input_tokens: 12, output_tokens: 80 } });
    this.hook('PreToolUse', { tool_name: name, tool_input: input, tool_use_id: call });
    change();
    const response = name === 'Bash' ? { stdout: output, stderr: '', interrupted: false, isImage: false } : { filePath: input['file_path'], oldString: '', newString: '' };
    this.hook('PostToolUse', { tool_name: name, tool_input: input, tool_use_id: call, tool_response: response });
    this.record('user', { role: 'user', content: [{ tool_use_id: call, type: 'tool_result', content: output }] }, { toolUseResult: response });
  }

  stop(): void {
    this.record('assistant', { id: `msg_01${this.w.rng.base62(22)}`, type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text: 'Done.' }], usage: { input_tokens: 5, output_tokens: 3 } });
    this.hook('Stop', { stop_hook_active: false });
  }

  private hook(event: string, extra: Json): void {
    const payload = { session_id: this.id, transcript_path: this.transcript, cwd: this.w.dir, permission_mode: 'acceptEdits', hook_event_name: event, ...extra };
    traceCli(['hook', 'claude-code'], { cwd: this.w.dir, env: this.w.env, input: JSON.stringify(payload) });
    this.hooks++;
  }

  private record(type: 'user' | 'assistant', message: Json, extra: Json = {}): void {
    const uuid = this.w.rng.uuid();
    const line = { parentUuid: this.parent, isSidechain: false, userType: 'external', cwd: this.w.dir, sessionId: this.id, version: '2.1.41', gitBranch: 'main', type, message, uuid, timestamp: new Date().toISOString(), ...extra };
    appendFileSync(this.transcript, `${JSON.stringify(line)}\n`);
    this.parent = uuid;
  }
}

/** The work tree's files in memory, the changes people and agents make to them, and commits. */
class HistoryWriter {
  private readonly files = new Map<string, string[]>();
  private clock = Math.floor(Date.now() / 1000) - 40 * 86_400;
  private serial = 0;
  /** Commits after the base so far. */
  afterBase = 0;
  /** Commits after the base made by hand (not by fast-import). */
  handCommits = 0;

  constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly rng: Random,
    readonly vocab: Vocabulary,
  ) {}

  git(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}, input?: string): string {
    return git(args, { cwd: this.dir, env: { ...this.env, ...extraEnv }, ...(input === undefined ? {} : { input }) }).stdout;
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  set(path: string, lines: string[]): void {
    this.files.set(path, lines);
    this.write(path);
  }

  write(path: string): void {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, this.text(path));
  }

  commitEnv(): NodeJS.ProcessEnv {
    const [name, email] = this.rng.pick(PEOPLE);
    const date = `${(this.clock += this.rng.int(60, 900))} +0000`;
    return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  }

  /** Commit the work tree by hand (a person committing the agent's work). */
  commit(message: string): void {
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--allow-empty', '-m', message], this.commitEnv());
    this.afterBase++;
    this.handCommits++;
  }

  /** `git revert HEAD`, then read the files back: the next fast-import writes them whole. */
  revertHead(): void {
    this.git(['revert', '--no-edit', 'HEAD'], this.commitEnv());
    this.afterBase++;
    this.handCommits++;
    for (const path of this.files.keys()) this.files.set(path, readFileSync(join(this.dir, path), 'utf8').replace(/\n$/, '').split('\n'));
  }

  lines(path: string): string[] {
    const known = this.files.get(path);
    if (known !== undefined) return known;
    const fresh: string[] = [];
    this.files.set(path, fresh);
    return fresh;
  }

  /** `count` commits by people, in one fast-import; the work tree follows. */
  fastImport(count: number): void {
    if (count <= 0) return;
    let stream = '';
    for (let i = 0; i < count; i++) {
      const path = this.rng.chance(0.3) ? BLAMED : this.rng.pick(OTHERS);
      this.change(path);
      const env = this.commitEnv();
      const who = `${env['GIT_AUTHOR_NAME'] ?? ''} <${env['GIT_AUTHOR_EMAIL'] ?? ''}> ${env['GIT_AUTHOR_DATE'] ?? ''}`;
      const message = `${this.vocab.sentence(this.rng, this.rng.int(4, 10))}\n`;
      const data = this.text(path);
      stream += `commit refs/heads/main\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(message)}\n${message}\n`;
      if (i === 0) stream += `from ${this.head()}\n`;
      stream += `M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}\n`;
    }
    this.git(['fast-import', '--quiet'], {}, stream);
    this.git(['reset', '-q', '--hard', 'HEAD']);
    this.afterBase += count;
  }

  /** A person's change: insert, edit or delete lines, keeping the file near its target length. */
  private change(path: string): void {
    const lines = this.lines(path);
    const grow = lines.length < (path === BLAMED ? BLAMED_TARGET : OTHER_TARGET);
    const roll = this.rng.next();
    if (roll < (grow ? 0.5 : 0.15)) this.insert(path, this.rng.chance(0.7) ? this.statements(this.rng.int(1, 3), 1) : this.block(this.rng.int(3, 6), 0));
    else if (roll < (grow ? 0.85 : 0.75) || lines.length < 20) {
      this.editLine(path);
      if (this.rng.chance(0.3)) this.editLine(path);
    } else lines.splice(this.rng.int(0, lines.length - 2), this.rng.int(1, 2));
  }

  insert(path: string, added: readonly string[]): void {
    const lines = this.lines(path);
    lines.splice(this.rng.int(0, lines.length), 0, ...added);
  }

  /** Change one number or one identifier of a line: an edit, as blame and the walk see it. */
  editLine(path: string): void {
    const lines = this.lines(path);
    for (let tries = 0; tries < 10; tries++) {
      const i = this.rng.int(0, Math.max(0, lines.length - 1));
      const line = lines[i];
      if (line === undefined || !/\d/.test(line)) continue;
      lines[i] = line.replace(/\d+(?!.*\d)/, String(this.rng.int(1000, 99_999)));
      return;
    }
    this.insert(path, this.statements(1, 1));
  }

  /** `n` lines of code: functions of distinctive statements (names carry a serial number). */
  block(n: number, depth: number): string[] {
    const out: string[] = [];
    const pad = '  '.repeat(depth);
    while (out.length < n) {
      const body = Math.min(this.rng.int(2, 8), Math.max(1, n - out.length - 2));
      out.push(`${pad}export function ${this.id()}${++this.serial}(${this.id()}: ${this.type()}): ${this.type()} {`);
      out.push(...this.statements(body, depth + 1));
      out.push(`${pad}}`);
    }
    return out.slice(0, n);
  }

  private statements(n: number, depth: number): string[] {
    const pad = '  '.repeat(depth);
    return Array.from({ length: n }, () =>
      this.rng.chance(0.15) ? `${pad}// ${this.vocab.sentence(this.rng, this.rng.int(4, 10))}` : `${pad}const ${this.id()}${++this.serial} = ${this.id()}(${this.id()}, '${this.vocab.word(this.rng)}', ${this.rng.int(0, 999)});`,
    );
  }

  private id(): string {
    return this.vocab.word(this.rng).replace(/[^A-Za-z_]/g, '') || 'value';
  }

  private type(): string {
    return this.rng.pick(['string', 'number', 'boolean', 'Entry', 'Ledger', 'readonly string[]', 'Promise<void>']);
  }

  private text(path: string): string {
    return `${(this.files.get(path) ?? []).join('\n')}\n`;
  }
}

