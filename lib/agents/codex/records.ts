// Codex rollout lines, narrowed once from outside JSON into one envelope shape.
//
// Rules: since ~0.4x every line is `{timestamp, type, payload}`. The legacy form (≤ ~0.3x, known
// only from other parsers' notes) is a bare header `{id, timestamp, instructions, git}` on line 1,
// `{"record_type": "state"}` markers, and bare response items without `payload`; it is mapped onto
// the same envelope here so the timeline never sees two forms. A record whose essential fields
// have the wrong type is reported through `ShapeError` and skipped by the caller.

import { asString, isRecord, type JsonRecord } from '../../model/json.js';

export type RecordType = 'session_meta' | 'turn_context' | 'response_item' | 'event_msg' | 'compacted' | 'other';

export interface CodexRecord {
  readonly type: RecordType;
  /** The raw envelope `type` (kept for unknown kinds, so they can be counted by name). */
  readonly rawType: string;
  /** `payload.type`, when the payload has one. */
  readonly payloadType: string | undefined;
  readonly payload: JsonRecord;
  /** The envelope timestamp when it is an ISO date; null otherwise. */
  readonly timestamp: string | null;
  /** A timestamp was present but not an ISO date (worth a warning, not fatal). */
  readonly badTimestamp: boolean;
}

/** A record of a known kind whose essential fields do not have the expected type. */
export class ShapeError extends Error {}

const ENVELOPE_TYPES: ReadonlySet<string> = new Set(['session_meta', 'turn_context', 'response_item', 'event_msg', 'compacted']);

/** Response item kinds that a legacy (payload-less) rollout writes bare. */
const LEGACY_ITEM_TYPES: ReadonlySet<string> = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'local_shell_call',
  'web_search_call',
]);

/** A timestamp the step model accepts (an ISO date), or null. */
export function isoOrNull(value: unknown): string | null {
  const text = asString(value);
  return text !== undefined && !Number.isNaN(Date.parse(text)) ? text : null;
}

/** The kind a record is counted under in `stats.skipped`: `type/payload.type`. */
export function kindOf(record: CodexRecord): string {
  return record.payloadType === undefined ? record.rawType : `${record.rawType}/${record.payloadType}`;
}

/** Narrow one parsed JSON line; throws ShapeError when it is not a record at all. */
export function narrowRecord(value: unknown, line: number): CodexRecord {
  if (!isRecord(value)) throw new ShapeError('not a JSON object');
  const type = value['type'];
  if (type === undefined && value['payload'] === undefined) return legacyRecord(value, line);
  if (typeof type !== 'string') throw new ShapeError(`'type' must be a string`);
  const rawTimestamp = value['timestamp'];
  const timestamp = isoOrNull(rawTimestamp);
  const badTimestamp = rawTimestamp !== undefined && rawTimestamp !== null && timestamp === null;
  if (!ENVELOPE_TYPES.has(type)) {
    if (value['payload'] === undefined && LEGACY_ITEM_TYPES.has(type)) {
      return { type: 'response_item', rawType: 'response_item', payloadType: type, payload: value, timestamp, badTimestamp };
    }
    const payload = isRecord(value['payload']) ? value['payload'] : {};
    return { type: 'other', rawType: type, payloadType: asString(payload['type']), payload, timestamp, badTimestamp };
  }
  const payload = value['payload'];
  if (!isRecord(payload)) throw new ShapeError(`'${type}' payload must be an object`);
  const payloadType = payload['type'];
  if (payloadType !== undefined && typeof payloadType !== 'string') throw new ShapeError(`'${type}' payload 'type' must be a string`);
  if ((type === 'response_item' || type === 'event_msg') && payloadType === undefined) {
    throw new ShapeError(`'${type}' payload has no 'type'`);
  }
  return { type: type as RecordType, rawType: type, payloadType, payload, timestamp, badTimestamp };
}

function legacyRecord(value: JsonRecord, line: number): CodexRecord {
  const timestamp = isoOrNull(value['timestamp']);
  if (value['record_type'] !== undefined) {
    return { type: 'other', rawType: `record_type:${String(value['record_type'])}`, payloadType: undefined, payload: value, timestamp, badTimestamp: false };
  }
  // The legacy header is the first line: `{id, timestamp, instructions?, git?}`.
  if (line === 1 && typeof value['id'] === 'string') {
    return { type: 'session_meta', rawType: 'session_meta', payloadType: undefined, payload: value, timestamp, badTimestamp: false };
  }
  throw new ShapeError(`record without a 'type'`);
}

/** Required string field of a payload, or ShapeError naming it. */
export function needString(payload: JsonRecord, key: string, kind: string): string {
  const value = payload[key];
  if (typeof value !== 'string') throw new ShapeError(`'${kind}' needs a string '${key}'`);
  return value;
}

/** Optional string field: undefined when absent or null, ShapeError when of another type. */
export function optionalString(payload: JsonRecord, key: string, kind: string): string | undefined {
  const value = payload[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ShapeError(`'${kind}' field '${key}' must be a string`);
  return value;
}

/** Optional number field: undefined when absent or null, ShapeError when of another type. */
export function optionalNumber(payload: JsonRecord, key: string, kind: string): number | undefined {
  const value = payload[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(`'${kind}' field '${key}' must be a number`);
  return value;
}
