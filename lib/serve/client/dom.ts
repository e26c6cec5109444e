// The page's few tools: elements built from data (text is always set as text, never parsed as
// HTML, so nothing a session holds can run as code), the JSON answers, and the hash route.

export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly hint: string | null,
  ) {
    super(message);
  }
}

/** GET /api/NAME with the cookie the server set; an ApiError with its message and hint otherwise. */
export async function api<T>(name: string, params: Readonly<Record<string, string | number | undefined>> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
  const response = await fetch(`/api/${name}${query.size > 0 ? `?${query}` : ''}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as { error?: string; hint?: string };
  if (!response.ok) throw new ApiError(body.error ?? `the server answered ${response.status}`, body.hint ?? null);
  return body as T;
}

export interface Route {
  readonly page: string;
  readonly rest: readonly string[];
  readonly params: URLSearchParams;
}

/** `#/session/ID?step=3` → {page: 'session', rest: ['ID'], params}. */
export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const path = q === -1 ? hash : hash.slice(0, q);
  const [page, ...rest] = path.split('/').map((p) => decodeURIComponent(p));
  return { page: page === undefined || page === '' ? 'sessions' : page, rest, params: new URLSearchParams(q === -1 ? '' : hash.slice(q + 1)) };
}

export function href(page: string, rest: readonly string[] = [], params: Readonly<Record<string, string | number | undefined>> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  return `#/${[page, ...rest].map(encodeURIComponent).join('/')}${query.size > 0 ? `?${query}` : ''}`;
}

export function shortTime(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '-' : iso.replace('T', ' ').slice(0, 16);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2)}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** A diff as lines marked added, removed or context. */
export function diffView(diff: string): HTMLElement {
  const lines = diff.replace(/\n$/, '').split('\n');
  return h(
    'pre',
    { class: 'diff' },
    lines.map((line) => h('span', { class: line.startsWith('+++') || line.startsWith('---') ? 'd-file' : line.startsWith('+') ? 'd-add' : line.startsWith('-') ? 'd-del' : line.startsWith('@@') ? 'd-hunk' : 'd-ctx' }, `${line}\n`)),
  );
}

/** A stable hue per session id, so a session has one colour on every page. */
export function hue(id: string): number {
  let n = 0;
  for (const c of id) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return n % 360;
}
