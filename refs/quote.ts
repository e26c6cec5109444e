// git quotes paths with unusual bytes in its output ("a\tb", octal escapes for the rest) unless
// -z is used; this gives the path back.

const ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };

export function unquoteGitPath(path: string): string {
  const trimmed = path.replace(/\t$/, '');
  if (!trimmed.startsWith('"')) return trimmed;
  const inner = trimmed.slice(1, trimmed.endsWith('"') ? -1 : undefined);
  const bytes: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] ?? '';
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(inner.slice(i + 1));
    if (octal !== null) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      const next = inner[++i] ?? '';
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
