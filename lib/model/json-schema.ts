// A small JSON Schema (2020-12) validator for the schemas git-trace reads and writes (those in
// fixtures/schemas/, and the Agent Trace record schema import checks input against): the
// keywords those files use and nothing more. A keyword it does not know is an error, never
// silently passed, so a schema that grows one fails loudly here instead of checking less.

export type Schema = boolean | { readonly [key: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'default', 'examples']);
const KNOWN = new Set(['$ref', 'type', 'enum', 'const', 'required', 'properties', 'additionalProperties', 'items', 'minItems', 'minimum', 'maxLength', 'pattern', 'anyOf', 'format']);

/** The errors of `value` against `schema` (empty: valid), each as `path: what`. */
export function validate(schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, schema, value, '', errors);
  return errors;
}

function check(root: Schema, schema: Schema, value: unknown, at: string, errors: string[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push(`${at || '/'}: not allowed`);
    return;
  }
  for (const key of Object.keys(schema)) if (!ANNOTATIONS.has(key) && !KNOWN.has(key)) throw new Error(`json-schema: keyword '${key}' is not supported`);
  const where = at || '/';
  if (typeof schema['$ref'] === 'string') check(root, resolveRef(root, schema['$ref']), value, at, errors);
  if (schema['type'] !== undefined) {
    const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : [schema['type'] as string];
    if (!types.some((t) => hasType(value, t))) {
      errors.push(`${where}: must be ${types.join(' or ')}`);
      return;
    }
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].some((e) => deepEqual(e, value))) errors.push(`${where}: must be one of ${JSON.stringify(schema['enum'])}`);
  if ('const' in schema && !deepEqual(schema['const'], value)) errors.push(`${where}: must be ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['anyOf'])) {
    const passes = (schema['anyOf'] as Schema[]).some((s) => {
      const sub: string[] = [];
      check(root, s, value, at, sub);
      return sub.length === 0;
    });
    if (!passes) errors.push(`${where}: matches none of anyOf`);
  }
  if (typeof value === 'string') {
    if (typeof schema['maxLength'] === 'number' && [...value].length > schema['maxLength']) errors.push(`${where}: longer than ${schema['maxLength']}`);
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) errors.push(`${where}: does not match ${schema['pattern']}`);
    if (typeof schema['format'] === 'string' && !hasFormat(value, schema['format'])) errors.push(`${where}: not a ${schema['format']}`);
  }
  if (typeof value === 'number' && typeof schema['minimum'] === 'number' && value < schema['minimum']) errors.push(`${where}: less than ${schema['minimum']}`);
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) errors.push(`${where}: fewer than ${schema['minItems']} items`);
    if (schema['items'] !== undefined) value.forEach((v: unknown, i) => check(root, schema['items'] as Schema, v, `${at}/${i}`, errors));
  }
  if (isObject(value)) {
    const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
    for (const key of required) if (!(key in value)) errors.push(`${where}: missing '${key}'`);
    const properties = isObject(schema['properties']) ? (schema['properties'] as Record<string, Schema>) : {};
    for (const [key, v] of Object.entries(value)) {
      const sub = properties[key];
      if (sub !== undefined) check(root, sub, v, `${at}/${key}`, errors);
      else if (schema['additionalProperties'] !== undefined) check(root, schema['additionalProperties'] as Schema, v, `${at}/${key}`, errors);
    }
  }
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`json-schema: only local $ref, not '${ref}'`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!isObject(node)) throw new Error(`json-schema: cannot resolve '${ref}'`);
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined) throw new Error(`json-schema: cannot resolve '${ref}'`);
  return node as Schema;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      throw new Error(`json-schema: type '${type}' is not supported`);
  }
}

// The formats as ajv-formats checks them ('full' mode), for the three these schemas name.
function hasFormat(value: string, format: string): boolean {
  switch (format) {
    case 'uuid':
      return /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value);
    case 'date-time': {
      const match = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.exec(value);
      return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12 && Number(match[3]) >= 1 && Number(match[3]) <= 31 && Number(match[4]) <= 23 && Number(match[5]) <= 59 && Number(match[6]) <= 60;
    }
    case 'uri':
      // RFC 3986 absolute URI: a scheme, a colon, then no spaces or characters URIs never hold.
      return /^[a-z][a-z0-9+.-]*:[^\s"<>\\^`{|}]*$/i.test(value);
    default:
      throw new Error(`json-schema: format '${format}' is not supported`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
