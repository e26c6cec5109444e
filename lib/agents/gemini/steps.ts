// One Gemini message record -> its normalized steps.
//
// Step ids are stable across rewrites of the file, so a re-parse yields the same ids:
//   prompt and reply: the message id; reasoning: `<message id>:thought:<i>`; tool: the call id
//   (`<message id>:tool:<i>` when the call has none or another message already owns it).
// A `gemini` message becomes reasoning (its thoughts came first), then its reply text, then its
// tool calls. Its usage goes on one step only: the reply, else the message's first step.

import { compact } from '../../model/json.js';
import { STEP_VERSION, type Patch, type Sidechain, type Step, type Usage } from '../../model/step.js';
import { reportedPatch } from './patches.js';
import { isOnlyFunctionResponses, partsText, type GeminiMessage, type GeminiTokens, type GeminiToolCall } from './records.js';
import { toToolCall } from './tools.js';

export interface StepContext {
  readonly repoRoot: string | null;
  /** True when `stepId` belongs to a message other than `messageId`. */
  readonly isTakenByOther: (stepId: string, messageId: string) => boolean;
  /** Count a record or part that did not become a step, by kind. */
  readonly skip: (kind: string) => void;
}

/** Agent ids Gemini gives its own main loop's tool calls (upstream DEFAULT_AGENT_ID and tests). */
const MAIN_AGENT_IDS: ReadonlySet<string> = new Set(['', 'primary', 'main']);

export function messageSteps(message: GeminiMessage, context: StepContext): Step[] {
  switch (message.type) {
    case 'user':
      return promptSteps(message, context);
    case 'gemini':
      return geminiSteps(message, context);
    case 'info':
    case 'error':
    case 'warning':
      context.skip(message.type);
      return [];
    default:
      context.skip(`type/${message.type}`);
      return [];
  }
}

function promptSteps(message: GeminiMessage, context: StepContext): Step[] {
  // displayContent is what the user typed; content may carry expanded @file contents.
  const shown = partsText(message.displayContent);
  const text = shown !== '' ? shown : partsText(message.content);
  if (text === '') {
    context.skip(isOnlyFunctionResponses(message.content) ? 'user/function-response' : 'user/empty');
    return [];
  }
  return [{ v: STEP_VERSION, kind: 'prompt', id: message.id, timestamp: message.timestamp, sourceId: message.id, text }];
}

/** Fields every step of one gemini message carries. */
interface Shared {
  readonly v: typeof STEP_VERSION;
  readonly model?: string;
  readonly sourceId: string;
}

function geminiSteps(message: GeminiMessage, context: StepContext): Step[] {
  const shared: Shared = compact({ v: STEP_VERSION, model: message.model, sourceId: message.id });
  const steps: Step[] = [];
  message.thoughts.forEach((thought, i) => {
    const subject = thought.subject.trim();
    const description = thought.description.trim();
    const text = subject !== '' && description !== '' ? `${subject}: ${description}` : subject + description;
    if (text.trim() === '') return context.skip('thought/empty');
    steps.push({ ...shared, kind: 'reasoning', id: `${message.id}:thought:${i}`, timestamp: thought.timestamp ?? message.timestamp, text });
  });
  const reply = partsText(message.content);
  const usage = message.tokens === undefined ? undefined : usageOf(message.tokens);
  let replyIndex = -1;
  if (reply !== '') {
    replyIndex = steps.length;
    steps.push({ ...shared, kind: 'message', id: message.id, timestamp: message.timestamp, text: reply });
  }
  const seen = new Set<string>();
  message.toolCalls.forEach((call, i) => {
    const step = toolStep(message, call, i, shared, context, seen);
    seen.add(step.id);
    steps.push(step);
  });
  if (usage === undefined) return steps;
  if (steps.length === 0) {
    // Nothing else to carry the usage: keep the tokens on an empty reply rather than lose the cost.
    return [{ ...shared, kind: 'message', id: message.id, timestamp: message.timestamp, text: '', usage, usageKey: message.id }];
  }
  const at = replyIndex >= 0 ? replyIndex : 0;
  return steps.map((step, i) => (i === at ? { ...step, usage, usageKey: message.id } : step));
}

function toolStep(
  message: GeminiMessage,
  call: GeminiToolCall,
  index: number,
  shared: Shared,
  context: StepContext,
  seen: ReadonlySet<string>,
): Step {
  const taken = call.id === undefined || seen.has(call.id) || call.id === message.id || context.isTakenByOther(call.id, message.id);
  const id = taken || call.id === undefined ? `${message.id}:tool:${index}` : call.id;
  const tool = toToolCall(call, context.repoRoot);
  const outcome = reportedPatch(call, tool.output, context.repoRoot);
  let patches: readonly Patch[] | undefined;
  if (outcome?.kind === 'patch') patches = [outcome.patch];
  else if (outcome?.kind === 'skipped') context.skip(outcome.reason);
  const sidechain: Sidechain | undefined =
    call.agentId === undefined || MAIN_AGENT_IDS.has(call.agentId) ? undefined : { agentId: call.agentId };
  return compact({
    ...shared,
    kind: 'tool' as const,
    id,
    timestamp: call.timestamp ?? message.timestamp,
    tool,
    sidechain,
    patches,
  });
}

/**
 * Gemini's counts -> ours. `input` includes `cached`; `thoughts` are billed as output but not
 * counted in `output`; `tool` (tool-use prompt tokens) is billed as input but not counted in
 * `input`. So total = inputTokens + cacheReadTokens + outputTokens.
 */
export function usageOf(tokens: GeminiTokens): Usage {
  return {
    inputTokens: Math.max(0, tokens.input - tokens.cached) + tokens.tool,
    outputTokens: tokens.output + tokens.thoughts,
    cacheReadTokens: Math.min(tokens.cached, tokens.input),
    cacheWriteTokens: 0,
    reasoningTokens: tokens.thoughts,
  };
}
