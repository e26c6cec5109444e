// Survival: a session's patches and their state at HEAD (track), and the repository's `stats` over
// time: per day, the lines agents and people added, and the state at HEAD of the patches first
// committed that day; per session, the same totals. Charts are plain SVG drawn here.

import { api, h, href, svg, usd, type Route } from './dom.js';

export const STATES = ['alive', 'moved', 'transformed', 'partial', 'reverted', 'lost', 'unknown'] as const;
type State = (typeof STATES)[number];
type Counts = Readonly<Record<State, number>>;

export interface TrackAnswer {
  readonly session: { id: string; title: string | null };
  readonly at: { ref: string; commit: string };
  readonly patches: readonly { step: number; path: string; state: State; reason: string; anchors: readonly { commit: string; onRef: boolean }[]; pathsAtRef: readonly string[] }[];
  readonly counts: Counts;
  readonly historyTruncated: boolean;
}

interface StatsRow {
  readonly key: string;
  readonly agentLines: number;
  readonly humanLines: number;
  readonly share: number;
  readonly patches: Counts;
  readonly lines: Counts;
  readonly survivingLines: number;
  readonly medianRevertSeconds: number | null;
  readonly sessions: number;
  readonly costUSD: number;
  readonly costPerSurvivingLine: number | null;
}

interface StatsAnswer {
  /** Stored for an earlier state of the history or the sessions; the server computes the current one meanwhile. */
  readonly stale?: true;
  readonly range: { since: string | null; head: { ref: string; commit: string } };
  readonly commits: readonly unknown[];
  readonly rows: readonly StatsRow[];
  readonly totals: StatsRow & { addedLines: number };
}

export function trackTable(track: TrackAnswer): HTMLElement {
  if (track.patches.length === 0) return h('p', { class: 'empty' }, 'No patches: this session changed no file.');
  const counts = STATES.filter((s) => track.counts[s] > 0).map((s) => `${track.counts[s]} ${s}`);
  return h(
    'div',
    {},
    h(
      'table',
      { class: 'track' },
      h('thead', {}, h('tr', {}, ['step', 'path', 'state', 'anchors', 'why'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        track.patches.map((p) =>
          h(
            'tr',
            { 'data-step': p.step, 'data-path': p.path, 'data-state': p.state },
            h('td', { class: 'mono' }, h('a', { href: href('session', [track.session.id], { step: p.step }) }, `#${p.step}`)),
            h('td', { class: 'mono' }, pathCell(p.path, p.pathsAtRef, track.at.ref)),
            h('td', {}, h('span', { class: `state st-${p.state}` }, p.state)),
            h('td', { class: 'mono' }, p.anchors.filter((a) => a.onRef).map((a) => a.commit.slice(0, 8)).join(' ') || '-'),
            h('td', { class: 'muted' }, p.reason),
          ),
        ),
      ),
    ),
    h('p', { class: 'counts' }, `at ${track.at.ref} (${track.at.commit.slice(0, 12)}): ${counts.join(', ')}`),
    track.historyTruncated ? h('p', { class: 'muted' }, 'history was cut at its limit: older commits were not searched') : null,
  );
}

/** The patch's path, and where its lines are at the ref (after a rename), each linking to its blame there. */
function pathCell(path: string, atRef: readonly string[], ref: string): (HTMLElement | string)[] {
  const link = (p: string): HTMLElement => h('a', { href: href('file', [], { path: p, rev: ref }) }, p);
  if (atRef.length === 0) return [path];
  if (atRef.every((x) => x === path)) return [link(path)];
  return [path, ' → ', ...atRef.flatMap((x, i) => (i === 0 ? [link(x)] : [', ', link(x)]))];
}

export async function survivalPage(route: Route): Promise<HTMLElement> {
  const days = route.params.get('days') ?? undefined;
  const [byDay, bySession] = await Promise.all([api<StatsAnswer>('stats', { by: 'day', days }), api<StatsAnswer>('stats', { by: 'session', days })]);
  const t = byDay.totals;
  const daysInput = h('input', { id: 'days', type: 'number', min: 1, value: days ?? '', placeholder: '30', size: 5, 'aria-label': 'days before HEAD' }) as HTMLInputElement;
  daysInput.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') location.hash = href('survival', [], { days: daysInput.value.trim() });
  });
  const series = fillDays(byDay.rows);
  const stale = byDay.stale === true || bySession.stale === true;
  const page = h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Survival'),
    stale ? h('p', { id: 'stale', class: 'muted' }, `These figures are from before the latest commits or sessions (HEAD was ${byDay.range.head.commit.slice(0, 12)}); the current ones are being computed, and this page shows them when they are ready.`) : null,
    h('p', { class: 'toolbar' }, h('label', {}, 'days before HEAD ', daysInput), ' ', h('span', { class: 'muted' }, `${byDay.commits.length} commits of ${byDay.range.head.ref} (${byDay.range.head.commit.slice(0, 12)}) since ${byDay.range.since ?? '-'}`)),
    h('p', { id: 'totals' }, `${t.addedLines} lines added: ${t.agentLines} by agents (${percent(t.share)}), ${t.humanLines} by people; ${t.survivingLines} of the agents' lines still at HEAD; cost ${usd(t.costUSD)}`),
    h('h2', {}, 'Lines added per day'),
    barChart('lines-chart', series, [
      { key: 'agent', label: 'by agents', value: (r) => r.agentLines },
      { key: 'human', label: 'by people', value: (r) => r.humanLines },
    ]),
    h('h2', {}, 'Patches per day, by state at HEAD'),
    barChart(
      'states-chart',
      series,
      STATES.filter((s) => t.patches[s] > 0).map((s) => ({ key: s, label: s, value: (r: StatsRow) => r.patches[s] })),
    ),
    h('h2', {}, 'By day'),
    statsTable('by-day', byDay.rows, (r) => r.key, t, true),
    h('h2', {}, 'By session'),
    statsTable('by-session', bySession.rows, (r) => h('a', { class: 'mono', href: href('session', [r.key]) }, r.key), bySession.totals, false),
    h('p', { class: 'muted' }, 'state columns: patches/lines, as git trace stats counts them; a patch counts on the day of its first commit'),
  );
  if (stale) refreshWhenCurrent(page, route);
  return page;
}

