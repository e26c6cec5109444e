// A long synthetic Claude Code session (transcript-formats.md §1), by repeating one real-shaped
// turn: a typed prompt; a response that thinks, says what it will do and Reads a file; one that
// Edits it (file-history snapshot, toolUseResult with originalFile and structuredPatch); one
// that runs Bash (progress record, stdout or an `Exit code 1` error); a closing reply; the
// turn's duration. Every turn has fresh uuids, message, request and tool ids; its text is drawn
// from the vocabulary, and it works on a pool of project files that its edits change, so later
// reads and edits see earlier versions, as in a real session. Usage follows Claude Code's
// streaming records: the early blocks of a response carry a small output count.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Random } from './random.js';
import { prose, sourceFile, type Vocabulary } from './words.js';

export interface TranscriptSpec {
  readonly path: string;
  /** Stop after the turn that crosses this size. */
  readonly targetBytes: number;
  /** The session's working directory: edits are under it. */
  readonly cwd: string;
  readonly sessionId: string;
  readonly rng: Random;
  readonly vocab: Vocabulary;
}

export interface TranscriptStats {
  readonly bytes: number;
  readonly lines: number;
  readonly turns: number;
}

const MODELS = ['claude-opus-4-5-20251101', 'claude-opus-4-5-20251101', 'claude-opus-4-5-20251101', 'claude-sonnet-4-5-20250929'];
const START = Date.parse('2026-01-20T08:00:00.000Z');

type Json = Record<string, unknown>;

export function writeClaudeTranscript(spec: TranscriptSpec): TranscriptStats {
  mkdirSync(dirname(spec.path), { recursive: true });
  const fd = openSync(spec.path, 'w');
  const writer = new Writer(fd);
  const session = new SessionState(spec);
  let turns = 0;
  try {
    while (writer.bytes < spec.targetBytes) {
      for (const record of session.turn()) writer.line(JSON.stringify(record));
      turns++;
    }
    writer.flush();
  } finally {
    closeSync(fd);
  }
  return { bytes: writer.bytes, lines: writer.lines, turns };
}

class Writer {
  bytes = 0;
  lines = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  constructor(private readonly fd: number) {}

