// git trace capsule seal|open|replay|bisect: bug capsules. Seal asks before anything leaves (or --yes;
// with no terminal and no --yes it refuses) and signs with the user's signing key; replay asks
// before running the capsule's command, which is someone else's code, showing who signed it and
// the files that run code; --yes is refused unless the signer is a recipient of this repository
// or named with --trust-signer. Bisect runs the capsule's code too, and asks the same way.
// Passphrases come from the terminal or a file descriptor only.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildCapsule, type BuiltCapsule } from '../../capsule/build.js';
import { openCapsule, readCapsule, type Key, type OpenedCapsule } from '../../capsule/open.js';
import { bisectCapsule } from '../../capsule/bisect.js';
import { replayCapsule, type ReplayReport } from '../../capsule/replay.js';
import { episodePatches, runFiles, writtenPaths } from '../../capsule/run-files.js';
import { isolation, type Isolation } from '../../capsule/sandbox.js';
import { sealCapsule, type Lock } from '../../capsule/seal.js';
import { judgeSigner } from '../../capsule/signature.js';
import { askHidden, askNewPassphrase, askYesNo, hasTerminal, readPassphraseFd } from '../../capsule/terminal.js';
import { handleFor } from '../../refs/handle.js';
import { findRepo, type GitRepo } from '../../refs/repo.js';
import { loadIdentity, refuseSharedIdentity } from '../crypto/identity.js';
import { isSigningPublicKey, keyFingerprint, loadSigningKeyIfAny } from '../crypto/signing.js';
import { InputError, KeyError, RepoError, UsageError } from '../errors.js';
import { readRedactionConfig } from '../repo-config.js';
import type { BisectRun } from '../replay/bisect.js';
import { loadSession } from '../replay/load.js';
import { resolveCommit } from '../trail/revision.js';
import { parseStepSpec } from '../replay/step-spec.js';
import { hasCommit } from '../replay/worktree.js';
import { readSettings } from '../settings.js';
import { readRecipients, type Recipient } from '../store/recipients.js';
import { parseCommand } from './args.js';
import { describeCapsule, describeConsent, describeReplay, describeSeal, replayQuestion, type CapsuleView } from './capsule-render.js';
import { describeRun, render as renderBisect } from './bisect.js';
import { info, out, outJson, warn } from './output.js';
import type { CommandContext } from './commands.js';

const HELP = `usage: git trace capsule seal [options] ID[@A..B] -o FILE
   or: git trace capsule open [--json] [KEY OPTIONS] FILE
   or: git trace capsule replay [--against REV] [--keep DIR] [--timeout SECONDS] [--yes] [--trust-signer KEY]
                                [--network] [--json] [KEY OPTIONS] FILE
   or: git trace capsule bisect [--test CMD] [--fixed] [--timeout SECONDS] [--yes] [--trust-signer KEY]
                                [--network] [--json] [KEY OPTIONS] FILE

A capsule is a sealed, encrypted file holding an episode of a session: a slice of its
steps (by default the failing step and a few around it), their patches, the repository
state it ran on, and the command that shows the failure, signed with your signing key
inside the encryption. Send it; the receiver opens it and replays it in a clone of the
repository.

Replaying runs the sender's code. 'open' names the signer (a recipient of this repository,
an unknown key, or unsigned), lists every file replay writes and shows in full the ones that
run code (package.json, Makefiles, scripts, hooks, CI files…); replay shows the same and
asks. The command runs with a scratch HOME, an environment of PATH, LANG, LC_*, TERM, TZ
and CI=1 only, and on Linux without network (unshare or bwrap) where the system allows.

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
    --base REV            the commit the episode starts from (default: the session's base,
                          recorded at capture or inferred at import)
    --created TIME        the capsule's creation time (default: the slice's last step time)
    --yes                 do not ask before sealing
    --dry-run             show what would leave, write nothing
    --force               overwrite FILE

open
    --json                print it as JSON, with 'signer', 'writes' and 'runFiles'

open, replay (KEY OPTIONS)
    --identity FILE       your age identity (default: GIT_TRACE_IDENTITY or your git-trace identity)
    --passphrase          ask for the passphrase on the terminal
    --passphrase-fd N     read the passphrase from file descriptor N

replay
    --against REV         re-pose the episode on REV: 'fixed' when the failure is gone there
    --keep DIR            keep the rebuilt work tree in DIR (new or empty)
    --timeout SECONDS     time limit for the verdict command (default 120)
    --yes                 run the capsule's command without asking; refused unless the
                          signer is a recipient of this repository or --trust-signer names it
    --trust-signer KEY    trust this signer: its fingerprint (SHA256:…) or 'ssh-ed25519 AAAA…'
    --network             let the command reach the network (default: isolated where possible)
    --json                print the result as JSON (at least 'verdict', 'signer', 'network')

bisect
    The search of 'git trace bisect', over the capsule's trail: the first step after which
    the test fails (with --fixed: passes), each probe rebuilt from the capsule in a scratch
    work tree and run as replay runs its command. Consent and trust as for replay.
    --test CMD            the command that tells (default: the capsule's verdict command)
    --fixed               find the step after which CMD starts passing instead
    --timeout SECONDS     time limit per run (default 300; a run past it counts as failing)
    --yes, --trust-signer, --network   as for replay
    --json                print {capsule, session, found, step, runs, candidates, reason, signer}
    Exit status: 0 when a step is found, 1 when none is.`;