/** Ask again in a while, and put the new page in this one's place while it is still shown. */
function refreshWhenCurrent(page: HTMLElement, route: Route): void {
  const shown = location.hash;
  setTimeout(() => {
    if (!page.isConnected || location.hash !== shown) return;
    survivalPage(route).then(
      (fresh) => page.isConnected && location.hash === shown && page.replaceWith(fresh),
      () => undefined,
    );
  }, STALE_RETRY_MS);
}

const STALE_RETRY_MS = 3000;

/** `withHuman`: the rows count the lines people added too (by day; a session row has none). */
function statsTable(id: string, rows: readonly StatsRow[], key: (r: StatsRow) => Node | string, totals: StatsRow, withHuman: boolean): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty', id }, 'No commits in this window.');
  const states = STATES.filter((s) => totals.patches[s] > 0);
  const cells = (r: StatsRow): (HTMLElement | null)[] => [
    h('td', { class: 'num', 'data-col': 'agent' }, r.agentLines),
    withHuman ? h('td', { class: 'num', 'data-col': 'human' }, r.humanLines) : null,
    h('td', { class: 'num', 'data-col': 'share' }, percent(r.share)),
    ...states.map((s) => h('td', { class: 'num', 'data-col': s }, r.patches[s] === 0 ? '-' : `${r.patches[s]}/${r.lines[s]}`)),
    h('td', { class: 'num', 'data-col': 'cost' }, usd(r.costUSD)),
  ];
  return h(
    'table',
    { class: 'stats', id },
    h('thead', {}, h('tr', {}, ['', 'agent lines', ...(withHuman ? ['human lines'] : []), 'share', ...states, 'cost'].map((c, i) => h('th', { class: i === 0 ? null : 'num' }, c)))),
    h(
      'tbody',
      {},
      rows.map((r) => h('tr', { 'data-key': r.key }, h('td', {}, key(r)), cells(r))),
      h('tr', { class: 'total', 'data-key': 'total' }, h('td', {}, 'total'), cells(totals)),
    ),
  );
}

interface Series {
  readonly key: string;
  readonly label: string;
  readonly value: (row: StatsRow) => number;
}

/** Every day from the first row's to the last's (at most a year), a day without commits as zeros. */
function fillDays(rows: readonly StatsRow[]): StatsRow[] {
  if (rows.length === 0) return [];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const first = Date.parse(`${rows[0]?.key}T00:00:00Z`);
  const last = Date.parse(`${rows[rows.length - 1]?.key}T00:00:00Z`);
  if (Number.isNaN(first) || Number.isNaN(last) || last - first > 366 * 86_400_000) return [...rows];
  const zero = Object.fromEntries(STATES.map((s) => [s, 0])) as Counts;
  const out: StatsRow[] = [];
  for (let t = first; t <= last; t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    out.push(byKey.get(key) ?? { key, agentLines: 0, humanLines: 0, share: 0, patches: zero, lines: zero, survivingLines: 0, medianRevertSeconds: null, sessions: 0, costUSD: 0, costPerSurvivingLine: null });
  }
  return out;
}

/** Stacked bars, one per day; each segment carries its day, series and value for readers and tests. */
function barChart(id: string, rows: readonly StatsRow[], series: readonly Series[]): Element {
  if (rows.length === 0) return h('p', { class: 'empty' }, 'Nothing to chart.');
  const width = 720;
  const height = 200;
  const pad = { left: 40, bottom: 24, top: 8 };
  const max = Math.max(1, ...rows.map((r) => series.reduce((n, s) => n + s.value(r), 0)));
  const slot = (width - pad.left) / rows.length;
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  const y = (v: number): number => ((height - pad.bottom - pad.top) * v) / max;
  const bars = rows.map((r, i) => {
    let top = height - pad.bottom;
    const x = pad.left + i * slot + (slot - bar) / 2;
    const segments = series.map((s) => {
      const v = s.value(r);
      top -= y(v);
      return v === 0 ? null : svg('rect', { class: `seg s-${s.key}`, x, y: top, width: bar, height: y(v), 'data-day': r.key, 'data-series': s.key, 'data-value': v }, svg('title', {}, `${r.key}: ${v} ${s.label}`));
    });
    const label = rows.length <= 16 || i % Math.ceil(rows.length / 16) === 0 ? svg('text', { x: x + bar / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis' }, r.key.slice(5)) : null;
    return [segments, label];
  });
  const ticks = [...new Set([0, Math.round(max / 2), max])].map((v) => svg('text', { x: pad.left - 6, y: height - pad.bottom - y(v) + 4, 'text-anchor': 'end', class: 'axis' }, Math.round(v)));
  return h(
    'figure',
    { class: 'chart', id },
    svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': id }, svg('line', { x1: pad.left, x2: width, y1: height - pad.bottom, y2: height - pad.bottom, class: 'baseline' }), ticks, bars),
    h('figcaption', {}, series.map((s) => h('span', { class: 'key' }, h('span', { class: `swatch s-${s.key}` }), ` ${s.label} `))),
  );
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

