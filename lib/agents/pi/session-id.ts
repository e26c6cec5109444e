// Session ids from what a pi file offers: the header `id` (a uuid), else the file name
// `<timestamp>_<uuid>.jsonl`. Parents are named by a path to their file (v3 `parentSession`,
// v1 `branchedFrom`), whose name carries the parent's id the same way.

import { basename } from 'node:path';
import { isValidSessionId } from '../../model/session.js';

/** The id a file's name gives: the part after the last '_', without the extension. */
export function sessionIdFromFileName(file: string): string {
  const name = basename(file).replace(/\.(jsonl|json)$/i, '');
  const id = name.includes('_') ? name.slice(name.lastIndexOf('_') + 1) : name;
  return safeSessionId(id) ?? 'pi-session';
}

/** The id as is when it is a valid ref name, else with unsafe characters replaced; null when nothing is left. */
export function safeSessionId(raw: string): string | null {
  if (isValidSessionId(raw)) return raw;
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128)
    .replace(/(\.lock|\.)+$/, '');
  return isValidSessionId(cleaned) ? cleaned : null;
}

/**
 * The parent session's id from a header's `parentSession`/`branchedFrom`: the value itself when
 * it is an id, the id in its file name when it is a path to a `<timestamp>_<id>.jsonl` file,
 * otherwise undefined (a path that names no id).
 */
export function parentSessionId(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const isPath = value.includes('/') || value.includes('\\') || /\.(jsonl|json)$/i.test(value);
  if (!isPath) return isValidSessionId(value) ? value : undefined;
  const name = basename(value.replace(/\\/g, '/')).replace(/\.(jsonl|json)$/i, '');
  if (!name.includes('_')) return undefined;
  const id = name.slice(name.lastIndexOf('_') + 1);
  return isValidSessionId(id) ? id : undefined;
}
