// A separate process that appends `count` flushes of one step each to a session, for the
// concurrency tests: node append-worker.js <repo> <session> <prefix> <count>

import { openRepo } from '../../lib/trace-repo.js';

const [dir, sessionId, prefix, count] = process.argv.slice(2);
if (dir === undefined || sessionId === undefined || prefix === undefined || count === undefined) {
  process.stderr.write('usage: append-worker <repo> <session> <prefix> <count>\n');
  process.exit(2);
}
const repo = await openRepo(dir);
try {
  for (let i = 0; i < Number(count); i++) {
    await repo.sessions.append({ id: sessionId, agent: 'codex', startedAt: null, endedAt: null }, [
      { v: 1, id: `${prefix}-${i}`, kind: 'message', timestamp: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(), text: `${prefix} step ${i}` },
    ]);
  }
} finally {
  repo.close();
}
