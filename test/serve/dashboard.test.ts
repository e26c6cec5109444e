// git trace serve in a real headless Chromium: a scripted history (session A: a failing test run,
// a patch that survives, a passing run; session B: a patch reverted two days later; a person's
// commit), the dashboard started as a real process, its printed address opened, and each page
// checked against what the scenario says: which sessions, which steps and diffs, whose line is
// which, which patch survived, how many lines per day. Expected numbers come from the scenario's
// texts and from git's own count of added lines, never from the dashboard's code.
// With GIT_TRACE_SCREENSHOTS=DIR, a PNG of each page is written there (docs/screenshots/ holds
// the committed ones).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Browser, skipWithoutChromium, type Page } from '../helpers/chromium.js';
import { MATH, ScenarioRun, SUBTRACT, UPPER, type Scenario } from '../trail/scenario.js';
import { serve, type Served } from './server-process.js';

const DAY_3 = { GIT_AUTHOR_DATE: '2026-01-04T09:30:00Z', GIT_COMMITTER_DATE: '2026-01-04T09:30:00Z' };
const DAY_3_LATER = { GIT_AUTHOR_DATE: '2026-01-04T15:00:00Z', GIT_COMMITTER_DATE: '2026-01-04T15:00:00Z', GIT_AUTHOR_NAME: 'Ada Human' };
const DAY_4 = { GIT_AUTHOR_DATE: '2026-01-05T11:00:00Z', GIT_COMMITTER_DATE: '2026-01-05T11:00:00Z' };

const PROMPT_A = 'add a subtract function';
const PROMPT_B = 'add case helpers';
/** A prompt that would run script if the page ever parsed session text as HTML. */
const PROMPT_C = 'why <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>';
/** The commits whose every added line an agent wrote (the others are a person's). */
const AGENT_COMMITS = new Set(['add subtract', 'add case helpers']);

const SCREENSHOTS = process.env['GIT_TRACE_SCREENSHOTS'];

