// git trace capsule seal|open|replay: bug capsules. Seal asks before anything leaves (or --yes;
// with no terminal and no --yes it refuses); replay asks before running the capsule's command,
// which is someone else's code. Passphrases come from the terminal or a file descriptor only.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildCapsule, type BuiltCapsule } from '../../capsule/build.js';
import { openCapsule, readCapsule, type Key, type OpenedCapsule } from '../../capsule/open.js';
import { replayCapsule, type ReplayReport } from '../../capsule/replay.js';
import { sealCapsule, type Lock } from '../../capsule/seal.js';
import { askHidden, askNewPassphrase, askYesNo, hasTerminal, readPassphraseFd } from '../../capsule/terminal.js';
import { findRepo, type GitRepo } from '../../refs/repo.js';
import { loadIdentity, refuseSharedIdentity } from '../crypto/identity.js';
import { InputError, RepoError, UsageError } from '../errors.js';
import { readRedactionConfig } from '../import/redaction-config.js';
import { loadSession } from '../replay/load.js';
import { parseStepSpec } from '../replay/step-spec.js';
import { readSettings } from '../settings.js';
import { openCliRepo } from './repo.js';
import { parseCommand } from './args.js';
import { formatTime, oneLine, plural } from './format.js';
import { out, outJson, paint, warn } from './output.js';
import { renderStep, stepSummary } from './show.js';

const HELP = `usage: git trace capsule seal [options] ID[@A..B] -o FILE
   or: git trace capsule open [--json] [KEY OPTIONS] FILE
   or: git trace capsule replay [--against REV] [--keep DIR] [--timeout SECONDS] [--yes] [--json] [KEY OPTIONS] FILE

A capsule is a sealed, encrypted file holding an episode of a session: a slice of its
steps (by default the failing step and a few around it), their patches, the repository
state it ran on, and the command that shows the failure. Send it; the receiver opens it
and replays it in a clone of the repository.

seal
    -o, --output FILE     where to write the capsule ('-': standard output)
    --to KEY              seal to this age public key (age1…); repeat for more
    --passphrase          seal to a passphrase, asked on the terminal
    --passphrase-fd N     seal to the passphrase read from file descriptor N
    --step N              the failing step (default: the last failed tool result)
    --test CMD            the verdict command (default: the failing step's command)
    --expect TEXT         the error text a failing run prints (default: from the failing step)
    --include-prompts     send the prompts too (left out by default)
    --bundle              carry the base commit as a git bundle (when it is on no remote)
    --created TIME        the capsule's creation time (default: the slice's last step time)
    --yes                 do not ask before sealing
    --dry-run             show what would leave, write nothing
    --force               overwrite FILE

open, replay (KEY OPTIONS)
    --identity FILE       your age identity (default: GIT_TRACE_IDENTITY or your git-trace identity)
    --passphrase          ask for the passphrase on the terminal
    --passphrase-fd N     read the passphrase from file descriptor N

replay
    --against REV         re-pose the episode on REV: 'fixed' when the failure is gone there
    --keep DIR            keep the rebuilt work tree in DIR (new or empty)
    --timeout SECONDS     time limit for the verdict command (default 120)
    --yes                 run the capsule's command without asking
    --json                print the result as JSON (at least 'verdict')`;

export async function run(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'seal':
      return seal(rest);
    case 'open':
      return open(rest);
    case 'replay':
      return replay(rest);
    case '--help':
    case '-h':
      out(HELP);
      return 0;
    default:
      throw new UsageError(sub === undefined ? 'capsule needs a subcommand' : `'${sub}' is not a capsule subcommand`, { hint: 'use: git trace capsule seal|open|replay (see --help)' });
  }
}

const KEY_OPTIONS = { identity: { type: 'string' }, passphrase: { type: 'boolean' }, 'passphrase-fd': { type: 'string' } } as const;

