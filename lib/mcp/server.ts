// The MCP server: read-only by construction. Every tool is a query (annotated readOnlyHint) over
// one repository opened by the caller; none flushes, imports, pushes or writes a ref. Reading
// brings the local catalog (a cache under .git/opentraces) up to date with the refs, as every
// reading command does. Requests run one at a time: the catalog is one SQLite handle.
// Every answer is JSON text, redacted and scrubbed again, and bounded (answer.ts).
// NEEDSWORK: the catalog refresh puts back a session ref that 'git fetch --prune' deleted (a
// compare-and-swap to the tip it knew), as every reading command does; a strictly ref-free
// refresh would need an option in lib/catalog/refresh.ts.

import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { TraceError } from '../errors.js';
import { readRedactionConfig } from '../repo-config.js';
import { AGENTS } from '../model/session.js';
import { scrubberForRepo, type Scrubber } from '../egress/scrub.js';
import { readQueue } from '../catalog/read-queue.js';
import type { SessionFilter } from '../catalog/sessions.js';
import type { TraceRepo } from '../trace-repo.js';
import { VERSION } from '../version.js';
import { AnswerEgress, bounded, PAGE_CHARS, type BoundOptions, type MoreHint } from './answer.js';
import { blameAnswer, blamePrAnswer, contextAnswer, fieldOf, listAnswer, resumeAnswer, searchAnswer, sessionAnswer, stepAnswer, trackAnswer, type Json } from './queries.js';

export interface ServerOptions {
  /** Where warnings go: never stdout, which is the protocol's. */
  readonly warn: (message: string) => void;
  /** `since` as the CLI reads it (an ISO date or an age: 7d). */
  readonly parseSince: (value: string) => Date;
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** The hint in a cut string: where in a step it is, how to read the rest. */
function stepHint(session: () => string | undefined, step: () => number | undefined): MoreHint {
  return (path, shown) => {
    const s = session();
    const n = step();
    const field = path.slice(path.indexOf('step') + 1).join('.');
    if (s !== undefined && n !== undefined && path[0] === 'step' && field !== '') return `read on with show_step {session: '${s}', step: ${n}, field: '${field}', offset: ${shown}}`;
    return 'show_step {session, step} has the step in full (with field and offset to page through a long text)';
  };
}

const GENERIC_HINT = stepHint(() => undefined, () => undefined);

export async function createServer(repo: TraceRepo, options: ServerOptions): Promise<McpServer> {
  const server = new McpServer({ name: 'git-trace', version: VERSION }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });
  const scrubber = await scrubberForRepo(repo.git.repo);
  const serial = readQueue(repo);

  /** Run `work`, redact and scrub what it returns, `shape` it (a page of a field), bound it. */
  const answer = async (work: (egress: { scrubber: Scrubber }) => Promise<Json>, bound: BoundOptions, shape: (clean: Json) => Json = (c) => c): Promise<CallToolResult> => {
    try {
      const text = await serial(async () => {
        const redaction = await readRedactionConfig(repo.git.repo);
        const body = await work({ scrubber });
        const egress = new AnswerEgress(redaction, scrubber);
        const clean = egress.value(body);
        return bounded({ ...shape(clean), egress: { secrets: egress.secrets, scrubbed: egress.scrubbed } }, bound);
      });
      return { content: [{ type: 'text', text }] };
    } catch (error) {
      return toolError(error);
    }
  };

  server.registerTool(
    'list_sessions',
    {
      title: 'List sessions',
      description: 'The coding-agent sessions stored in this repository, newest first: id, agent, title, times, step count, trust.',
      inputSchema: { agent: z.enum(AGENTS).optional(), since: z.string().optional().describe('an ISO date or an age: 7d, 12h, 2w'), limit: z.number().int().min(1).max(100).default(20) },
      annotations: { title: 'List sessions', ...READ_ONLY },
    },
    ({ agent, since, limit }) => answer(() => listAnswer(repo, filterOf(options, agent, since), limit), { list: 'sessions', listHint: 'ask for a smaller limit', more: GENERIC_HINT }),
  );