export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'seal':
      return seal(rest, context);
    case 'open':
      return open(rest);
    case 'replay':
      return replay(rest);
    case 'bisect':
      return bisect(rest);
    case '--help':
    case '-h':
      out(HELP);
      return 0;
    default:
      throw new UsageError(sub === undefined ? 'capsule needs a subcommand' : `'${sub}' is not a capsule subcommand`, { hint: 'use: git trace capsule seal|open|replay|bisect (see --help)' });
  }
}

const KEY_OPTIONS = { identity: { type: 'string' }, passphrase: { type: 'boolean' }, 'passphrase-fd': { type: 'string' } } as const;

async function seal(argv: readonly string[], context: CommandContext): Promise<number> {
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
      base: { type: 'string' },
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
  const repo = await context.repo();
  const spec = parseStepSpec(specText);
  const loaded = await loadSession(repo, spec.id);
  const built: BuiltCapsule = await buildCapsule(repo.git.repo, loaded, {
    spec,
    ...(step === undefined ? {} : { step }),
    ...(v.test === undefined ? {} : { test: v.test }),
    ...(v.expect === undefined ? {} : { expect: v.expect }),
    ...(v.created === undefined ? {} : { createdAt: v.created }),
    ...(v.base === undefined ? {} : { base: await resolveCommit(repo.git.repo, v.base) }),
    includePrompts: v['include-prompts'] === true,
    bundle: v.bundle === true,
    unlock: v.to !== undefined ? 'recipients' : 'passphrase',
    redaction: await readRedactionConfig(repo.git.repo),
  });
  const lockText = v.to !== undefined ? `${v.to.length} recipient${v.to.length === 1 ? '' : 's'} (${v.to.map((k) => `${k.slice(0, 12)}…`).join(', ')})` : 'a passphrase';
  const signingKey = await loadSigningKeyIfAny(readSettings().signingKeyFile);
  for (const w of built.warnings) warn(w);
  if (signingKey === null && !dryRun) warn("you have no signing key: the capsule is sealed unsigned, and its receiver cannot replay it with --yes (run 'git trace init' to make one)");
  if (dryRun) {
    if (v.json === true) outJson({ version: 1, dryRun: true, capsule: built.header.id, ...summaryJson(built, signingKey?.publicKey ?? null) });
    else out(describeSeal(built, lockText, signingKey));
    return 0;
  }
  if (v.yes !== true) {
    process.stderr.write(`${describeSeal(built, lockText, signingKey)}\n`);
    if (!(await askYesNo('Seal this and write it?'))) throw new UsageError('not sealed: nothing was written');
  }
  const lock: Lock = v.to !== undefined ? { kind: 'recipients', recipients: v.to } : { kind: 'passphrase', passphrase: v.passphrase === true ? await askNewPassphrase() : readPassphraseFd(fdNumber(v['passphrase-fd'])) };
  const bytes = await sealCapsule(built, lock, signingKey);
  if (output === '-') process.stdout.write(bytes);
  else writeAtomically(resolve(output ?? ''), bytes);
  if (output === '-') return 0;
  if (v.json === true) outJson({ version: 1, capsule: built.header.id, file: resolve(output ?? ''), bytes: bytes.length, ...summaryJson(built, signingKey?.publicKey ?? null) });
  else out(`Sealed capsule ${built.header.id} (${bytes.length} bytes) to ${output}`);
  return 0;
}