async function seal(argv: readonly string[]): Promise<number> {
  const args = parseCommand(
    argv,
    {
      output: { type: 'string', short: 'o' },
      to: { type: 'string', multiple: true },
      passphrase: { type: 'boolean' },
      'passphrase-fd': { type: 'string' },
      step: { type: 'string' },
      test: { type: 'string' },
      expect: { type: 'string' },
      'include-prompts': { type: 'boolean' },
      bundle: { type: 'boolean' },
      created: { type: 'string' },
      yes: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    HELP,
  );
  if (args === null) return 0;
  const v = args.values;
  const [specText, ...extra] = args.positionals;
  if (specText === undefined || extra.length > 0) throw new UsageError('seal takes one ID[@A..B]', { hint: 'usage: git trace capsule seal [options] ID[@A..B] -o FILE' });
  const dryRun = v['dry-run'] === true;
  const output = v.output;
  if (output === undefined && !dryRun) throw new UsageError('say where to write the capsule with -o FILE');
  const locks = [v.to !== undefined, v.passphrase === true, v['passphrase-fd'] !== undefined].filter(Boolean).length;
  if (locks !== 1 && !dryRun) throw new UsageError(locks === 0 ? 'say who may open the capsule' : 'seal to age public keys or to a passphrase, not both', { hint: 'use --to age1… (repeatable), or --passphrase, or --passphrase-fd N' });
  if (output !== undefined && output !== '-' && existsSync(output) && v.force !== true && !dryRun) throw new UsageError(`'${output}' exists`, { hint: 'use --force to overwrite it' });
  if (!dryRun && v.yes !== true && !hasTerminal()) {
    throw new UsageError('refusing to seal without consent: there is no terminal to ask on', { hint: 'see what would leave with --dry-run, then seal with --yes' });
  }
  const step = v.step === undefined ? undefined : wholeNumber(v.step, '--step');
  const repo = await openCliRepo();
  let built: BuiltCapsule;
  try {
    const spec = parseStepSpec(specText);
    const loaded = await loadSession(repo, spec.id);
    built = await buildCapsule(repo.git.repo, loaded, {
      spec,
      ...(step === undefined ? {} : { step }),
      ...(v.test === undefined ? {} : { test: v.test }),
      ...(v.expect === undefined ? {} : { expect: v.expect }),
      ...(v.created === undefined ? {} : { createdAt: v.created }),
      includePrompts: v['include-prompts'] === true,
      bundle: v.bundle === true,
      unlock: v.to !== undefined ? 'recipients' : 'passphrase',
      redaction: await readRedactionConfig(repo.git.repo),
    });
  } finally {
    repo.close();
  }
  const lockText = v.to !== undefined ? `${v.to.length} recipient${v.to.length === 1 ? '' : 's'} (${v.to.map((k) => `${k.slice(0, 12)}…`).join(', ')})` : 'a passphrase';
  for (const w of built.warnings) warn(w);
  if (dryRun) {
    if (v.json === true) outJson({ version: 1, dryRun: true, capsule: built.header.id, ...summaryJson(built) });
    else out(describeSeal(built, lockText));
    return 0;
  }
  if (v.yes !== true) {
    process.stderr.write(`${describeSeal(built, lockText)}\n`);
    if (!(await askYesNo('Seal this and write it?'))) throw new UsageError('not sealed: nothing was written');
  }
  const lock: Lock = v.to !== undefined ? { kind: 'recipients', recipients: v.to } : { kind: 'passphrase', passphrase: v.passphrase === true ? await askNewPassphrase() : readPassphraseFd(fdNumber(v['passphrase-fd'])) };
  const bytes = await sealCapsule(built, lock);
  if (output === '-') process.stdout.write(bytes);
  else writeAtomically(resolve(output ?? ''), bytes);
  if (output === '-') return 0;
  if (v.json === true) outJson({ version: 1, capsule: built.header.id, file: resolve(output ?? ''), bytes: bytes.length, ...summaryJson(built) });
  else out(`Sealed capsule ${built.header.id} (${bytes.length} bytes) to ${output}`);
  return 0;
}

function summaryJson(built: BuiltCapsule): Record<string, unknown> {
  const p = built.payload;
  return { createdAt: built.header.createdAt, session: p.session.id, slice: { from: p.slice.from, to: p.slice.to, failingStep: p.slice.failingStep }, files: built.files, promptsIncluded: p.intent.included, bundle: p.repository.bundle, verdict: p.verdict, redactions: p.redactions };
}

function writeAtomically(file: string, bytes: Buffer): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, bytes, { mode: 0o600 });
  renameSync(tmp, file);
}

