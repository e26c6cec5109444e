// Editing a tree by paths: only the subtrees along changed paths are read and rewritten, so
// adding a chunk to a long session touches a few small trees, never the whole session.

import type { ObjectReader, TreeEntry } from './object-reader.js';

/** Where new trees go: the object writer (at once) or a pack batch (later, in one go). */
export interface TreeSink {
  writeTree(entries: readonly TreeEntry[]): Promise<string> | string;
}

/** Path ('a/b/c.age') to the blob id it should hold. Stores here only add and replace. */
export type TreeChanges = ReadonlyMap<string, string>;

export async function editTree(reader: ObjectReader, writer: TreeSink, baseTree: string | null, changes: TreeChanges): Promise<string> {
  const base = baseTree === null ? [] : ((await reader.readTree(baseTree)) ?? []);
  const entries = new Map<string, TreeEntry>(base.map((entry) => [entry.name, entry]));
  const nested = new Map<string, Map<string, string>>();
  for (const [path, oid] of changes) {
    const slash = path.indexOf('/');
    if (slash === -1) {
      entries.set(path, { mode: '100644', type: 'blob', name: path, oid });
      continue;
    }
    const dir = path.slice(0, slash);
    let group = nested.get(dir);
    if (group === undefined) nested.set(dir, (group = new Map()));
    group.set(path.slice(slash + 1), oid);
  }
  for (const [dir, group] of nested) {
    const existing = entries.get(dir);
    const subtree = await editTree(reader, writer, existing?.type === 'tree' ? existing.oid : null, group);
    entries.set(dir, { mode: '040000', type: 'tree', name: dir, oid: subtree });
  }
  return writer.writeTree([...entries.values()]);
}

/** Every blob under a tree as a flat map of path to blob id (one read per subtree). */
export async function flattenTree(reader: ObjectReader, tree: string, prefix = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = await reader.readTree(tree);
  if (entries === null) return out;
  const subtrees = await Promise.all(
    entries.filter((e) => e.type === 'tree').map((e) => flattenTree(reader, e.oid, `${prefix}${e.name}/`)),
  );
  for (const entry of entries) if (entry.type === 'blob') out.set(`${prefix}${entry.name}`, entry.oid);
  for (const sub of subtrees) for (const [path, oid] of sub) out.set(path, oid);
  return out;
}