  line(text: string): void {
    const size = Buffer.byteLength(text) + 1;
    this.pending.push(text);
    this.pendingBytes += size;
    this.bytes += size;
    this.lines++;
    if (this.pendingBytes > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, `${this.pending.join('\n')}\n`);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

class SessionState {
  private clock = START;
  private parent: string | null = null;
  private cacheRead = 18_000;
  private readonly files: { path: string; text: string }[] = [];
  private readonly slug: string;

  constructor(private readonly spec: TranscriptSpec) {
    const { rng, vocab } = spec;
    this.slug = `${vocab.word(rng)}-${vocab.word(rng)}-${vocab.word(rng)}`.toLowerCase();
    for (let i = 0; i < 40; i++) {
      const dir = rng.pick(['src', 'src/lib', 'src/cli', 'test', 'src/store', 'src/model']);
      this.files.push({ path: `${dir}/${vocab.word(rng).toLowerCase().replace(/[^a-z0-9_]/g, '') || 'mod'}-${i}.ts`, text: sourceFile(rng, vocab, rng.int(60, 220)) });
    }
  }

  turn(): Json[] {
    const { rng, vocab } = this.spec;
    const model = rng.pick(MODELS);
    const file = rng.pick(this.files);
    const absolute = `${this.spec.cwd}/${file.path}`;
    const out: Json[] = [];
    const prompt = this.record('user', { message: { role: 'user', content: prose(rng, vocab, rng.int(40, 400)) }, thinkingMetadata: { level: 'high', disabled: false, triggers: [] }, todos: [] });
    out.push(prompt);
    const promptUuid = prompt['uuid'] as string;

    // Response 1: think, say, Read.
    const readId = this.toolId();
    out.push(...this.response(model, [
      { type: 'thinking', thinking: prose(rng, vocab, rng.int(150, 1500)), signature: this.signature() },
      { type: 'text', text: prose(rng, vocab, rng.int(30, 200)) },
      { type: 'tool_use', id: readId, name: 'Read', input: { file_path: absolute } },
    ]));
    const lines = file.text.split('\n');
    const numbered = lines.map((l, i) => `${String(i + 1).padStart(6)}→${l}`).join('\n');
    out.push(this.toolResult(readId, numbered, false, { type: 'text', file: { filePath: absolute, content: file.text, numLines: lines.length, startLine: 1, totalLines: lines.length } }));

    // Response 2: think, Edit one line.
    const editId = this.toolId();
    const at = rng.int(4, Math.max(4, lines.length - 2));
    const oldLine = lines[at] ?? '';
    const newLine = `${oldLine.replace(/\S.*$/, '')}// ${vocab.sentence(rng, rng.int(4, 10))}\n${oldLine}`;
    out.push(...this.response(model, [
      { type: 'thinking', thinking: prose(rng, vocab, rng.int(100, 800)), signature: this.signature() },
      { type: 'tool_use', id: editId, name: 'Edit', input: { replace_all: false, file_path: absolute, old_string: oldLine, new_string: newLine } },
    ]));
    const original = file.text;
    file.text = [...lines.slice(0, at), newLine, ...lines.slice(at + 1)].join('\n');
    out.push({ type: 'file-history-snapshot', messageId: promptUuid, snapshot: { messageId: promptUuid, trackedFileBackups: { [file.path]: { backupFileName: `${rng.hex(16)}@v1`, version: 1, backupTime: this.now() } }, timestamp: this.now() }, isSnapshotUpdate: true });
    out.push(this.toolResult(editId, `The file ${absolute} has been updated successfully.`, false, {
      filePath: absolute,
      oldString: oldLine,
      newString: newLine,
      originalFile: original,
      structuredPatch: [hunk(lines, at, newLine.split('\n'))],
      userModified: false,
      replaceAll: false,
    }));

    // Response 3: run the tests.
    const bashId = this.toolId();
    out.push(...this.response(model, [{ type: 'tool_use', id: bashId, name: 'Bash', input: { command: rng.pick(['npm test 2>&1', 'npx tsc -p . 2>&1', 'go test ./... 2>&1', 'npm run lint']), description: vocab.sentence(rng, rng.int(3, 7)) } }]));
    out.push(this.record('progress', { data: { type: 'bash_progress', output: vocab.sentence(rng, 6), fullOutput: vocab.sentence(rng, 6), elapsedTimeSeconds: rng.int(1, 9), totalLines: 1 }, toolUseID: 'bash-progress-0', parentToolUseID: bashId }));
    const output = this.testOutput();
    const failed = rng.chance(0.2);
    out.push(
      failed
        ? this.toolResult(bashId, `Exit code 1\n${output}`, true, `Error: Exit code 1\n${output}`)
        : this.toolResult(bashId, output, false, { stdout: output, stderr: '', interrupted: false, isImage: false }),
    );

    // Response 4: the reply.
    out.push(...this.response(model, [{ type: 'text', text: prose(rng, vocab, rng.int(100, 900)) }], 'end_turn'));
    out.push(this.record('system', { subtype: 'turn_duration', durationMs: rng.int(5_000, 120_000), isMeta: false }));
    this.clock += rng.int(30, 600) * 1000;
    return out;
  }

  private record(type: string, body: Json): Json {
    this.clock += this.spec.rng.int(200, 9_000);
    const uuid = this.spec.rng.uuid();
    const record: Json = {
      parentUuid: this.parent,
      isSidechain: false,
      userType: 'external',
      cwd: this.spec.cwd,
      sessionId: this.spec.sessionId,
      version: '2.1.41',
      gitBranch: 'main',
      slug: this.slug,
      type,
      ...body,
      uuid,
      timestamp: this.now(),
    };
    this.parent = uuid;
    return record;
  }

  /** One API response written as one record per content block, each repeating the usage. */
  private response(model: string, blocks: readonly Json[], stop: string | null = null): Json[] {
    const { rng } = this.spec;
    const id = `msg_01${rng.base62(22)}`;
    const requestId = `req_011C${rng.base62(18)}`;
    const write = rng.int(200, 6_000);
    const oneHour = rng.chance(0.3) ? write : 0;
    this.cacheRead += rng.int(500, 4_000);
    if (this.cacheRead > 160_000) this.cacheRead = 20_000;
    const finalOutput = rng.int(40, 2_500);
    return blocks.map((block, i) => {
      const last = i === blocks.length - 1;
      const usage = {
        input_tokens: rng.int(1, 12),
        cache_creation_input_tokens: write,
        cache_read_input_tokens: this.cacheRead,
        cache_creation: { ephemeral_5m_input_tokens: write - oneHour, ephemeral_1h_input_tokens: oneHour },
        output_tokens: last && stop !== null ? finalOutput : rng.int(1, 9),
        service_tier: 'standard',
      };
      return this.record('assistant', {
        message: { model, id, type: 'message', role: 'assistant', content: [block], stop_reason: last ? stop : null, stop_sequence: null, usage },
        requestId,
      });
    });
  }

  private toolResult(id: string, content: string, isError: boolean, result: unknown): Json {
    return this.record('user', {
      message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, ...(isError ? { is_error: true } : {}) }] },
      toolUseResult: result,
      sourceToolAssistantUUID: this.parent,
    });
  }

  private toolId(): string {
    return `toolu_01${this.spec.rng.base62(22)}`;
  }

  private signature(): string {
    const { rng } = this.spec;
    return Buffer.from(Array.from({ length: rng.int(150, 450) }, () => rng.int(0, 255))).toString('base64');
  }

  private testOutput(): string {
    const { rng, vocab } = this.spec;
    const out: string[] = [`> ${vocab.word(rng)}@1.0.0 test`, ''];
    const n = rng.int(5, 60);
    for (let i = 0; i < n; i++) out.push(`${rng.chance(0.9) ? '✔' : '✖'} ${vocab.sentence(rng, rng.int(3, 9))} (${(rng.next() * 40).toFixed(3)}ms)`);
    out.push('', `ℹ tests ${n}`, `ℹ pass ${n - 1}`, 'ℹ fail 1');
    return out.join('\n');
  }

  private now(): string {
    return new Date(this.clock).toISOString();
  }
}

/** The structuredPatch hunk replacing line `at` (0-based) by `added`, with 3 lines of context. */
function hunk(lines: readonly string[], at: number, added: readonly string[]): Json {
  const from = Math.max(0, at - 3);
  const to = Math.min(lines.length, at + 4);
  const before = lines.slice(from, at).map((l) => ` ${l}`);
  const after = lines.slice(at + 1, to).map((l) => ` ${l}`);
  const oldLines = to - from;
  return {
    oldStart: from + 1,
    oldLines,
    newStart: from + 1,
    newLines: oldLines - 1 + added.length,
    lines: [...before, `-${lines[at] ?? ''}`, ...added.map((l) => `+${l}`), ...after],
  };
}
