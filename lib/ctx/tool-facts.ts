// Facts read off tool steps, the same for every agent: the shell command a step ran, whether it
// failed, whether it looks like a test run, and the line of its output that says what went wrong.
// Used by resume packets, `context` and capsules (whose verdict is a failing command).

import { isRecord } from '../model/json.js';
import type { Step } from '../model/step.js';

// Each agent's shell tool: Claude Code Bash, Codex shell/exec_command, Gemini run_shell_command, Pi bash.
const SHELL_TOOLS: ReadonlySet<string> = new Set([
  'Bash',
  'bash',
  'shell',
  'shell_command',
  'local_shell',
  'exec_command',
  'container.exec',
  'unified_exec',
  'run_shell_command',
]);

/** The command line a shell tool step ran, or null for any other step. */
export function shellCommand(step: Step): string | null {
  if (step.kind !== 'tool' || !SHELL_TOOLS.has(step.tool.name)) return null;
  const input = step.tool.input;
  if (typeof input === 'string') return input.trim() === '' ? null : input;
  if (!isRecord(input)) return null;
  const value = input['command'] ?? input['cmd'];
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is string => typeof v === 'string')) return fromArgv(value);
  return null;
}

// Keys under which tools take a command, whatever the tool (shell tools, task runners, MCP tools).
const COMMAND_KEYS = ['command', 'cmd', 'script'];

/**
 * The command a tool step ran, from any tool whose input names one (`command`, `cmd` or
 * `script`, as text or argv words joined by spaces); null for other steps. Broader than
 * shellCommand: it is what `blame pr` shows as evidence.
 */
export function toolCommand(step: Step): string | null {
  if (step.kind !== 'tool' || !isRecord(step.tool.input)) return null;
  for (const key of COMMAND_KEYS) {
    const value = step.tool.input[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value.join(' ');
  }
  return null;
}

/** Codex writes `["bash", "-lc", "npm test"]`: the script is the command; else quote the words. */
function fromArgv(argv: readonly string[]): string {
  const [shell, flag, script] = argv;
  if (argv.length === 3 && shell !== undefined && /(^|\/)(ba|z|da)?sh$/.test(shell) && flag !== undefined && /^-l?c$/.test(flag) && script !== undefined) return script;
  return argv.map(shellQuote).join(' ');
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** A tool step whose call finished and failed: a non-zero exit code, or an error status. */
export function isFailedTool(step: Step): boolean {
  if (step.kind !== 'tool') return false;
  if (step.tool.exitCode !== undefined) return step.tool.exitCode !== 0;
  return step.tool.status === 'error';
}

// Test runners and the usual ways of calling them; a command naming a test file counts too.
const TEST_COMMAND = /(^|[\s;&|(/])(test|tests|jest|vitest|mocha|ava|tap|pytest|tox|nox|rspec|phpunit|ctest|prove)(\s|$|[;&|)])|\b(npm|pnpm|yarn|bun)\s+(run\s+)?t(est)?\b|\bnode\s+--test\b|\bgo\s+test\b|\bcargo\s+(test|nextest)\b|\bmake\s+(test|check)\b|\bgradle\w*\s+test\b|\bmvn\b.*\btest\b|\bdeno\s+test\b|\bunittest\b|[\w/.-]*(test|spec)[\w-]*\.(js|mjs|cjs|ts|py|rb|sh)\b/;

/** Whether a command line looks like it runs tests. */
export function isTestCommand(command: string): boolean {
  return TEST_COMMAND.test(command);
}

const CLAUDE_EXIT_LINE = /^(?:Error: )?Exit code -?\d+\s*$/;
const ERROR_LINE = /\b(AssertionError|Assertion failed|Error|ERROR|Exception|FAIL(?:ED)?|Failed|failed|panic|Traceback|not ok|expected|Expected|assert)\b/;
const LEADING_ERROR = /^([A-Z]\w*(Error|Exception)|Error|panic|FAIL(ED)?|not ok|Traceback)\b/;
const STRONG_ERROR_LINE = /\b(AssertionError|[A-Z]\w*Error|Exception|panic:|FAIL(?:ED)?\b|not ok\b|Traceback)/;

/**
 * The output line that best says what went wrong: the first line that starts with an error type
 * (`AssertionError [ERR_ASSERTION]: …`), else the first naming one, else the first with an error
 * word; null when no line does. Trimmed to 200 characters.
 * Claude Code's own "Exit code N" preface is not the tool's output and is never chosen.
 */
export function errorLine(output: string): string | null {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !CLAUDE_EXIT_LINE.test(l));
  const pick = lines.find((l) => LEADING_ERROR.test(l)) ?? lines.find((l) => STRONG_ERROR_LINE.test(l)) ?? lines.find((l) => ERROR_LINE.test(l));
  if (pick === undefined) return null;
  return pick.length > 200 ? pick.slice(0, 200) : pick;
}
