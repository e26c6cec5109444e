// What the store asks of a cache of plaintext it wrote (the catalog implements it), so that
// appends never decrypt a session to learn what it holds, and every write is recorded in the
// cache from the plaintext at hand. The store works without one: it then decrypts.

import type { Step } from '../model/step.js';
import type { MetaRecord } from './records.js';

/** The blob ids of one chunk in a session's tree: its steps, and its patches when it has any. */
export type ChunkIds = readonly [string, string | null];

/** What a session holds at a tip, as far as appending to it needs to know. */
export interface KnownSession {
  readonly record: MetaRecord;
  /** Digest of every step's latest version, by step id. */
  readonly digests: ReadonlyMap<string, string>;
  /** Secrets redacted per step (latest versions), for the session's totals. */
  readonly redacted: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly chunks: readonly ChunkIds[];
}

/** A session as it is after a write (or a read): the steps given are new or changed. */
export interface SessionWrite {
  readonly id: string;
  readonly tip: string;
  readonly record: MetaRecord;
  /** Every chunk in the tree at `tip`, in order. */
  readonly chunks: readonly ChunkIds[];
  /** Steps to add or replace, in stored order. */
  readonly steps: readonly Step[];
  /** `steps` are the whole session: what was known of it before is dropped. */
  readonly whole: boolean;
  /**
   * For a write that is not whole: the tip whose known steps these complete (null: none). Rows
   * that another writer changed meanwhile are not completed by them; the cache then forgets
   * the session, to be read whole from its ref.
   */
  readonly base?: string | null;
  /** Digests of `steps` by id, when the writer has them already (saves hashing them again). */
  readonly digests?: ReadonlyMap<string, string>;
}

export interface StoreCache {
  /**
   * What the cache knows of session `id` at exactly `tip`; null when it knows nothing of that
   * tip (the store then decrypts). Must not throw.
   */
  known(id: string, tip: string): KnownSession | null;
  /** Sessions just written, with the plaintext written; after their refs moved. Must not throw. */
  written(writes: readonly SessionWrite[]): void;
}