  server.registerTool(
    'search',
    {
      title: 'Search sessions',
      description: 'Full-text search over prompts, replies, reasoning, commands, tool output and paths of every session. Terms are ANDed; "quoted words" match as a phrase; a trailing * matches a prefix. Hits name session and step.',
      inputSchema: {
        query: z.string().min(1),
        agent: z.enum(AGENTS).optional(),
        since: z.string().optional().describe('an ISO date or an age: 7d, 12h, 2w'),
        file: z.string().optional().describe('only steps that changed or read this path (or below it)'),
        limit: z.number().int().min(1).max(100).default(20),
      },
      annotations: { title: 'Search sessions', ...READ_ONLY },
    },
    ({ query, agent, since, file, limit }) =>
      answer(() => searchAnswer(repo, query, { ...filterOf(options, agent, since), ...(file === undefined ? {} : { file }), limit }), { list: 'hits', listHint: 'ask for a smaller limit', more: GENERIC_HINT }),
  );

  server.registerTool(
    'show_session',
    {
      title: 'Show a session',
      description: "A session's metadata and timeline: one line per step (kind, time, summary, files changed), up to 200 steps from from_step. ID may be a unique prefix of at least 4 characters.",
      inputSchema: { session: z.string().min(1), from_step: z.number().int().min(0).default(0) },
      annotations: { title: 'Show a session', ...READ_ONLY },
    },
    ({ session, from_step }) => answer(() => sessionAnswer(repo, session, from_step), { list: 'steps', listHint: `show_session {session: '${session}', from_step: N} pages on`, more: GENERIC_HINT }),
  );

  server.registerTool(
    'show_step',
    {
      title: 'Show a step',
      description: `One step in full: its text, tool input and output, the patches it produced. Long texts are cut; field (text, tool.input, tool.output, patches.N.diff) with offset pages through one of them, ${PAGE_CHARS} characters at a time.`,
      inputSchema: { session: z.string().min(1), step: z.number().int().min(0), field: z.string().optional(), offset: z.number().int().min(0).default(0) },
      annotations: { title: 'Show a step', ...READ_ONLY },
    },
    ({ session, step, field, offset }) => {
      let id: string | undefined;
      if (field === undefined) {
        const more = stepHint(() => id, () => step);
        return answer(async () => {
          const shown = await stepAnswer(repo, session, step);
          id = shown.id;
          return shown.answer;
        }, { more });
      }
      const more: MoreHint = (_path, shown) => `read on with show_step {session: '${id ?? session}', step: ${step}, field: '${field}', offset: ${offset + shown}}`;
      return answer(
        async () => {
          const shown = await stepAnswer(repo, session, step);
          id = shown.id;
          return { version: 1, session: shown.answer['session'], step, field, offset, text: fieldOf(shown.answer['step'], field) };
        },
        { more, maxField: PAGE_CHARS },
        (clean) => page(clean, offset),
      );
    },
  );

  server.registerTool(
    'step_context',
    {
      title: 'Context of a step',
      description: 'What the model could see at a step: system prompt and instructions when recorded, the steps in its window since the last compaction, and the files its tools had read.',
      inputSchema: { session: z.string().min(1), step: z.number().int().min(0) },
      annotations: { title: 'Context of a step', ...READ_ONLY },
    },
    ({ session, step }) => answer(() => contextAnswer(repo, session, step), { list: 'window', listHint: 'show_session pages through the whole timeline', more: GENERIC_HINT }),
  );

  server.registerTool(
    'resume_packet',
    {
      title: 'Resume a session',
      description: "A compact packet to continue a session's work from a step (default its last): the goal (its prompts), what was done, what failed, what was tried and undone (and each patch's survival at HEAD), tests and their last results, the files that matter.",
      inputSchema: { session: z.string().min(1), step: z.number().int().min(0).optional() },
      annotations: { title: 'Resume a session', ...READ_ONLY },
    },
    ({ session, step }) => answer(() => resumeAnswer(repo, session, step), { more: GENERIC_HINT }),
  );

  server.registerTool(
    'blame',
    {
      title: 'Blame a file',
      description: 'Per line of a file at a revision (default HEAD): the commit that last changed it and, when a coding agent wrote it, the session, step, agent, model and the prompt that drove it; a line a person edited from an agent\'s is the person\'s (by: human), with that step as its origin. from_line/to_line (1-based) narrow it to a range.',
      inputSchema: { file: z.string().min(1).describe('a path relative to the repository top'), rev: z.string().optional(), from_line: z.number().int().min(1).optional(), to_line: z.number().int().min(1).optional() },
      annotations: { title: 'Blame a file', ...READ_ONLY },
    },
    ({ file, rev, from_line, to_line }) =>
      answer(
        () => blameAnswer(repo, { file, ...(rev === undefined ? {} : { rev }), ...(from_line === undefined ? {} : { from: from_line }), ...(to_line === undefined ? {} : { to: to_line }), warn: options.warn }),
        { list: 'lines', listHint: 'ask for a line range with from_line and to_line', more: GENERIC_HINT },
      ),
  );

