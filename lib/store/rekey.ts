// Re-encrypting stored sessions to the repository's current recipients: every sealed file of a
// session is opened and sealed again, in one new commit ("opentraces: rekey") on its ref. A
// removed recipient keeps whatever it already fetched: rekey protects only what comes after.

import { updateRefWithRetry } from '../../refs/ref-update.js';
import { editTree, flattenTree } from '../../refs/tree-edit.js';
import { CorruptRecordError } from '../errors.js';
import type { TraceRepo } from '../trace-repo.js';
import { commitMessage, sessionRef } from './layout.js';

export async function rekeySession(repo: TraceRepo, id: string): Promise<number> {
  const { reader, writer } = repo.git;
  const opener = await repo.keys.opener();
  const sealer = await repo.keys.sealer();
  const signer = await repo.keys.signer();
  let files = 0;
  await updateRefWithRetry(
    repo.git.repo,
    sessionRef(id),
    async (tip) => {
      if (tip === null) return null;
      const commit = await reader.readCommit(tip);
      if (commit === null) throw new CorruptRecordError(`session '${id}' does not point at a commit`);
      const changes = new Map<string, string>();
      for (const [path, oid] of await flattenTree(reader, commit.tree)) {
        if (!path.endsWith('.age')) continue;
        const sealed = await reader.readBlob(oid);
        if (sealed === null) throw new CorruptRecordError(`'${id}/${path}' is missing from the object store`);
        changes.set(path, await writer.writeBlob(await sealer.seal(await opener.open(sealed, `${id}/${path}`))));
      }
      files = changes.size;
      const tree = await editTree(reader, writer, commit.tree, changes);
      return writer.writeCommit({ tree, parents: [tip], message: commitMessage('rekey'), signer });
    },
    { message: 'git-trace: rekey' },
  );
  return files;
}
