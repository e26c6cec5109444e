// Signed commits as git writes them: the signature sits in a `gpgsig` header at the end of the
// commit's headers, its lines after the first indented by one space, and it covers the commit
// without that header. So `git verify-commit` (gpg.format=ssh) checks what we sign, and what
// git signs we can read. What the signature means is decided above this layer.

/** Signs a commit's bytes (without its signature header); returns the armored signature. */
export interface CommitSigner {
  signCommit(payload: Buffer): string;
}

const HEADER = 'gpgsig';

/** The commit with `signature` added as its last header. */
export function withSignature(payload: Buffer, signature: string): Buffer {
  const text = payload.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text.replace(/\n?$/, '') : text.slice(0, end);
  const rest = end === -1 ? '\n' : text.slice(end);
  const lines = signature.replace(/\n$/, '').split('\n');
  return Buffer.from(`${head}\n${HEADER} ${lines.join('\n ')}${rest}`, 'utf8');
}

/** The commit's bytes without its signature, and the signature; null signature when unsigned. */
export function splitSignature(raw: Buffer): { readonly payload: Buffer; readonly signature: string | null } {
  const text = raw.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text : text.slice(0, end);
  const lines = head.split('\n');
  const kept: string[] = [];
  const signature: string[] = [];
  let inSignature = false;
  for (const line of lines) {
    if (line.startsWith(`${HEADER} `)) {
      inSignature = true;
      signature.push(line.slice(HEADER.length + 1));
    } else if (inSignature && line.startsWith(' ')) {
      signature.push(line.slice(1));
    } else {
      inSignature = false;
      kept.push(line);
    }
  }
  if (signature.length === 0) return { payload: raw, signature: null };
  return { payload: Buffer.from(`${kept.join('\n')}${end === -1 ? '' : text.slice(end)}`, 'utf8'), signature: `${signature.join('\n')}\n` };
}
