// Where things live under refs/opentraces/ and inside a session's tree (DESIGN.md §4):
//
//   refs/opentraces/meta                   recipients (public keys) and the format version
//   refs/opentraces/forgotten/<id>         a tombstone: a signed commit (empty tree) saying the
//                                          session was forgotten, by whom (signature) and when
//   refs/opentraces/sessions/<id>          one commit per flush; its tree:
//     meta.age                             session metadata and store bookkeeping
//     steps/<ddd>/<nnnnnn>.age             chunk n of steps (brotli JSONL, age-encrypted)
//     patches/<ddd>/<nnnnnn>.age           the trail patches of chunk n's steps
//     ctx/<hh>/<hmac>.age                  ctx items, content-addressed within the session
//
// Chunks fan out by thousands so appending rewrites one small subtree, never a huge one.
// Commit messages carry no content: a fixed subject and the format version.

export const TRACE_NAMESPACE = 'refs/opentraces/';
export const SESSIONS_PREFIX = 'refs/opentraces/sessions/';
export const META_REF = 'refs/opentraces/meta';
export const FORGOTTEN_PREFIX = 'refs/opentraces/forgotten/';
export const FORMAT_VERSION = 1;

export const META_FILE = 'meta.age';

export function sessionRef(id: string): string {
  return `${SESSIONS_PREFIX}${id}`;
}

export function sessionIdOfRef(ref: string): string | null {
  return ref.startsWith(SESSIONS_PREFIX) ? ref.slice(SESSIONS_PREFIX.length) : null;
}

export function forgottenRef(id: string): string {
  return `${FORGOTTEN_PREFIX}${id}`;
}

function chunkName(n: number): string {
  const padded = String(n).padStart(6, '0');
  return `${padded.slice(0, 3)}/${padded}.age`;
}

export function stepsChunkPath(n: number): string {
  return `steps/${chunkName(n)}`;
}

export function patchesChunkPath(n: number): string {
  return `patches/${chunkName(n)}`;
}

export function ctxPath(name: string): string {
  return `ctx/${name.slice(0, 2)}/${name}.age`;
}

/** The chunk number of a steps or patches path, or null for other paths. */
export function chunkNumber(path: string): { kind: 'steps' | 'patches'; n: number } | null {
  const match = /^(steps|patches)\/\d{3}\/(\d{6})\.age$/.exec(path);
  if (match === null) return null;
  return { kind: match[1] as 'steps' | 'patches', n: Number(match[2]) };
}

export function commitMessage(what: string): string {
  return `opentraces: ${what}\n\nOpentraces-Format: ${FORMAT_VERSION}\n`;
}