/** The lines a text adds when appended: its lines, without the one after its last newline. */
function linesOf(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

interface StepJson {
  index: number;
  kind: string;
  text?: string;
  tool?: { callId?: string; name: string; exitCode?: number };
}

const SCENARIO: Scenario = {
  name: 'dashboard',
  files: { 'src/math.ts': MATH },
  script: [
    { s: 'A', prompt: PROMPT_A },
    { s: 'A', run: 'npm test', exit: 1, output: '1 failing: subtract is not defined' },
    { s: 'A', edit: 'A1', files: { 'src/math.ts': MATH + SUBTRACT } },
    { s: 'A', run: 'npm test', exit: 0, output: '2 passing' },
    { commit: 'add subtract' },
    { s: 'B', prompt: PROMPT_B },
    { s: 'B', edit: 'B1', files: { 'src/case.ts': UPPER } },
    { git: ['add', '-A'] },
    { git: ['commit', '-q', '-m', 'add case helpers'], env: DAY_3 },
    { write: { 'README.md': 'Math helpers, written by hand.\n' } },
    { git: ['add', '-A'] },
    { git: ['commit', '-q', '-m', 'a README by hand'], env: DAY_3_LATER },
    { git: ['revert', '--no-edit', 'HEAD~1'], env: DAY_4 },
    { s: 'C', prompt: PROMPT_C },
  ],
  checks: [],
};

describe('git trace serve in Chromium', { skip: skipWithoutChromium }, () => {
  let run: ScenarioRun;
  let A = '';
  let B = '';
  let C = '';
  let served: Served;
  let browser: Browser;
  let page: Page;
  const steps = new Map<string, StepJson[]>();

  const shot = async (name: string): Promise<void> => {
    if (SCREENSHOTS === undefined) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot(join(SCREENSHOTS, `${name}.png`));
  };

  /** Steps of a session as `git trace show --json` has them. */
  const stepsOf = (id: string): StepJson[] => {
    const known = steps.get(id);
    if (known !== undefined) return known;
    const shown = run.repo.trace(['show', '--json', id]);
    assert.equal(shown.status, 0, shown.stderr);
    const list = (JSON.parse(shown.stdout) as { steps: StepJson[] }).steps;
    steps.set(id, list);
    return list;
  };
  const stepOfCall = (id: string, call: string): number => {
    const step = stepsOf(id).find((s) => s.tool?.callId === call);
    assert.ok(step !== undefined, `the step of ${call}`);
    return step.index;
  };

  before(async () => {
    run = new ScenarioRun(SCENARIO);
    A = run.sessionId('A');
    B = run.sessionId('B');
    C = run.sessionId('C');
    run.play();
    served = await serve(run.repo.dir);
    browser = await Browser.launch();
    page = await browser.newPage(1280, 860);
    await page.goto(served.url);
    await page.waitFor("document.body && document.body.dataset.state === 'ready'", 'the first page');
  });

  after(async () => {
    await browser?.close();
    await served?.stop();
    run?.cleanup();
  });

  test('the printed address signs the browser in and the token leaves the address bar', async () => {
    const url = await page.evaluate<string>('location.href');
    assert.equal(url, `${served.origin}/`, 'redirected to / without the token');
    assert.equal(await page.evaluate<string>('document.cookie'), '', 'the cookie is HttpOnly: scripts cannot read it');
  });

  test('the sessions page lists the sessions, with their prompts and step counts', async () => {
    await page.route('#/sessions', 'sessions');
    const rows = await page.evaluate<{ id: string; cells: string[] }[]>(`[...document.querySelectorAll('table.sessions tbody tr')].map((tr) => ({ id: tr.dataset.session, cells: [...tr.cells].map((c) => c.innerText.trim()) }))`);
    assert.deepEqual(rows.map((r) => r.id).sort(), [A, B, C]);
    for (const [id, prompt] of [[A, PROMPT_A], [B, PROMPT_B], [C, PROMPT_C]] as const) {
      const row = rows.find((r) => r.id === id);
      assert.ok(row !== undefined);
      assert.equal(row.cells[0], id);
      assert.equal(row.cells[1], 'claude-code');
      assert.equal(row.cells[4], String(stepsOf(id).length), `step count of ${id}`);
      assert.equal(row.cells[5], prompt);
    }
    await shot('sessions');
  });

  test('text from a session is shown as text, never run: markup in a prompt stays markup', async () => {
    await page.route(`#/session/${C}`, 'session');
    assert.equal(await page.evaluate<string>("document.querySelector('li.step[data-step=\"0\"] .text').textContent"), PROMPT_C);
    assert.equal(await page.evaluate<number>("document.querySelectorAll('main img, main script').length"), 0);
    assert.equal(await page.evaluate<unknown>('window.pwned ?? null'), null);
  });

  test('searching keeps the sessions with a hit', async () => {
    await page.route('#/sessions?q=subtract', 'sessions');
    const ids = await page.evaluate<string[]>(`[...document.querySelectorAll('table.sessions tbody tr')].map((tr) => tr.dataset.session)`);
    assert.deepEqual(ids, [A], "only A's prompt and patch say 'subtract'");
    const marks = await page.evaluate<string[]>(`[...document.querySelectorAll('table.sessions .hit mark')].map((m) => m.textContent.toLowerCase())`);
    assert.ok(marks.length > 0 && marks.every((m) => m === 'subtract'), 'the hits show the matched word');
    await page.route('#/sessions?q=toUpperCase', 'sessions');
    assert.deepEqual(await page.evaluate<string[]>(`[...document.querySelectorAll('table.sessions tbody tr')].map((tr) => tr.dataset.session)`), [B]);
  });

  test("a session's timeline: every step, the failing run's exit code, the patch as a diff", async () => {
    await page.route(`#/session/${A}`, 'session');
    const shown = await page.evaluate<{ index: number; kind: string; status: string | null; failed: boolean; text: string }[]>(
      `[...document.querySelectorAll('li.step')].map((li) => ({ index: Number(li.dataset.step), kind: li.dataset.kind, status: li.querySelector('.status')?.innerText ?? null, failed: li.querySelector('.status')?.classList.contains('bad') ?? false, text: li.querySelector('.text')?.innerText ?? '' }))`,
    );
    const stored = stepsOf(A);
    assert.deepEqual(shown.map((s) => [s.index, s.kind]), stored.map((s) => [s.index, s.kind]), 'every stored step, in order');
    assert.equal(shown[0]?.text, PROMPT_A);
    const runs = stored.filter((s) => s.tool?.name === 'Bash');
    assert.deepEqual(runs.map((r) => [shown[r.index]?.status, shown[r.index]?.failed]), [['exit 1', true], ['exit 0', false]], 'the two test runs of the script, failing then passing');

    const edit = stepOfCall(A, 'toolu_A_A1');
    const patch = await page.evaluate<{ path: string; added: string[] }[]>(
      `[...document.querySelectorAll('li.step[data-step="${edit}"] .patch[data-origin="observed"]')].map((p) => ({ path: p.dataset.path, added: [...p.querySelectorAll('.d-add')].map((l) => l.textContent.replace(/\\n$/, '').slice(1)) }))`,
    );
    assert.equal(patch.length, 1, 'the edit step shows the patch live capture observed');
    for (const p of patch) {
      assert.equal(p.path, 'src/math.ts');
      assert.deepEqual(p.added, linesOf(SUBTRACT), 'the diff adds the lines the agent wrote');
    }
    await page.waitFor("document.querySelector('#survival table.track')", 'the survival table');
    await shot('session');
  });

  test('what is sent is scrubbed: the repository path reads <repo>', async () => {
    const text = await page.evaluate<string>('document.body.innerText');
    assert.ok(!text.includes(run.repo.dir), 'no absolute path of the repository');
    assert.ok(text.includes('<repo>/src/math.ts'), "the Write call's path, scrubbed");
  });

  test('ctx at a step: the window of steps the model saw', async () => {
    const edit = stepOfCall(A, 'toolu_A_A1');
    await page.evaluate(`document.querySelector('li.step[data-step="${edit}"] .step-head button').click()`);
    const window = await page.waitFor<string[]>(`(() => { const v = document.querySelector('li.step[data-step="${edit}"] .ctx-view'); return v && [...v.querySelectorAll('li')].map((li) => li.innerText); })()`, 'the ctx of the edit step');
    assert.equal(window[0], `#0 prompt: ${PROMPT_A}`);
    assert.equal(window.length, edit, 'every step before the edit: no compaction in between');
  });

  test("survival on a session's page: A's patch alive at HEAD, B's reverted", async () => {
    for (const [id, call, path, state] of [[A, 'toolu_A_A1', 'src/math.ts', 'alive'], [B, 'toolu_B_B1', 'src/case.ts', 'reverted']] as const) {
      await page.route(`#/session/${id}`, 'session');
      const rows = await page.waitFor<string[][]>(`(() => { const rows = [...document.querySelectorAll('table.track tbody tr')]; return rows.length > 0 && rows.map((tr) => [tr.dataset.step, tr.dataset.path, tr.dataset.state]); })()`, `the track table of ${id}`);
      assert.deepEqual(rows, [[String(stepOfCall(id, call)), path, state]]);
      const link = await page.evaluate<string | null>(`document.querySelector('table.track tbody tr a[href^="#/file"]')?.getAttribute('href') ?? null`);
      assert.equal(link, state === 'alive' ? `#/file?path=${encodeURIComponent(path)}&rev=HEAD` : null, 'a path still at HEAD links to its blame there');
    }
  });

  test('the files page lists the files at HEAD, each linking to its blame', async () => {
    await page.route('#/files', 'files');
    const files = await page.evaluate<string[]>(`[...document.querySelectorAll('ul.files li')].map((li) => li.dataset.path)`);
    assert.deepEqual(files, run.repo.git('ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter((f) => f !== ''));
    await page.evaluate(`(() => { const f = document.getElementById('filter'); f.value = 'MATH'; f.dispatchEvent(new Event('input')); })()`);
    assert.deepEqual(await page.evaluate<string[]>(`[...document.querySelectorAll('ul.files li:not([hidden])')].map((li) => li.dataset.path)`), ['src/math.ts'], 'the filter keeps matching paths');
    assert.equal(await page.evaluate<string>(`document.querySelector('ul.files li[data-path="src/math.ts"] a').getAttribute('href')`), '#/file?path=src%2Fmath.ts&rev=HEAD');
  });

  test('the blame overlay: each line of the file with the session and step that wrote it', async () => {
    await page.route('#/file?path=src%2Fmath.ts&rev=HEAD', 'file');
    const lines = await page.evaluate<{ session: string; step: string; text: string; link: string | null }[]>(
      `[...document.querySelectorAll('table.blame tbody tr')].map((tr) => ({ session: tr.dataset.session, step: tr.dataset.step, text: tr.querySelector('.code').innerText, link: tr.querySelector('.who a')?.getAttribute('href') ?? null }))`,
    );
    const edit = stepOfCall(A, 'toolu_A_A1');
    const human = linesOf(MATH);
    const agent = linesOf(SUBTRACT);
    assert.deepEqual(lines.map((l) => l.text), [...human, ...agent].map((t) => (t === '' ? '' : t)), 'the file at HEAD');
    assert.deepEqual(
      lines.map((l) => [l.session, l.step]),
      [...human.map(() => ['', '']), ...agent.map(() => [A, String(edit)])],
      "MATH's lines are a person's, SUBTRACT's are A's edit step",
    );
    assert.equal(await page.evaluate<string>("document.getElementById('blame-summary').innerText.split(' at ')[0]"), `${agent.length} of ${human.length + agent.length} lines from agent sessions`);
    await shot('file');

    const link = lines[human.length]?.link;
    assert.equal(link, `#/session/${A}?step=${edit}`, 'each agent line links to its step');
    await page.route(link, 'session');
    assert.equal(await page.evaluate<string>("document.querySelector('li.step.focused').dataset.step"), String(edit), 'the step is the one brought forward');
  });

  test('survival over time: lines per day by agents and people, and the state of each day\'s patches', async () => {
    // Per day, what git counts as added, split by who wrote the commit's lines.
    const log = run.repo.git('log', '--numstat', '--format=%x00%cs%x00%s').split('\u0000').slice(1);
    const days = new Map<string, { agent: number; human: number }>();
    for (let i = 0; i + 1 < log.length; i += 2) {
      const day = log[i] as string;
      const [subject, ...numstat] = (log[i + 1] as string).split('\n');
      const added = numstat.filter((l) => /^\d+\t/.test(l)).reduce((n, l) => n + Number(l.split('\t')[0]), 0);
      const d = days.get(day) ?? { agent: 0, human: 0 };
      if (AGENT_COMMITS.has(subject ?? '')) d.agent += added;
      else d.human += added;
      days.set(day, d);
    }
    assert.deepEqual([...days.keys()].sort(), ['2026-01-02', '2026-01-04', '2026-01-05'], 'the scenario commits on three days');

    await page.route('#/survival', 'survival');
    const table = await page.evaluate<Record<string, Record<string, string>>>(
      `Object.fromEntries([...document.querySelectorAll('#by-day tbody tr')].map((tr) => [tr.dataset.key, Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.innerText]))]))`,
    );
    for (const [day, d] of days) {
      assert.equal(table[day]?.['agent'], String(d.agent), `agent lines on ${day}`);
      assert.equal(table[day]?.['human'], String(d.human), `human lines on ${day}`);
    }
    const total = [...days.values()].reduce((t, d) => ({ agent: t.agent + d.agent, human: t.human + d.human }), { agent: 0, human: 0 });
    assert.equal(table['total']?.['agent'], String(total.agent));
    assert.equal(table['total']?.['human'], String(total.human));
    // A1 was first committed on day 1 and lives; B1 on day 3, reverted: patches/lines.
    assert.equal(table['2026-01-02']?.['alive'], `1/${linesOf(SUBTRACT).length}`);
    assert.equal(table['2026-01-04']?.['reverted'], `1/${linesOf(UPPER).length}`);
    assert.equal(table['2026-01-02']?.['reverted'], '-');

    const bars = await page.evaluate<string[][]>(`[...document.querySelectorAll('#lines-chart rect')].map((r) => [r.dataset.day, r.dataset.series, r.dataset.value])`);
    const expectedBars = [...days].sort(([a], [b]) => a.localeCompare(b)).flatMap(([day, d]) => [...(d.agent > 0 ? [[day, 'agent', String(d.agent)]] : []), ...(d.human > 0 ? [[day, 'human', String(d.human)]] : [])]);
    assert.deepEqual(bars, expectedBars, 'one stacked bar per day, each segment the lines of its series');
    const states = await page.evaluate<string[][]>(`[...document.querySelectorAll('#states-chart rect')].map((r) => [r.dataset.day, r.dataset.series, r.dataset.value])`);
    assert.deepEqual(states, [['2026-01-02', 'alive', '1'], ['2026-01-04', 'reverted', '1']]);
    const days3 = await page.evaluate<number>(`new Set([...document.querySelectorAll('#lines-chart text.axis')].map((t) => t.textContent).filter((t) => /^\\d\\d-\\d\\d$/.test(t))).size`);
    assert.equal(days3, 4, 'the chart keeps the day without commits (01-03) in its place');

    const bySession = await page.evaluate<Record<string, Record<string, string>>>(
      `Object.fromEntries([...document.querySelectorAll('#by-session tbody tr')].map((tr) => [tr.dataset.key, Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.innerText]))]))`,
    );
    assert.deepEqual(Object.keys(bySession).sort(), [A, B, 'total']);
    assert.equal(bySession[A]?.['agent'], String(linesOf(SUBTRACT).length));
    assert.equal(bySession[B]?.['agent'], String(linesOf(UPPER).length));
    assert.equal(bySession[A]?.['alive'], `1/${linesOf(SUBTRACT).length}`);
    assert.equal(bySession[B]?.['reverted'], `1/${linesOf(UPPER).length}`);
    await shot('survival');
  });

  test('nothing was refused by the Content-Security-Policy and no script failed', () => {
    const problems = browser.messages().filter((m) => /"level":"error"|exceptionDetails|Content Security Policy|Refused/.test(m));
    assert.deepEqual(problems, []);
  });
});
