// Install and uninstall of one hook file, whatever its kind, in two phases: plan (read, parse,
// compute the new bytes; may refuse) and apply (write). Callers plan every file first and apply
// only when all plans succeeded, so a refused file leaves every other file untouched too.
//
// Install backs the original bytes up before its first change (see backup.ts). Uninstall
// restores them when the file is still exactly what install wrote; otherwise someone changed
// it since, and only our entries are taken out, everything else staying as they left it.

import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { deleteBackup, readBackup, sha256, writeBackup, type BackupRecord } from './backup.js';
import { makeDirs, missingDirs, modeOf, readIfExists, removeEmptyDirs, removeFile, writeFileAtomic } from './files.js';
import type { HookAction, HookChange, HookFileEditor } from './types.js';

export interface Planned {
  readonly change: HookChange;
  apply(): Promise<void>;
}

function change(editor: HookFileEditor, action: HookAction, events: readonly string[], foreign: readonly string[] = []): HookChange {
  return { target: editor.target, ...(editor.mcp === true ? { mcp: true as const } : {}), scope: editor.scope, path: editor.path, action, events, foreign };
}

/** Refuse to write when the file changed between plan and apply (another process at work). */
async function expectUnchanged(path: string, before: Buffer | null): Promise<void> {
  const now = await readIfExists(path);
  const same = now === null || before === null ? now === before : now.equals(before);
  if (!same) throw new InputError(`'${path}' changed while git-trace was editing it; nothing written`, { hint: 'run the command again' });
}

export async function planInstall(editor: HookFileEditor, backupDir: string): Promise<Planned> {
  const before = await readIfExists(editor.path);
  const edit = editor.install(before);
  if (before !== null && edit.bytes.equals(before)) return { change: change(editor, 'unchanged', [], edit.foreign), apply: async () => undefined };
  return {
    change: change(editor, before === null ? 'created' : 'updated', edit.events, edit.foreign),
    apply: async () => {
      await expectUnchanged(editor.path, before);
      const created = before === null ? await missingDirs(dirname(editor.path)) : [];
      const mode = (await modeOf(editor.path)) ?? editor.newFileMode;
      const previous = await readBackup(backupDir, editor.path);
      const record = nextRecord(editor, before, { mode, created, earlier: previous });
      // The record goes first: a crash after it but before the file leaves a record whose
      // `written` matches nothing, which uninstall treats as "changed since" (safe).
      if (record === null) await deleteBackup(backupDir, editor.path);
      else await writeBackup(backupDir, { ...record, written: sha256(edit.bytes) });
      try {
        if (created.length > 0) await makeDirs(dirname(editor.path));
        await writeFileAtomic(editor.path, edit.bytes, mode);
      } catch (error) {
        await removeEmptyDirs(created);
        if (previous === null) await deleteBackup(backupDir, editor.path);
        else await writeBackup(backupDir, previous);
        throw error;
      }
    },
  };
}

/** The backup to keep: a fresh one of clean bytes, the earlier one while the file is still ours untouched, else none. */
interface RecordContext {
  readonly mode: number;
  readonly created: readonly string[];
  readonly earlier: BackupRecord | null;
}

function nextRecord(editor: HookFileEditor, before: Buffer | null, { mode, created, earlier }: RecordContext): Omit<BackupRecord, 'written'> | null {
  if (before === null || !editor.hasOurs(before)) {
    return { version: 1, path: editor.path, original: before, mode: before === null ? null : mode, createdDirs: created };
  }
  return earlier !== null && earlier.written === sha256(before) ? earlier : null;
}

export async function planUninstall(editor: HookFileEditor, backupDir: string): Promise<Planned> {
  const before = await readIfExists(editor.path);
  const record = await readBackup(backupDir, editor.path);
  const forget = async (): Promise<void> => {
    if (record !== null) await deleteBackup(backupDir, editor.path);
  };
  if (before === null) return { change: change(editor, 'absent', []), apply: forget };
  const removal = editor.remove(before);
  const finish = (action: HookAction, write: () => Promise<void>): Planned => ({
    change: change(editor, action, removal.events),
    apply: async () => {
      await expectUnchanged(editor.path, before);
      await write();
      await forget();
    },
  });
  const deleteFile = async (): Promise<void> => {
    await removeFile(editor.path);
    await removeEmptyDirs(record?.createdDirs ?? []);
  };

  if (record !== null && record.written === sha256(before)) {
    const original = record.original;
    if (original === null) return finish('deleted', deleteFile);
    return finish('restored', () => writeFileAtomic(editor.path, original, record.mode ?? editor.newFileMode));
  }
  const after = removal.bytes;
  if (after === null) return finish('deleted', deleteFile);
  if (after.equals(before)) return { change: change(editor, 'absent', []), apply: forget };
  if (record !== null && record.original === null && editor.isBlank(after)) return finish('deleted', deleteFile);
  return finish('removed', async () => writeFileAtomic(editor.path, after, (await modeOf(editor.path)) ?? editor.newFileMode));
}

export async function inspectFile(editor: HookFileEditor): Promise<ReturnType<HookFileEditor['inspect']>> {
  return editor.inspect(await readIfExists(editor.path));
}
