// Tree objects in git's binary form, both ways: `<mode> <name>\0<raw oid>` per entry, in git's
// order. Small and dependency-free, for the hook's hot path as much as for the store.

export interface TreeEntry {
  readonly mode: string;
  readonly type: 'blob' | 'tree' | 'commit';
  readonly name: string;
  readonly oid: string;
}

/** Parse a raw tree object: repeated `<mode> <name>\0<raw oid>`. */
export function parseTree(data: Buffer, rawOidLength: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(32, at);
    const nul = data.indexOf(0, space);
    if (space === -1 || nul === -1) break;
    const mode = data.toString('latin1', at, space);
    const name = data.toString('utf8', space + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 1 + rawOidLength);
    const type = mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    entries.push({ mode: mode === '40000' ? '040000' : mode, type, name, oid });
    at = nul + 1 + rawOidLength;
  }
  return entries;
}

export function formatTree(entries: readonly TreeEntry[], rawOidLength: number): Buffer {
  const sorted = [...entries].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  const parts: Buffer[] = [];
  for (const entry of sorted) {
    const mode = entry.type === 'tree' ? '40000' : entry.mode;
    parts.push(Buffer.from(`${mode} ${entry.name}\0`, 'utf8'));
    const oid = Buffer.from(entry.oid, 'hex');
    if (oid.length !== rawOidLength) throw new Error(`bad object id '${entry.oid}' for tree entry '${entry.name}'`);
    parts.push(oid);
  }
  return Buffer.concat(parts);
}

// git sorts tree entries by name, comparing a subtree's name as if it ended with '/'.
function sortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.type === 'tree' ? `${entry.name}/` : entry.name, 'utf8');
}