function summaryJson(built: BuiltCapsule, signer: string | null): Record<string, unknown> {
  const p = built.payload;
  return { signer: signer === null ? null : { key: signer, fingerprint: keyFingerprint(signer) }, createdAt: built.header.createdAt, session: p.session.id, slice: { from: p.slice.from, to: p.slice.to, failingStep: p.slice.failingStep }, files: built.files, promptsIncluded: p.intent.included, bundle: p.repository.bundle, verdict: p.verdict, redactions: p.redactions };
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
  const view = await viewOf(await unlock(file, args.values), []);
  if (args.values.json === true) {
    const { binding: _binding, ...payload } = view.capsule.payload;
    outJson({ version: 1, header: view.capsule.header, ...payload, signer: view.signer, writes: view.writes, runFiles: view.runFiles, baseInRepository: view.baseInRepository });
  } else out(describeCapsule(view, file));
  return 0;
}

/** Judge the signer against this repository's recipients (none outside a repository) and `trusted`. */
async function viewOf(capsule: OpenedCapsule, trusted: readonly string[]): Promise<CapsuleView> {
  const repo = await localRepo();
  const patches = episodePatches(capsule.payload);
  const signer = judgeSigner(capsule.signature, await recipientsOf(repo), trusted);
  const baseInRepository = repo !== null && (await hasCommit(repo.workTree ?? repo.gitDir, capsule.payload.repository.baseCommit));
  return { capsule, signer, writes: writtenPaths(patches), runFiles: runFiles(patches), baseInRepository };
}

async function recipientsOf(repo: GitRepo | null): Promise<Recipient[]> {
  if (repo === null) return [];
  const handle = handleFor(repo);
  try {
    return await readRecipients(handle);
  } finally {
    handle.close();
  }
}

const RUN_OPTIONS = { ...KEY_OPTIONS, timeout: { type: 'string' }, yes: { type: 'boolean' }, 'trust-signer': { type: 'string', multiple: true }, network: { type: 'boolean' }, json: { type: 'boolean' } } as const;

interface RunValues {
  readonly identity?: string | undefined;
  readonly passphrase?: boolean | undefined;
  readonly 'passphrase-fd'?: string | undefined;
  readonly yes?: boolean | undefined;
  readonly 'trust-signer'?: string[] | undefined;
  readonly network?: boolean | undefined;
}

/**
 * Open the capsule and get consent to run its code, by replay's rules: without --yes, a terminal
 * to ask on; with --yes, a signer that is a recipient here or named by --trust-signer. `command`
 * is what will run when it is not the capsule's own verdict command (bisect --test).
 */
