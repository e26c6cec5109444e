// The bench's command line: --json FILE, --quick, --only P1,P2, --keep.

import { parseArgs } from 'node:util';
import { MEASURE_IDS, type MeasureId } from './types.js';

export interface BenchArgs {
  readonly json?: string;
  readonly quick: boolean;
  readonly keep: boolean;
  readonly only: readonly MeasureId[];
}

export const USAGE = `usage: npm run bench -- [--quick] [--only P1,P2,P3,P4,P5,P6,P7,H] [--json FILE] [--keep]

    --quick      smaller data and fewer repeats (a smoke test, well under a minute)
    --only IDS   run only these measures (comma-separated)
    --json FILE  also write the table and the figures to FILE
    --keep       keep the temporary data (its folder is printed)`;

export class BenchUsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchArgs | null {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: 'string' }, quick: { type: 'boolean' }, keep: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help === true) return null;
  const only = values.only === undefined ? [...MEASURE_IDS] : values.only.split(',').map((s) => s.trim().toUpperCase());
  const unknown = only.filter((id) => !(MEASURE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new BenchUsageError(`unknown measure '${unknown.join(', ')}' (the measures are ${MEASURE_IDS.join(', ')})`);
  return {
    ...(values.json === undefined ? {} : { json: values.json }),
    quick: values.quick === true,
    keep: values.keep === true,
    only: only as MeasureId[],
  };
}