async function open(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { ...KEY_OPTIONS, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const file = oneFile(args.positionals, 'open');
  const capsule = await unlock(file, args.values);
  if (args.values.json === true) {
    const { binding: _binding, ...payload } = capsule.payload;
    outJson({ version: 1, header: capsule.header, ...payload });
  } else out(describeCapsule(capsule, file));
  return 0;
}

async function replay(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { ...KEY_OPTIONS, against: { type: 'string' }, keep: { type: 'string' }, timeout: { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const file = oneFile(args.positionals, 'replay');
  const timeout = args.values.timeout === undefined ? 120 : wholeNumber(args.values.timeout, '--timeout');
  if (timeout < 1) throw new UsageError('--timeout needs at least 1 second');
  if (args.values.yes !== true && !hasTerminal()) {
    throw new UsageError("refusing to run the capsule's command without consent: there is no terminal to ask on", { hint: `read what it runs with 'git trace capsule open ${file}', then replay with --yes` });
  }
  const capsule = await unlock(file, args.values);
  if (args.values.yes !== true) {
    const where = capsule.payload.verdict.cwd === '.' ? '' : ` (in ${capsule.payload.verdict.cwd})`;
    process.stderr.write(`The capsule runs, in a temporary work tree with its patches applied:\n    ${capsule.payload.verdict.command}${where}\n`);
    if (!(await askYesNo('This runs code from the capsule. Run it?'))) throw new UsageError('not replayed: nothing was run');
  }
  const report: ReplayReport = await replayCapsule(capsule, {
    local: await localRepo(),
    ...(args.values.against === undefined ? {} : { against: args.values.against }),
    ...(args.values.keep === undefined ? {} : { keep: args.values.keep }),
    timeoutMs: timeout * 1000,
    progress: (message) => {
      if (process.stderr.isTTY === true) process.stderr.write(`${message}\n`);
    },
  });
  if (args.values.json === true) outJson(report);
  else out(describeReplay(report));
  return report.verdict === 'inconclusive' ? 1 : 0;
}

async function unlock(file: string, values: { identity?: string | undefined; passphrase?: boolean | undefined; 'passphrase-fd'?: string | undefined }): Promise<OpenedCapsule> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const { header } = await readCapsule(bytes, file);
  let key: Key;
  if (values['passphrase-fd'] !== undefined) key = { kind: 'passphrase', passphrase: readPassphraseFd(fdNumber(values['passphrase-fd'])) };
  else if (values.passphrase === true || (header.encryption.unlock === 'passphrase' && values.identity === undefined)) key = { kind: 'passphrase', passphrase: await askHidden(`Passphrase for ${basename(file)}: `) };
  else {
    const identity = await loadIdentity(values.identity ?? readSettings().identityFile);
    refuseSharedIdentity(identity.file);
    key = { kind: 'identity', secretKeys: identity.secretKeys };
  }
  return openCapsule(bytes, file, key);
}

async function localRepo(): Promise<GitRepo | null> {
  try {
    return await findRepo(process.cwd());
  } catch (error) {
    if (error instanceof RepoError) return null;
    throw error;
  }
}

function oneFile(positionals: readonly string[], sub: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError(`${sub} takes one capsule FILE`, { hint: `usage: git trace capsule ${sub} [options] FILE` });
  return file;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} needs a whole number, not '${text}'`);
  return Number(text);
}

function fdNumber(text: string | undefined): number {
  return wholeNumber(text ?? '', '--passphrase-fd');
}

// ---- rendering: one result, as text ----

function counts(c: Readonly<Record<string, number>>): string {
  const entries = Object.entries(c).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${n} ${k}`).join(', ');
}

function verdictLine(p: OpenedCapsule['payload']): string {
  const f = p.verdict.failure;
  const where = p.verdict.cwd === '.' ? '' : ` (in ${p.verdict.cwd})`;
  const how = [f.exitCode === null ? 'a non-zero exit' : `exit ${f.exitCode}`, f.errorLine === null ? null : `"${oneLine(f.errorLine, 100)}"`].filter((x) => x !== null).join(' and ');
  return `${p.verdict.command}${where}: fails with ${how}`;
}

function describeSeal(built: BuiltCapsule, lockText: string): string {
  const p = built.payload;
  const remotes = p.repository.remotes.map((r) => `${r.name} ${r.url}`).join(', ');
  return [
    `Capsule ${built.header.id} of session ${p.session.id} (${p.session.agent}), dated ${built.header.createdAt}`,
    `  sealed to   ${lockText}`,
    `  steps       ${p.slice.from}..${p.slice.to} in full (tool inputs and outputs, reasoning, replies); failing step ${p.slice.failingStep ?? 'none'}`,
    `  prompts     ${p.intent.included ? `${plural(p.intent.prompts.length, 'prompt')} included` : `${plural(p.intent.promptCount, 'prompt')} left out (--include-prompts sends them)`}`,
    `  patches     changes to ${plural(built.files.length, 'file')} from ${plural(p.trail.length, 'step')} and the starting state: ${built.files.slice(0, 8).join(', ')}${built.files.length > 8 ? ', …' : ''}`,
    `  base        ${p.repository.baseCommit.slice(0, 12)}${remotes === '' ? ' (on no remote)' : ` (on ${remotes})`}${p.repository.bundle ? ', with a bundle of its history' : ''}`,
    `  start state ${p.repository.startState === '' ? 'none' : 'the uncommitted changes the session started from'}`,
    `  verdict     ${verdictLine(p)}`,
    `  redacted    ${counts(p.redactions.atSeal)} now, ${counts(p.redactions.atCapture)} at capture; scrubbed: ${counts(p.redactions.scrubbed)}`,
  ].join('\n');
}