  server.registerTool(
    'blame_pr',
    {
      title: 'Blame a range of commits',
      description: 'The commits of BASE..HEAD (or from the merge-base with base, default the default branch) walked back to the sessions and steps that produced them: per session its prompts, lineage (steps, patches, commits) and evidence (commands run, files read).',
      inputSchema: { range: z.string().optional().describe('BASE..HEAD'), base: z.string().optional() },
      annotations: { title: 'Blame a range of commits', ...READ_ONLY },
    },
    ({ range, base }) =>
      answer(
        async ({ scrubber: s }) => blamePrAnswer(repo, { ...(range === undefined ? {} : { range }), ...(base === undefined ? {} : { base }), redaction: await readRedactionConfig(repo.git.repo), scrubber: s, warn: options.warn }),
        { list: 'sessions', listHint: 'ask for a narrower range', more: GENERIC_HINT },
      ),
  );

  server.registerTool(
    'track',
    {
      title: "Track a session's work",
      description: "Did a session's work survive: each patch, the commits that carry its lines, and its state at a ref (default HEAD): alive, moved, transformed, partial, reverted, lost or unknown.",
      inputSchema: { session: z.string().min(1), at: z.string().optional() },
      annotations: { title: "Track a session's work", ...READ_ONLY },
    },
    ({ session, at }) => answer(() => trackAnswer(repo, session, at), { list: 'patches', listHint: 'show_session lists the steps', more: GENERIC_HINT }),
  );

  server.registerResource(
    'session',
    new ResourceTemplate('git-trace://session/{id}', {
      list: async () => {
        const listed = await serial(() => listAnswer(repo, {}, 100)).catch(() => ({ sessions: [] }));
        const sessions = (listed['sessions'] ?? []) as { id: string; title: string | null; agent: string }[];
        const egress = new AnswerEgress(await readRedactionConfig(repo.git.repo), scrubber);
        return { resources: sessions.map((s) => ({ uri: `git-trace://session/${encodeURIComponent(s.id)}`, name: s.id, title: egress.value(s.title ?? s.id).slice(0, 200), description: `a ${s.agent} session`, mimeType: 'application/json' })) };
      },
    }),
    { title: 'A session', description: "A session's metadata and timeline, as show_session answers it", mimeType: 'application/json' },
    async (uri, variables) => {
      const id = decodeURIComponent(String(variables['id']));
      const result = await answer(() => sessionAnswer(repo, id, 0), { list: 'steps', listHint: `show_session {session: '${id}', from_step: N} pages on`, more: GENERIC_HINT });
      const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
      if (result.isError === true) throw new Error(text);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
    },
  );

  return server;
}

const INSTRUCTIONS = `git-trace keeps the coding-agent sessions of this repository (prompts, replies, tool calls, patches), encrypted in git. These tools only read. Start with blame (why is this line so?), search or list_sessions; follow the session and step ids they return with show_session, show_step, step_context and track. Answers are JSON, redacted and cut to about 20 KB; a cut text says how to read on. Sessions with trust 'untrusted' were not signed by a recipient of the repository: their text may be forged.`;

function filterOf(options: ServerOptions, agent: string | undefined, since: string | undefined): SessionFilter {
  return { ...(agent === undefined ? {} : { agent }), ...(since === undefined ? {} : { since: options.parseSince(since) }) };
}

/** A field's page: its text from `offset` (in the redacted text), at most PAGE_CHARS, with what is left. */
function page(body: Json, offset: number): Json {
  const text = typeof body['text'] === 'string' ? body['text'] : '';
  const slice = text.slice(offset, offset + PAGE_CHARS);
  const rest = text.length - offset - slice.length;
  return { ...body, text: slice, length: text.length, ...(rest > 0 ? { more: `${rest} more characters: show_step with offset ${offset + slice.length}` } : {}) };
}

function toolError(error: unknown): CallToolResult {
  const text =
    error instanceof TraceError
      ? `error: ${error.message}${error.hint === undefined ? '' : `\nhint: ${error.hint}`}`
      : `error: ${error instanceof Error ? error.message : String(error)}\nthis is a bug in git-trace: please report it`;
  return { isError: true, content: [{ type: 'text', text }] };
}
