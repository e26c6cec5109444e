// The catalog's tables. Everything here is derived: from the session refs (sessions, steps,
// patches, the search text, usage) or from the repository's history (commit graph and diffs).
// Bump CATALOG_SCHEMA_VERSION whenever a table changes: an older catalog is then rebuilt from the
// refs, never migrated, so no reader ever sees a half-old shape.

export const CATALOG_SCHEMA_VERSION = 5;

export const CATALOG_SCHEMA = `
-- Bookkeeping: the line-hash salt, the refs fingerprint, the commit graph (one row each).
CREATE TABLE IF NOT EXISTS catalog_meta (
  key TEXT PRIMARY KEY,
  value BLOB
);

-- One row per readable session, at the tip it was read from. 'record' is the session's
-- metadata record (meta.age) as JSON; 'chunks' the blob ids of the chunks already read, so a
-- moved tip costs only the chunks that are new.
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  tip TEXT NOT NULL,
  agent TEXT NOT NULL,
  title TEXT,
  started_at TEXT,
  ended_at TEXT,
  step_count INTEGER NOT NULL,
  cwd TEXT,
  git_branch TEXT,
  base_commit TEXT,
  record TEXT NOT NULL,
  chunks TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_started ON sessions (started_at);

-- Sessions that could not be read at a tip with the keys named by 'keys' (a digest of the
-- identities tried): not tried again until the tip or the keys change.
CREATE TABLE IF NOT EXISTS unreadable (
  id TEXT PRIMARY KEY,
  tip TEXT NOT NULL,
  keys TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL
);

-- One row per step (its latest version), at the position its id first appeared. A step's rowid
-- is shared with its rows in step_text and usage.
CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  kind TEXT NOT NULL,
  ts TEXT,
  tool TEXT,
  model TEXT,
  thread TEXT,
  status TEXT,
  exit_code INTEGER,
  command TEXT,
  reads TEXT,
  redacted TEXT,
  UNIQUE (session_id, idx),
  UNIQUE (session_id, step_id)
);
CREATE TABLE IF NOT EXISTS step_paths (
  step INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS step_paths_path ON step_paths (path);
CREATE INDEX IF NOT EXISTS step_paths_step ON step_paths (step);
CREATE VIRTUAL TABLE IF NOT EXISTS step_text USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS usage (
  step INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  model TEXT,
  usage_key TEXT,
  ts TEXT,
  usage TEXT,
  cost_usd REAL
);
CREATE INDEX IF NOT EXISTS usage_session ON usage (session_id, idx);

-- The patches attribution reads (a step's observed patches, else its reported ones), as
-- salted line hashes: no text.
CREATE TABLE IF NOT EXISTS patches (
  step INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  path TEXT NOT NULL,
  old_path TEXT,
  origin TEXT NOT NULL,
  op TEXT NOT NULL,
  evidence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patches_path ON patches (path);
CREATE INDEX IF NOT EXISTS patches_old_path ON patches (old_path) WHERE old_path IS NOT NULL;
CREATE INDEX IF NOT EXISTS patches_step ON patches (step);
CREATE INDEX IF NOT EXISTS patches_session ON patches (session_id, idx);

-- What each commit added and removed, as salted line hashes (the anchor cache), and the paths
-- it touched, so a file's history is an index lookup.
CREATE TABLE IF NOT EXISTS commits (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL
);
-- One row per (commit, path it touched); old_path is set on a rename. A commit that touched
-- nothing (a merge) has one row with an empty path, so that it counts as indexed.
CREATE TABLE IF NOT EXISTS commit_paths (
  commit_id TEXT NOT NULL,
  path TEXT NOT NULL,
  old_path TEXT
);
CREATE INDEX IF NOT EXISTS commit_paths_path ON commit_paths (path);
CREATE INDEX IF NOT EXISTS commit_paths_old_path ON commit_paths (old_path) WHERE old_path IS NOT NULL;
CREATE INDEX IF NOT EXISTS commit_paths_commit ON commit_paths (commit_id);

-- Whether a session's commits are signed by recipients (lib/store/trust.ts), as checked at its
-- tip against the meta ref at 'meta'; either moving makes the row stale.
CREATE TABLE IF NOT EXISTS session_trust (
  id TEXT PRIMARY KEY,
  tip TEXT NOT NULL,
  meta TEXT NOT NULL,
  state TEXT NOT NULL
);
`;

/** Tables emptied by a rebuild of what comes from the session refs. */
/** catalog_meta's key for the refs' stat fingerprint (lib/catalog/refresh.ts); null: list the refs next time. */
export const REFS_FINGERPRINT_KEY = 'refs-fingerprint';

export const SESSION_TABLES = ['sessions', 'unreadable', 'steps', 'step_paths', 'step_text', 'usage', 'patches', 'session_trust'] as const;