function describeCapsule(capsule: OpenedCapsule, file: string): string {
  const { header, payload: p } = capsule;
  const lines = [
    paint('bold', `capsule ${header.id}`),
    `File:     ${file} (format ${header.version}, sealed ${formatTime(header.createdAt)}, ${header.encryption.unlock === 'passphrase' ? 'passphrase' : 'age keys'})`,
    `Session:  ${p.session.id} (${p.session.agent}${p.session.agentVersion === null ? '' : ` ${p.session.agentVersion}`}), steps ${p.slice.from}..${p.slice.to} of ${p.session.stepCount}, failing step ${p.slice.failingStep ?? 'none'}`,
  ];
  if (p.session.title !== null) lines.push(`Title:    ${p.session.title}`);
  lines.push(`Base:     ${p.repository.baseCommit}${p.repository.remotes.length === 0 ? '' : ` (on ${p.repository.remotes.map((r) => `${r.name} ${r.url}`).join(', ')})`}${p.repository.bundle ? ', bundled' : ''}`);
  if (p.repository.startState !== '') lines.push('Start:    the session began with uncommitted changes (kept in the capsule)');
  lines.push(`Verdict:  ${verdictLine(p)}`);
  lines.push(`Redacted: ${counts(p.redactions.atCapture)} at capture, ${counts(p.redactions.atSeal)} at sealing; scrubbed: ${counts(p.redactions.scrubbed)}`);
  lines.push('', paint('bold', 'Intent'));
  if (!p.intent.included) lines.push(`   ${plural(p.intent.promptCount, 'prompt')}, left out by the sender`);
  for (const prompt of p.intent.prompts) lines.push(`   #${prompt.step}  ${prompt.text.split('\n').join('\n        ')}`);
  lines.push('', paint('bold', 'What happened'));
  for (const step of p.slice.steps) lines.push(`   #${step.index}  ${step.timestamp === null ? '     ' : step.timestamp.slice(11, 16)}  ${step.kind.padEnd(10)} ${stepSummary(step)}`);
  const failing = p.slice.steps.find((s) => s.index === p.slice.failingStep);
  if (failing !== undefined) lines.push('', paint('bold', 'The failing step'), renderStep(failing));
  lines.push('', `Replay it: git trace capsule replay ${file}`);
  return lines.join('\n');
}

function describeReplay(r: ReplayReport): string {
  const style = r.verdict === 'fixed' ? 'green' : r.verdict === 'reproduces' ? 'red' : 'yellow';
  const lines = [`${paint(style, r.verdict)}: ${r.reason}`];
  lines.push(`  capsule ${r.capsule}, base ${r.base.commit.slice(0, 12)}${r.base.source === null ? '' : ` (from ${r.base.source === 'local' ? 'this repository' : `the ${r.base.source}`})`}${r.against === null ? '' : `, re-posed on ${r.against.rev} (${r.against.commit.slice(0, 12)})`}`);
  lines.push(`  patches: ${r.patches.applied} applied${r.patches.alreadyThere > 0 ? `, ${r.patches.alreadyThere} already there` : ''}${r.patches.failed.length > 0 ? `, ${r.patches.failed.length} did not apply` : ''}`);
  for (const f of r.patches.failed) lines.push(`    ${f.step === null ? 'starting state' : `step ${f.step}`}: ${f.path}: ${f.reason ?? ''}`);
  const e = r.evidence;
  if (e !== null) {
    lines.push(`  ran: ${r.command}${r.cwd === '.' ? '' : ` (in ${r.cwd})`}, ${(e.durationMs / 1000).toFixed(1)}s, ${e.timedOut ? 'timed out' : e.exitCode === null ? `killed (${e.signal ?? '?'})` : `exit ${e.exitCode}`}`);
    lines.push(`  recorded failure: ${e.expectedExitCode === null ? 'a non-zero exit' : `exit ${e.expectedExitCode}`}${e.expectedError === null ? '' : `, "${oneLine(e.expectedError, 100)}" (${e.matchedError === true ? 'found' : 'not found'} in the output)`}`);
    if (e.outputTail !== '') lines.push('  output (last lines):', ...e.outputTail.split('\n').map((l) => `    ${l}`));
  }
  if (r.worktree !== null) lines.push(`  kept in ${r.worktree}`);
  return lines.join('\n');
}
