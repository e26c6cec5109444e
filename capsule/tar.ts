// Deterministic tar archives: the same files give the same bytes. Entries are sorted by name and
// every header field that could vary is fixed (mode 0644, uid and gid 0, no user or group name,
// one modification time given by the caller). Reading is strict: regular files only, each name
// once, in sorted order, so that re-packing what was read gives back the input byte for byte.

import { pack, extract } from 'tar-stream';

export interface TarFile {
  readonly name: string;
  readonly data: Buffer;
}

export async function packTar(files: readonly TarFile[], mtime: Date): Promise<Buffer> {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async (): Promise<void> => {
    for await (const chunk of p) chunks.push(chunk as Buffer);
  })();
  // Whole seconds: tar keeps no more, and a fraction would make equal inputs differ.
  const time = new Date(Math.floor(mtime.getTime() / 1000) * 1000);
  for (const file of sorted) {
    await new Promise<void>((resolve, reject) => {
      p.entry({ name: file.name, size: file.data.length, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: time, type: 'file' }, file.data, (error) => (error ? reject(error) : resolve()));
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

/** Read every entry; throws TarFormatError on anything but sorted, unique regular files. */
export async function unpackTar(bytes: Buffer): Promise<TarFile[]> {
  const ex = extract();
  const files: TarFile[] = [];
  const reading = (async (): Promise<void> => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const name = entry.header.name;
      if (entry.header.type !== 'file') throw new TarFormatError(`entry '${name}' is not a regular file`, false);
      const previous = files[files.length - 1];
      if (previous !== undefined && !(previous.name < name)) throw new TarFormatError(`entry '${name}' is out of order or repeated`, false);
      files.push({ name, data: Buffer.concat(chunks) });
    }
  })();
  ex.end(bytes);
  try {
    await reading;
  } catch (error) {
    if (error instanceof TarFormatError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new TarFormatError(message, /unexpected end/i.test(message));
  }
  return files;
}
