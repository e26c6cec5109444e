// The one table: id, what, value, baseline, ratio, goal, ok/miss; and number formatting.

import { table } from '../../lib/cli/format.js';
import type { Figure, Row, RowStatus } from './types.js';

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function bytes(value: number): string {
  if (value >= 2 ** 30) return `${(value / 2 ** 30).toFixed(2)} GiB`;
  if (value >= 2 ** 20) return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (value >= 2 ** 10) return `${(value / 2 ** 10).toFixed(1)} KiB`;
  return `${value} B`;
}

export function figure(f: Figure | null): string {
  if (f === null) return '-';
  switch (f.unit) {
    case 'ms':
      return ms(f.value);
    case 'bytes':
      return bytes(f.value);
    case 'usd':
      return `$${f.value.toFixed(4)}`;
  }
}

export function ratio(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

const STATUS_TEXT: Readonly<Record<RowStatus, string>> = {
  ok: 'ok',
  miss: 'MISS',
  info: 'info',
  skipped: 'skipped',
  failed: 'FAILED',
  'not-built': 'not built yet',
};

export function renderTable(rows: readonly Row[]): string {
  const header = ['ID', 'WHAT', 'VALUE', 'BASELINE', 'RATIO', 'GOAL', 'OK'];
  const body = rows.map((r) => [r.id, r.what, figure(r.value), figure(r.baseline), ratio(r.ratio), r.goal?.label ?? '-', STATUS_TEXT[r.status]]);
  return table([header, ...body]);
}
