// A session's page: its metadata, tokens and cost; its patches and their state at HEAD (track);
// and its timeline step by step: prompts, replies, reasoning, tool calls with their status and
// exit code, each step's patches as diffs, tokens per step, and on demand what the model could
// see at that step (ctx).

import { api, diffView, duration, h, href, oneLine, shortTime, usd, type Route } from './dom.js';
import { trackTable, type TrackAnswer } from './survival.js';

interface Patch {
  readonly path: string;
  readonly diff: string;
  readonly origin: string;
  readonly mismatch?: boolean;
}

interface Step {
  readonly index: number;
  readonly kind: string;
  readonly timestamp: string | null;
  readonly model?: string;
  readonly text?: string;
  readonly usage?: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  readonly tool?: { name: string; input: unknown; output?: string; exitCode?: number; status: string; truncated?: { bytes: number } };
  readonly patches?: readonly Patch[];
  readonly sidechain?: { agentId: string };
  readonly agentId?: string;
  readonly trigger?: string;
}

interface Timeline {
  readonly session: {
    id: string;
    agent: string;
    agentVersion: string | null;
    title: string | null;
    startedAt: string | null;
    endedAt: string | null;
    baseCommit: string | null;
    gitBranch: string | null;
    stepCount: number;
    redactions: Record<string, number>;
    trust: string | null;
  };
  readonly usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUSD: number; models: string[]; unpriced: string[] };
  readonly from: number;
  readonly steps: readonly Step[];
}

interface Ctx {
  readonly items: readonly { kind: string; text: string }[];
  readonly windowStart: number;
  readonly window: readonly { step: number; kind: string; summary: string }[];
  readonly filesRead: readonly { path: string; step: number }[];
}

const PAGE = 200;

export async function sessionPage(route: Route): Promise<HTMLElement> {
  const id = route.rest[0] ?? '';
  const focus = route.params.get('step');
  const from = focus === null ? 0 : Math.floor(Number(focus) / PAGE) * PAGE;
  const t = await api<Timeline>('session', { id, from });
  const s = t.session;
  const u = t.usage;
  const survival = h('div', { id: 'survival' }, h('p', { class: 'muted' }, 'judging survival at HEAD…'));
  api<TrackAnswer>('track', { id: s.id })
    .then((track) => survival.replaceChildren(trackTable(track)))
    .catch((error: Error) => survival.replaceChildren(h('p', { class: 'error' }, error.message)));
  const elapsed = s.startedAt !== null && s.endedAt !== null ? Date.parse(s.endedAt) - Date.parse(s.startedAt) : null;
  const redacted = Object.entries(s.redactions);
  const page = h(
    'section',
    { class: 'page', 'data-session': s.id },
    h('h1', {}, s.title === null ? s.id : oneLine(s.title, 120)),
    h(
      'dl',
      { class: 'meta' },
      field('Session', h('span', { class: 'mono' }, s.id)),
      field('Agent', `${s.agent}${s.agentVersion === null ? '' : ` ${s.agentVersion}`}`),
      field('Started', `${shortTime(s.startedAt)} (${duration(elapsed)})`),
      s.baseCommit === null ? null : field('Base', h('span', { class: 'mono' }, s.baseCommit.slice(0, 12))),
      s.gitBranch === null ? null : field('Branch', s.gitBranch),
      field('Steps', String(s.stepCount)),
      field('Tokens', `${u.inputTokens} in, ${u.outputTokens} out, ${u.cacheReadTokens} cache read, ${u.cacheWriteTokens} cache write`),
      field('Cost', h('span', { id: 'cost' }, `${usd(u.costUSD)}${u.models.length > 0 ? ` (${u.models.join(', ')})` : ''}${u.unpriced.length > 0 ? `; no price for ${u.unpriced.join(', ')}` : ''}`)),
      field('Signed', s.trust === 'untrusted' ? h('span', { class: 'badge bad' }, 'UNTRUSTED: not signed by a recipient; its text may be forged') : (s.trust ?? '-')),
      redacted.length === 0 ? null : field('Redacted', redacted.map(([k, n]) => `${n} ${k}`).join(', ')),
    ),
    h('h2', {}, 'Survival at HEAD'),
    survival,
    h('h2', {}, 'Timeline'),
    pager(s.id, t.from, s.stepCount),
    h('ol', { class: 'timeline', start: t.from }, t.steps.map((step) => stepItem(s.id, step, focus === String(step.index)))),
    pager(s.id, t.from, s.stepCount),
  );
  return page;
}

