// What a push would send, checked before it leaves: every object reachable from our refs and
// not known to be on the remote already. Commits must be git-trace's (no content in messages),
// blobs must be age ciphertext, except the meta ref's public recipients list and format number.

import { runGit } from '../../refs/git.js';
import { isRetiredList, isUnsignedList, parseRecipients } from '../store/recipients.js';
import { FORGOTTEN_PREFIX, META_REF, SESSIONS_PREFIX } from '../store/layout.js';
import type { TraceRepo } from '../trace-repo.js';

const AGE_HEADER = Buffer.from('age-encryption.org/v1\n');

export async function checkOutgoing(repo: TraceRepo, trackingPrefix: string): Promise<string[]> {
  const { repo: gitRepo, reader } = repo.git;
  const listed = await runGit(['rev-list', '--objects', `--glob=${SESSIONS_PREFIX}*`, `--glob=${META_REF}`, `--glob=${FORGOTTEN_PREFIX}*`, '--not', `--glob=${trackingPrefix}*`], {
    cwd: gitRepo.gitDir,
    env: { GIT_DIR: gitRepo.gitDir },
  });
  const problems: string[] = [];
  for (const line of listed.stdout.toString('utf8').split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const oid = space === -1 ? line : line.slice(0, space);
    const path = space === -1 ? '' : line.slice(space + 1);
    const object = await reader.read(oid);
    if (object === null) {
      problems.push(`object ${oid} is missing`);
      continue;
    }
    const problem = judge(object.type, path, object.data);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

function judge(type: string, path: string, data: Buffer): string | null {
  switch (type) {
    case 'commit': {
      const message = data.toString('utf8').split('\n\n').slice(1).join('\n\n');
      return message.startsWith('opentraces: ') ? null : `a commit not written by git-trace is under refs/opentraces/`;
    }
    case 'tree':
      return null;
    case 'blob': {
      const name = path.split('/').pop() ?? '';
      if (name.endsWith('.age')) return data.subarray(0, AGE_HEADER.length).equals(AGE_HEADER) ? null : `'${path}' is not age ciphertext`;
      if (name === 'format') return /^\d+\n?$/.test(data.toString('utf8')) ? null : `'${path}' is not a format number`;
      if (name === 'recipients' || name === 'removed') {
        const text = data.toString('utf8');
        const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
        return parseRecipients(text).length === lines.length ? null : `'${path}' holds more than public keys`;
      }
      if (name === 'unsigned') return isUnsignedList(data.toString('utf8')) ? null : `'${path}' holds more than session ids and commit ids`;
      if (name === 'retired') return isRetiredList(data.toString('utf8')) ? null : `'${path}' holds more than signing keys, session ids and commit ids`;
      return `'${path}' is not an encrypted record`;
    }
    default:
      return `an unexpected ${type} object is under refs/opentraces/`;
  }
}
