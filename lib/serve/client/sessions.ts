// The sessions page: every session, newest first; a query searches prompts, replies, commands,
// output and paths (the catalog's full-text index) and keeps the sessions with a hit.

import { api, duration, h, href, hue, oneLine, plural, shortTime, type Route } from './dom.js';

interface SessionRow {
  readonly id: string;
  readonly agent: string;
  readonly title: string | null;
  readonly startedAt: string | null;
  readonly durationMs: number | null;
  readonly stepCount: number;
  readonly gitBranch: string | null;
  readonly trust: string | null;
}

interface Hit {
  readonly session: string;
  readonly step: number;
  readonly snippet: string;
}

/** As many hits as the server returns at most (lib/serve/api.ts). */
const SEARCH_LIMIT = 200;

/** A snippet with the matched terms (between « and », as the catalog marks them) highlighted. */
function marked(snippet: string): (HTMLElement | string)[] {
  return snippet.split(/(«[^»]*»)/).map((part) => (part.startsWith('«') && part.endsWith('»') ? h('mark', {}, part.slice(1, -1)) : part));
}

export async function sessionsPage(route: Route): Promise<HTMLElement> {
  const q = route.params.get('q') ?? '';
  const [list, found] = await Promise.all([
    api<{ sessions: SessionRow[]; total: number; unreadable?: { id: string; why: string }[] }>('sessions'),
    q === '' ? Promise.resolve(null) : api<{ hits: Hit[] }>('search', { q }),
  ]);
  const hits = new Map<string, Hit[]>();
  for (const hit of found?.hits ?? []) hits.set(hit.session, [...(hits.get(hit.session) ?? []), hit]);
  const shown = found === null ? list.sessions : list.sessions.filter((s) => hits.has(s.id));
  const input = h('input', { id: 'search', type: 'search', placeholder: 'search prompts, commands, output, paths…', value: q, 'aria-label': 'search sessions' }) as HTMLInputElement;
  input.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') location.hash = href('sessions', [], { q: input.value.trim() });
  });
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Sessions'),
    h('p', { class: 'toolbar' }, input, ' ', h('span', { class: 'muted', id: 'count' }, found === null ? plural(list.total, 'session') : `${shown.length} of ${plural(list.total, 'session')} match${found.hits.length >= SEARCH_LIMIT ? ` (in the best ${SEARCH_LIMIT} hits)` : ''}`)),
    list.unreadable !== undefined && list.unreadable.length > 0 ? h('p', { class: 'warning' }, `${list.unreadable.length} sessions cannot be read with your key`) : null,
    shown.length === 0
      ? h('p', { class: 'empty' }, found === null ? 'No sessions stored yet: run git trace import.' : 'No session matches.')
      : h(
          'table',
          { class: 'sessions' },
          h('thead', {}, h('tr', {}, ['session', 'agent', 'started', 'duration', 'steps', 'title'].map((c) => h('th', {}, c)))),
          h(
            'tbody',
            {},
            shown.map((s) => {
              const mark = h('span', { class: 'swatch' });
              mark.style.background = `hsl(${hue(s.id)} 60% 50%)`;
              const sessionHits = hits.get(s.id) ?? [];
              return h(
                'tr',
                { 'data-session': s.id },
                h('td', { class: 'mono nowrap' }, mark, h('a', { href: href('session', [s.id]) }, s.id), s.trust === 'untrusted' ? h('span', { class: 'badge bad', title: 'not signed by a recipient: its text may be forged' }, 'untrusted') : null),
                h('td', { class: 'nowrap' }, s.agent),
                h('td', { class: 'mono nowrap' }, shortTime(s.startedAt)),
                h('td', { class: 'num' }, duration(s.durationMs)),
                h('td', { class: 'num' }, s.stepCount),
                h(
                  'td',
                  { class: 'title' },
                  oneLine(s.title ?? '', 140),
                  sessionHits.slice(0, 3).map((hit) => h('div', { class: 'hit' }, h('a', { href: href('session', [s.id], { step: hit.step }) }, `#${hit.step}`), ' ', marked(oneLine(hit.snippet, 160)))),
                ),
              );
            }),
          ),
        ),
  );
}
