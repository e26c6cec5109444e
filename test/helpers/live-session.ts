// Playing a live agent session against a real repository: hook payloads in the agents' real
// shapes (templates from the shared fixtures' hooks/ folders when present), fed to the real CLI
// as the agent would, while the test edits files between PreToolUse and PostToolUse and writes
// the transcript lines the agent would write.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_TRANSCRIPTS } from './paths.js';
import type { TempRepo } from './repo.js';

type Json = Record<string, unknown>;

/** The first payload of a fixture file of real Claude Code hook payloads, or a minimal stand-in. */
export function claudeTemplate(name: string, fallback: Json): Json {
  const file = join(SHARED_TRANSCRIPTS, 'claude-code', 'hooks', name);
  if (!existsSync(file)) return fallback;
  const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const first = Array.isArray(value) ? (value[0] as Json) : (value as Json);
  const { logged_at: _l, timestamp: _t, raw_input: _r, ...payload } = first;
  return payload;
}

export interface HookCall {
  readonly event: string;
  readonly extra?: Json;
}

export class LiveSession {
  private clock = Date.parse('2026-11-21T10:00:00Z');

  constructor(
    readonly repo: TempRepo,
    readonly agent: 'claude-code' | 'codex' | 'gemini' | 'pi',
    readonly sessionId: string,
    readonly transcript: string | null,
  ) {}

  /** Send one hook event; the hook must exit 0 with nothing on stdout. */
  hook(event: string, extra: Json = {}, template: Json = {}): void {
    const payload: Json = {
      ...template,
      session_id: this.sessionId,
      cwd: this.repo.dir,
      hook_event_name: event,
      ...(this.transcript === null ? {} : { transcript_path: this.transcript }),
      ...extra,
    };
    const result = this.repo.trace(['hook', this.agent], { input: JSON.stringify(payload), env: { GIT_TRACE_BACKGROUND_FLUSH: '0' } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '');
  }

  /** Append records to the transcript, as the agent does while it runs. */
  write(...records: Json[]): void {
    assert.ok(this.transcript !== null);
    appendFileSync(this.transcript, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  tick(seconds = 1): string {
    this.clock += seconds * 1000;
    return new Date(this.clock).toISOString();
  }
}