function field(name: string, value: Node | string): HTMLElement[] {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function pager(id: string, from: number, total: number): HTMLElement | null {
  if (total <= PAGE) return null;
  return h(
    'p',
    { class: 'pager' },
    from > 0 ? h('a', { href: href('session', [id], { step: from - PAGE }) }, `← steps ${from - PAGE}–${from - 1}`) : null,
    ` steps ${from}–${Math.min(total, from + PAGE) - 1} of ${total} `,
    from + PAGE < total ? h('a', { href: href('session', [id], { step: from + PAGE }) }, `steps ${from + PAGE}– →`) : null,
  );
}

function stepItem(id: string, step: Step, focused: boolean): HTMLElement {
  const tool = step.tool;
  const status = tool === undefined ? null : tool.status === 'pending' ? 'pending' : tool.exitCode !== undefined ? `exit ${tool.exitCode}` : tool.status;
  const failed = tool !== undefined && (tool.status === 'error' || (tool.exitCode !== undefined && tool.exitCode !== 0));
  const ctxBox = h('div', { class: 'ctx' });
  const ctxButton = h('button', { type: 'button', class: 'link' }, 'ctx') as HTMLButtonElement;
  ctxButton.addEventListener('click', () => {
    ctxButton.disabled = true;
    api<Ctx>('ctx', { id, step: step.index })
      .then((ctx) => ctxBox.replaceChildren(ctxView(ctx)))
      .catch((error: Error) => ctxBox.replaceChildren(h('p', { class: 'error' }, error.message)));
  });
  const item = h(
    'li',
    { class: `step kind-${step.kind}${focused ? ' focused' : ''}`, id: `step-${step.index}`, 'data-step': step.index, 'data-kind': step.kind },
    h(
      'div',
      { class: 'step-head' },
      h('a', { class: 'mono index', href: href('session', [id], { step: step.index }) }, `#${step.index}`),
      h('span', { class: 'mono muted' }, step.timestamp === null ? '' : step.timestamp.slice(11, 19)),
      h('span', { class: `kind` }, step.kind),
      step.sidechain === undefined ? null : h('span', { class: 'badge' }, step.sidechain.agentId),
      tool === undefined ? null : h('span', { class: 'tool-name' }, tool.name),
      status === null ? null : h('span', { class: `badge status ${failed ? 'bad' : 'good'}` }, status),
      step.usage === undefined ? null : h('span', { class: 'tokens muted' }, `${step.usage.inputTokens} in · ${step.usage.outputTokens} out${step.usage.cacheReadTokens > 0 ? ` · ${step.usage.cacheReadTokens} cached` : ''}`),
      step.model === undefined ? null : h('span', { class: 'muted' }, step.model),
      ctxButton,
    ),
    body(step),
    patches(step.patches ?? []),
    ctxBox,
  );
  return item;
}

/**
 * The step's patches as diffs. When live capture observed what changed, that is what is shown; the
 * agent's own report of the same edit is folded beneath it.
 */
function patches(list: readonly Patch[]): HTMLElement[] {
  const hasObserved = list.some((p) => p.origin === 'observed');
  return list.map((p) => {
    const head = `${p.path} (${p.origin}${p.mismatch === true ? ', differs from the agent report' : ''})`;
    const folded = hasObserved && p.origin === 'reported';
    return h(
      'div',
      { class: 'patch', 'data-path': p.path, 'data-origin': p.origin },
      folded ? h('details', {}, h('summary', { class: 'patch-head mono' }, `${head}: what the agent reported`), diffView(p.diff)) : [h('div', { class: 'patch-head mono' }, head), diffView(p.diff)],
    );
  });
}

function body(step: Step): HTMLElement | null {
  if (step.tool !== undefined) {
    const t = step.tool;
    const input = typeof t.input === 'string' ? t.input : JSON.stringify(t.input, null, 2);
    return h(
      'div',
      { class: 'tool' },
      h('details', { open: input.length < 400 }, h('summary', {}, 'input'), h('pre', { class: 'io' }, input)),
      t.output === undefined ? null : h('details', { open: t.output.length < 400 }, h('summary', {}, `output${t.truncated === undefined ? '' : ` (${t.truncated.bytes} bytes left out at capture)`}`), h('pre', { class: 'io' }, t.output)),
    );
  }
  const text = step.text ?? (step.kind === 'subagent' ? `subagent ${step.agentId ?? ''}` : step.kind === 'compaction' ? `compacted${step.trigger === undefined ? '' : ` (${step.trigger})`}` : '');
  return text === '' ? null : h('div', { class: 'text' }, text);
}

function ctxView(ctx: Ctx): HTMLElement {
  return h(
    'div',
    { class: 'ctx-view' },
    ctx.items.map((item) => h('details', {}, h('summary', {}, item.kind), h('pre', { class: 'io' }, item.text))),
    h('p', { class: 'muted' }, `what the model saw: ${ctx.window.length} steps before this one, since ${ctx.windowStart === 0 ? 'the start' : `the compaction at #${ctx.windowStart}`}${ctx.items.length > 0 ? `, and ${ctx.items.map((i) => i.kind).join(', ')}` : ''}`),
    h('ul', {}, ctx.window.map((w) => h('li', {}, `#${w.step} ${w.kind}: ${oneLine(w.summary, 160)}`))),
    ctx.filesRead.length === 0 ? null : h('p', {}, 'files read: ', ctx.filesRead.map((f) => `${f.path} (#${f.step})`).join(', ')),
  );
}
