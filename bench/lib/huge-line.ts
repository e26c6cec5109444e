// One huge transcript line (issue 11: "a 100 MB transcript with a 100 MB line imports in bounded
// memory"): a Claude Code session whose Bash call printed a huge log, imported by
// `git trace import FILE` in a child process whose peak resident memory is read as it exits.

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../../test/helpers/paths.js';
import { logText, writeHugeOutputTranscript } from '../../test/helpers/huge-output.js';
import { runProc } from './proc.js';
import { freshTraceRepo } from './trace-cli.js';

export interface HugeLineRun {
  /** The import's peak resident set size; NaN when it died before it could say (killed, out of memory). */
  readonly peakRssBytes: number;
  readonly ms: number;
  /** Its exit code: 0 when it imported, -1 when a signal ended it. */
  readonly status: number;
}

/** Every exit is a result here, not a failure of the bench. */
const ANY_STATUS = Array.from({ length: 257 }, (_, i) => i - 1);

/**
 * Make a repository under `root`, write a transcript whose one huge line is about `megabytes` MiB
 * (the log twice, as Claude Code writes a result: the tool_result's content and
 * toolUseResult.stdout, half each), and time `git trace import` of it.
 */
export async function measureHugeLine(root: string, env: NodeJS.ProcessEnv, megabytes: number): Promise<HugeLineRun> {
  const dir = join(root, `huge-line-${megabytes}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const repo = freshTraceRepo(join(dir, 'repo'), env);
  const transcript = join(dir, 'transcript.jsonl');
  writeHugeOutputTranscript(transcript, repo, logText((megabytes * 2 ** 20) / 2));
  const rssFile = join(dir, 'max-rss');
  const run = runProc(process.execPath, ['--import', recordMaxRss(rssFile), CLI, 'import', '--', transcript], { cwd: repo, env, okCodes: ANY_STATUS });
  // Node gives maxRSS in kilobytes.
  const peakRssBytes = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) * 1024 : Number.NaN;
  rmSync(transcript, { force: true });
  return { peakRssBytes, ms: run.ms, status: run.status };
}

/** A module to preload that writes the process's peak RSS (kilobytes) to `file` as it exits. */
function recordMaxRss(file: string): string {
  const source = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(${JSON.stringify(file)}, String(process.resourceUsage().maxRSS)));`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
