import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pinEnvironment, runCli } from '../helpers/repo.js';

test('the demo plays a session through the hooks and shows what git-trace answers', () => {
  pinEnvironment();
  const result = runCli(['demo'], { cwd: mkdtempSync(join(tmpdir(), 'git-trace-demo-test-')) });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  const text = result.stdout;
  assert.match(text, /5 new steps, 0 updated, 2 observed tool calls/);
  assert.match(text, /#3\s+09:00\s+tool\s+Bash sed -i 's\/1\.0\.0\/1\.0\.1\/' VERSION → exit 0 \(1 file \+1 -1\)/);
  assert.match(text, /patch parse\.js \(observed\)/);
  assert.match(text, /^\w{8} 5f2c1e9a #2 2\)\s+return text\.split\(","\)\.map\(\(field\) => field\.trim\(\)\);$/m);
  assert.match(text, /^#2\s+parse\.js\s+alive/m);
  // The sed bump is one common line replaced: path, hunk and order agree, so it is anchored.
  assert.match(text, /^#3\s+VERSION\s+alive\s+[0-9a-f]{8}\s+every line alive at HEAD$/m);
  assert.match(text, /^2 alive$/m);
  assert.match(text, /^ok\s+5f2c1e9a-d3m0/m);
  assert.doesNotMatch(text, /Found claude-code/, "the demo never looks at the user's agents");
});
