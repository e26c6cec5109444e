// Maps every string of a JSON value (arrays and records nested to any depth) and keeps all else.
// It walks with a stack of its own, not by recursion: a tool input nested 500,000 deep costs
// memory in proportion to its depth (a few tens of bytes a level), never call stack. A container
// is copied only once one of its children changes; one whose strings all come back unchanged is
// returned as it was, the same object, so a caller sees "nothing changed" by identity.

/** The new text of one string; `key` is the record key it sits under (undefined in an array or at the top). */
export type StringMapper = (text: string, key: string | undefined) => string;

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/**
 * The containers open from the root down to the one being walked, one entry per level in
 * parallel arrays (an object per level would double the memory of a deep walk).
 */
class Path {
  readonly sources: Container[] = [];
  /** A record's own enumerable keys; undefined for an array. */
  readonly keys: Array<readonly string[] | undefined> = [];
  /** The index of the next child to visit. */
  readonly next: number[] = [];
  /** The container's copy, made when a first child changed. */
  readonly copies: Array<Container | undefined> = [];

  push(source: Container): void {
    this.throwIfAncestor(source);
    this.sources.push(source);
    this.keys.push(Array.isArray(source) ? undefined : Object.keys(source));
    this.next.push(0);
    this.copies.push(undefined);
  }

  /**
   * A value that contains itself would make the path grow without end. Comparing each new
   * container with one ancestor, the one at the largest power-of-two depth not past the current
   * depth (Brent's cycle finding), catches it before the depth doubles past the cycle, at no
   * cost per level: a descent that never ends repeats with some period, and the ancestor at
   * depth 2^k comes back within it once 2^k passes where the repetition starts and its length.
   */
  private throwIfAncestor(source: Container): void {
    const depth = this.sources.length;
    if (depth === 0) return;
    if (this.sources[(1 << (31 - Math.clz32(depth))) - 1] === source) throw new TypeError('cannot walk a value that contains itself');
  }

  pop(): void {
    this.sources.pop();
    this.keys.pop();
    this.next.pop();
    this.copies.pop();
  }

  /** Record the new value of child `index` of the container at `level`. */
  store(level: number, index: number, value: unknown, before: unknown): void {
    let copy = this.copies[level];
    if (copy === undefined) {
      if (value === before) return;
      copy = this.copyBefore(level, index);
      this.copies[level] = copy;
    }
    const names = this.keys[level];
    if (names === undefined) (copy as unknown[])[index] = value;
    else (copy as Record<string, unknown>)[names[index] ?? ''] = value;
  }

  /** A copy of the container at `level` holding its children before `index` (holes stay holes). */
  private copyBefore(level: number, index: number): Container {
    const source = this.sources[level] as Container;
    const names = this.keys[level];
    if (names === undefined) {
      const items = source as unknown[];
      const copy = new Array<unknown>(items.length);
      for (let i = 0; i < index; i++) if (i in items) copy[i] = items[i];
      return copy;
    }
    const record = source as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (let i = 0; i < index; i++) {
      const name = names[i] ?? '';
      copy[name] = record[name];
    }
    return copy;
  }
}

/**
 * `value` with `map` applied to each string, depth first in document order. Object keys are
 * kept; numbers, booleans and null are kept; an array's holes stay holes; any other object is
 * walked as a record of its own enumerable properties. Throws `TypeError` on a value that
 * contains itself (JSON never does).
 */
export function mapJsonStrings(value: unknown, map: StringMapper): unknown {
  if (!isContainer(value)) return typeof value === 'string' ? map(value, undefined) : value;
  const path = new Path();
  path.push(value);
  for (;;) {
    const level = path.sources.length - 1;
    const source = path.sources[level] as Container;
    const names = path.keys[level];
    const index = path.next[level] ?? 0;
    if (index < (names === undefined ? (source as unknown[]).length : names.length)) {
      path.next[level] = index + 1;
      if (names === undefined && !(index in source)) continue;
      const key = names?.[index];
      const child = key === undefined ? (source as unknown[])[index] : (source as Record<string, unknown>)[key];
      if (isContainer(child)) path.push(child);
      else if (typeof child === 'string') path.store(level, index, map(child, key), child);
      else path.store(level, index, child, child);
      continue;
    }
    const result = path.copies[level] ?? source;
    path.pop();
    if (level === 0) return result;
    path.store(level - 1, (path.next[level - 1] ?? 1) - 1, result, source);
  }
}
