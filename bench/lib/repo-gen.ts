// Generated repositories with realistic nesting: ten top-level folders (src, packages, test,
// docs…) grown into a random tree up to 7 deep, about 9 files per folder, source files of 20 to
// 200 lines. Committed once, so the work tree is clean and the index carries stat data.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from './proc.js';
import type { Random } from './random.js';
import { sourceFile, type Vocabulary } from './words.js';

export interface GeneratedRepo {
  readonly dir: string;
  /** Repository-relative paths of the files written. */
  readonly files: readonly string[];
  readonly folders: number;
  readonly maxDepth: number;
  readonly bytes: number;
}

const TOP = ['src', 'lib', 'test', 'docs', 'scripts', 'packages', 'internal', 'cmd', 'examples', 'tools'];
const EXT = ['.ts', '.ts', '.ts', '.tsx', '.js', '.go', '.py', '.md', '.json', '.css'];

export function generateRepo(dir: string, fileCount: number, rng: Random, vocab: Vocabulary, env: NodeJS.ProcessEnv): GeneratedRepo {
  const name = (): string => vocab.word(rng).toLowerCase().replace(/[^a-z0-9_]/g, '').slice(0, 16) || 'mod';
  const folders = makeFolders(rng, name, Math.max(8, Math.round(fileCount / 9)));
  const files = new Set<string>(['README.md', 'package.json', '.gitignore']);
  while (files.size < fileCount) {
    const folder = rng.pick(folders);
    files.add(`${folder.path}/${name()}${rng.pick(EXT)}`);
  }
  let bytes = 0;
  for (const path of files) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    const text = path === '.gitignore' ? 'node_modules/\ndist/\n' : sourceFile(rng, vocab, rng.int(20, 200));
    writeFileSync(full, text);
    bytes += Buffer.byteLength(text);
  }
  const options = { cwd: dir, env };
  git(['init', '-q'], options);
  git(['add', '-A'], options);
  git(['commit', '-q', '-m', 'generated'], options);
  return { dir, files: [...files].sort(), folders: folders.length, maxDepth: Math.max(...folders.map((f) => f.depth)), bytes };
}

interface Folder {
  readonly path: string;
  readonly depth: number;
}

function makeFolders(rng: Random, name: () => string, wanted: number): Folder[] {
  const folders: Folder[] = TOP.map((path) => ({ path, depth: 1 }));
  const seen = new Set(folders.map((f) => f.path));
  while (folders.length < wanted) {
    const parent = rng.pick(folders);
    if (parent.depth >= 7) continue;
    const path = `${parent.path}/${name()}`;
    if (seen.has(path)) continue;
    seen.add(path);
    folders.push({ path, depth: parent.depth + 1 });
  }
  return folders;
}
