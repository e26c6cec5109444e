// Reading Agent Trace records (cursor/agent-trace v0.1) for `git trace import --format agent-trace`.
// A file holds one record (a JSON document, as `export --format agent-trace REV` writes), an
// array of records, or one record per line (JSONL: a range's export, or the spec reference's
// `.agent-trace/traces.jsonl`). Each record is checked against the spec's schema
// (lib/export/agent-trace-schema.ts); one that does not validate is reported with its file and
// index (1-based, in file order) and skipped, and the others are read on.
//
// The one leniency: `version` may be MAJOR.MINOR as well as MAJOR.MINOR.PATCH. The schema we
// keep (spec v0.1.0) asks for three parts, the spec's later text and its reference writer
// ("1.0") for two; refusing either would refuse records the spec's own tools write.

import { isRecord, type JsonRecord } from '../model/json.js';
import { validate, type Schema } from '../model/json-schema.js';
import { TRACE_RECORD_SCHEMA } from '../export/agent-trace-schema.js';

export type InputContributorType = 'human' | 'ai' | 'mixed' | 'unknown';

export interface InputContributor {
  readonly type: InputContributorType;
  readonly model_id?: string;
}

export interface InputRange {
  readonly start_line: number;
  readonly end_line: number;
  readonly contributor?: InputContributor;
}

export interface InputConversation {
  readonly url?: string;
  readonly contributor?: InputContributor;
  readonly ranges: readonly InputRange[];
}

export interface InputFile {
  readonly path: string;
  readonly conversations: readonly InputConversation[];
}

/** A record that passed the schema: the fields import reads, typed. */
export interface InputRecord {
  readonly version: string;
  readonly id: string;
  readonly timestamp: string;
  readonly vcs?: { readonly type: string; readonly revision: string };
  readonly tool?: { readonly name?: string; readonly version?: string };
  readonly files: readonly InputFile[];
  readonly metadata?: JsonRecord;
}

/** A record with where it came from, for warnings. */
export interface LocatedRecord {
  readonly file: string;
  /** 1-based position among the file's records. */
  readonly index: number;
  readonly record: InputRecord;
}

export interface TraceFileRead {
  readonly records: readonly LocatedRecord[];
  readonly badRecords: number;
}

const VERSION_PATTERN = '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$';

const SCHEMA: Schema = withVersionPattern(TRACE_RECORD_SCHEMA);

function withVersionPattern(schema: Schema): Schema {
  if (!isRecord(schema) || !isRecord(schema['properties'])) return schema;
  const properties = schema['properties'];
  return { ...schema, properties: { ...properties, version: { ...(properties['version'] as JsonRecord), pattern: VERSION_PATTERN } } };
}

/** The records of one file's text; `name` is what warnings call the file. */
export function readTraceRecords(name: string, text: string, warn: (message: string) => void): TraceFileRead {
  const records: LocatedRecord[] = [];
  let badRecords = 0;
  const values = splitRecords(text);
  if (values === null) {
    warn(`${name}: not JSON, nor one JSON record per line`);
    return { records, badRecords: 1 };
  }
  values.forEach((item, i) => {
    const index = i + 1;
    const problem = item.ok ? recordProblem(item.value) : item.error;
    if (problem !== null) {
      badRecords++;
      warn(`${name}: record ${index}: ${problem}; skipped`);
      return;
    }
    records.push({ file: name, index, record: (item as { value: unknown }).value as InputRecord });
  });
  return { records, badRecords };
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** The file as a list of record values: a document, an array, or JSON lines; null when none of them. */
function splitRecords(text: string): Parsed[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const whole = tryParse(trimmed);
  if (whole !== undefined) return Array.isArray(whole) ? whole.map((value) => ({ ok: true, value })) : [{ ok: true, value: whole }];
  if (trimmed.startsWith('[')) return null;
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((line): Parsed => {
    const value = tryParse(line);
    return value === undefined ? { ok: false, error: 'not valid JSON' } : { ok: true, value };
  });
  return parsed.some((p) => p.ok) ? parsed : null;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Why the value is not a record we can read, or null when it is one. */
function recordProblem(value: unknown): string | null {
  const errors = validate(SCHEMA, value);
  if (errors.length > 0) return `not a valid Agent Trace record (${errors.slice(0, 3).join('; ')}${errors.length > 3 ? `; ${errors.length - 3} more` : ''})`;
  const record = value as InputRecord;
  for (const file of record.files) {
    for (const conversation of file.conversations) {
      for (const range of conversation.ranges) {
        if (range.end_line < range.start_line) return `a range of '${file.path}' ends (${range.end_line}) before it starts (${range.start_line})`;
      }
    }
  }
  return null;
}
