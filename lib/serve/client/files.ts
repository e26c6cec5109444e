// The files page: a revision's files; and one file at that revision with, beside each line, the
// session and step that wrote it (blame), linking to the step.

import { api, h, href, hue, oneLine, type Route } from './dom.js';

interface BlameLine {
  readonly line: number;
  readonly commit: string;
  readonly session: string | null;
  readonly step: number | null;
  readonly agent: string | null;
  readonly prompt: string | null;
  readonly edited: boolean;
  readonly author: string;
  readonly text: string;
  readonly trust?: string | null;
}

export async function filesPage(route: Route): Promise<HTMLElement> {
  const rev = route.params.get('rev') ?? 'HEAD';
  const listed = await api<{ commit: string; files: string[]; total: number }>('files', { rev });
  const items = listed.files.map((f) => h('li', { 'data-path': f }, h('a', { class: 'mono', href: href('file', [], { path: f, rev }) }, f)));
  const filter = h('input', { id: 'filter', type: 'search', placeholder: 'filter paths…', 'aria-label': 'filter paths' }) as HTMLInputElement;
  filter.addEventListener('input', () => {
    const needle = filter.value.trim().toLowerCase();
    for (const item of items) item.hidden = needle !== '' && !(item.dataset['path'] ?? '').toLowerCase().includes(needle);
  });
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Files'),
    revPicker('files', rev, {}),
    h('p', { class: 'toolbar' }, filter, ' ', h('span', { class: 'muted' }, `${listed.total} files at ${rev} (${listed.commit.slice(0, 12)})${listed.total > listed.files.length ? `; the first ${listed.files.length} shown` : ''}`)),
    h('ul', { class: 'files' }, items),
  );
}

export async function filePage(route: Route): Promise<HTMLElement> {
  const path = route.params.get('path') ?? '';
  const rev = route.params.get('rev') ?? 'HEAD';
  const blamed = await api<{ path: string; commit: string; summary: string; lines: BlameLine[]; warning?: string }>('blame', { file: path, rev });
  const sessions = new Map<string, BlameLine>();
  for (const l of blamed.lines) if (l.session !== null && !sessions.has(`${l.session}#${l.step}`)) sessions.set(`${l.session}#${l.step}`, l);
  return h(
    'section',
    { class: 'page' },
    h('h1', { class: 'mono' }, blamed.path),
    revPicker('file', rev, { path }),
    h('p', { id: 'blame-summary' }, `${blamed.summary} at ${rev} (${blamed.commit.slice(0, 12)})`),
    blamed.warning === undefined ? null : h('p', { class: 'warning' }, blamed.warning),
    sessions.size === 0
      ? null
      : h(
          'ul',
          { class: 'legend' },
          [...sessions.values()].map((l) => h('li', {}, swatch(l.session as string), h('a', { class: 'mono', href: href('session', [l.session as string], { step: l.step ?? 0 }) }, `${l.session} #${l.step}`), ` ${l.agent ?? ''}`, l.prompt === null ? null : h('span', { class: 'muted' }, ` “${oneLine(l.prompt, 100)}”`))),
        ),
    h(
      'table',
      { class: 'blame' },
      h(
        'tbody',
        {},
        blamed.lines.map((l) => {
          const row = h(
            'tr',
            { 'data-line': l.line, 'data-session': l.session ?? '', 'data-step': l.step ?? '', class: l.session === null ? 'human' : 'agent' },
            h('td', { class: 'mono muted commit', title: l.author }, l.commit.slice(0, 8)),
            h(
              'td',
              { class: 'mono who' },
              l.session === null ? '' : [swatch(l.session), h('a', { href: href('session', [l.session], { step: l.step ?? 0 }), title: l.prompt ?? '' }, `${l.session.slice(0, 14)} #${l.step}`), l.edited ? h('span', { class: 'muted', title: 'edited since the agent wrote it' }, ' ~') : null],
            ),
            h('td', { class: 'mono num lineno' }, l.line),
            h('td', { class: 'code' }, h('code', {}, l.text)),
          );
          if (l.session !== null) row.style.setProperty('--session-hue', String(hue(l.session)));
          return row;
        }),
      ),
    ),
  );
}

function swatch(session: string): HTMLElement {
  const mark = h('span', { class: 'swatch' });
  mark.style.background = `hsl(${hue(session)} 60% 50%)`;
  return mark;
}

function revPicker(page: string, rev: string, params: Readonly<Record<string, string>>): HTMLElement {
  const input = h('input', { id: 'rev', value: rev, 'aria-label': 'revision', size: 20 }) as HTMLInputElement;
  input.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') location.hash = href(page, [], { ...params, rev: input.value.trim() || 'HEAD' });
  });
  return h('p', { class: 'toolbar' }, h('label', {}, 'revision ', input));
}
