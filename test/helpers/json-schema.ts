// The schema files in fixtures/schemas/, read for tests; the validator is lib/model/json-schema.ts,
// the one import uses too.

import { readFileSync } from 'node:fs';
import type { Schema } from '../../lib/model/json-schema.js';

export { validate, type Schema } from '../../lib/model/json-schema.js';

export function loadSchema(file: string): Schema {
  return JSON.parse(readFileSync(file, 'utf8')) as Schema;
}
