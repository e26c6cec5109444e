// Asking the person at the terminal: a passphrase (not echoed) or a yes/no. Questions go to
// stderr, answers come from stdin when it is a terminal. A passphrase is never taken from the
// command line (it would sit in the shell history and the process list): it comes from the
// terminal, or from a file descriptor the caller opened (--passphrase-fd N).

import { readFileSync } from 'node:fs';
import { UsageError } from '../lib/errors.js';

export function hasTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/** The first line readable from an open file descriptor. */
export function readPassphraseFd(fd: number): string {
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read a passphrase from file descriptor ${fd}: ${(error as Error).message}`, { hint: 'open it for the command, e.g. --passphrase-fd 3 3<passphrase.txt' });
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError(`file descriptor ${fd} gave an empty passphrase`);
  return line;
}

// Typed-ahead input (a paste of several lines) is kept for the next question, not dropped.
let typedAhead = '';

/**
 * One line from the terminal: hidden (raw mode, no echo) for a passphrase, else as typed.
 * Backspace edits a hidden line; Ctrl-C aborts; Ctrl-D or Enter ends it.
 */
function readLine(hidden: boolean): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    const finish = (error: Error | null, line: string): void => {
      stdin.off('data', onData);
      if (hidden) stdin.setRawMode(false);
      stdin.pause();
      if (error !== null) reject(error);
      else resolve(line);
    };
    const take = (): boolean => {
      let line = '';
      for (let i = 0; i < typedAhead.length; i++) {
        const ch = typedAhead[i] ?? '';
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          typedAhead = typedAhead.slice(ch === '\r' && typedAhead[i + 1] === '\n' ? i + 2 : i + 1);
          finish(null, line);
          return true;
        }
        if (ch === '\u0003') {
          typedAhead = '';
          finish(new UsageError('interrupted'), '');
          return true;
        }
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
      return false;
    };
    const onData = (chunk: Buffer): void => {
      typedAhead += chunk.toString('utf8');
      take();
    };
    if (hidden) stdin.setRawMode(true);
    stdin.on('data', onData);
    if (!take()) stdin.resume();
  });
}

/** Read a line from the terminal without echoing it. */
export async function askHidden(prompt: string): Promise<string> {
  if (!hasTerminal()) throw new UsageError('no terminal to ask for the passphrase on', { hint: 'give it with --passphrase-fd N' });
  process.stderr.write(prompt);
  const answer = await readLine(true);
  process.stderr.write('\n');
  return answer;
}

/** Ask a question; true only for an answer starting with y. */
export async function askYesNo(question: string): Promise<boolean> {
  if (!hasTerminal()) return false;
  process.stderr.write(`${question} [y/N] `);
  return /^\s*y/i.test(await readLine(false));
}

/** Ask for a new passphrase twice; they must agree. */
export async function askNewPassphrase(): Promise<string> {
  const first = await askHidden('Passphrase for the capsule: ');
  if (first === '') throw new UsageError('the passphrase is empty');
  const second = await askHidden('The same passphrase again: ');
  if (first !== second) throw new UsageError('the two passphrases differ');
  return first;
}