async function consentToRun(file: string, values: RunValues, sub: string, command?: string): Promise<{ view: CapsuleView; sandbox: Isolation }> {
  if (values.yes !== true && !hasTerminal()) {
    throw new UsageError("refusing to run the capsule's command without consent: there is no terminal to ask on", { hint: `read what it runs with 'git trace capsule open ${file}', then ${sub} with --yes` });
  }
  const trusted = (values['trust-signer'] ?? []).map(trustedKey);
  const view = await viewOf(await unlock(file, values), trusted);
  const signer = view.signer;
  if (values.yes === true && !signer.trusted) {
    if (signer.fingerprint === null) throw new KeyError("refusing to run an unsigned capsule's command with --yes", { hint: `${sub} it on a terminal to be asked, or ask the sender to seal it again with a signing key ('git trace init' makes one)` });
    throw new KeyError(`refusing to run with --yes a capsule signed by an unknown key ${signer.fingerprint}`, { hint: `if you know this key is the sender's, run again with: --trust-signer ${signer.fingerprint}` });
  }
  const sandbox = isolation(values.network === true);
  if (sandbox.network === 'not-isolated' && values.network !== true) warn(`network is not isolated: ${sandbox.how}`);
  if (values.yes !== true) {
    const p = view.capsule.payload;
    const shown = command === undefined ? view : { ...view, capsule: { ...view.capsule, payload: { ...p, verdict: { ...p.verdict, command } } } };
    process.stderr.write(`${describeConsent(shown, file, sandbox)}\n`);
    if (!(await askYesNo(replayQuestion(signer)))) throw new UsageError(`not ${sub === 'bisect' ? 'bisected' : 'replayed'}: nothing was run`);
  }
  return { view, sandbox };
}

function timeoutOf(text: string | undefined, fallback: number): number {
  const timeout = text === undefined ? fallback : wholeNumber(text, '--timeout');
  if (timeout < 1) throw new UsageError('--timeout needs at least 1 second');
  return timeout;
}

/** Progress on a terminal only: a pipe gets the result alone. */
function progress(message: string): void {
  if (process.stderr.isTTY === true) process.stderr.write(`${message}\n`);
}

async function replay(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { ...RUN_OPTIONS, against: { type: 'string' }, keep: { type: 'string' } }, HELP);
  if (args === null) return 0;
  const file = oneFile(args.positionals, 'replay');
  const timeout = timeoutOf(args.values.timeout, 120);
  const { view, sandbox } = await consentToRun(file, args.values, 'replay');
  const signer = view.signer;
  const report: ReplayReport = await replayCapsule(view.capsule, {
    local: await localRepo(),
    ...(args.values.against === undefined ? {} : { against: args.values.against }),
    ...(args.values.keep === undefined ? {} : { keep: args.values.keep }),
    timeoutMs: timeout * 1000,
    isolation: sandbox,
    progress,
  });
  if (args.values.json === true) outJson({ ...report, signer });
  else out(describeReplay(report, signer));
  return report.verdict === 'inconclusive' ? 1 : 0;
}

async function bisect(argv: readonly string[]): Promise<number> {
  const args = parseCommand(argv, { ...RUN_OPTIONS, test: { type: 'string' }, fixed: { type: 'boolean' } }, HELP);
  if (args === null) return 0;
  const file = oneFile(args.positionals, 'bisect');
  if (args.values.test !== undefined && args.values.test.trim() === '') throw new UsageError('--test needs a command');
  const timeout = timeoutOf(args.values.timeout, 300);
  const fixed = args.values.fixed === true;
  const { view, sandbox } = await consentToRun(file, args.values, 'bisect', args.values.test);
  const payload = view.capsule.payload;
  const test = args.values.test ?? payload.verdict.command;
  const json = args.values.json === true;
  const { result, source } = await bisectCapsule(view.capsule, {
    local: await localRepo(),
    test,
    fixed,
    timeoutMs: timeout * 1000,
    isolation: sandbox,
    progress,
    ...(json ? {} : { onRun: (r: BisectRun) => info(describeRun(r, fixed)) }),
  });
  if (json) {
    outJson({ version: 1, capsule: view.capsule.header.id, session: payload.session.id, base: { commit: payload.repository.baseCommit, source }, test, fixed, network: sandbox.network, signer: view.signer, ...result, ...(result.found ? {} : { step: null }) });
  } else out(renderBisect(result, payload.slice.steps, fixed));
  return result.found ? 0 : 1;
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

/** A --trust-signer value: a fingerprint or an ssh-ed25519 public key. */
function trustedKey(text: string): string {
  if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(text) || isSigningPublicKey(text)) return text;
  throw new UsageError(`--trust-signer needs a key fingerprint (SHA256:…) or 'ssh-ed25519 AAAA…', not '${text}'`);
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
