// Redaction at capture, one path for every way in: transcript import, live capture's flush and
// steps import all pass what they store through `redactAppend`, so a step is redacted the same
// whichever way it came. Each step records its own counts in `redacted`, added to the counts it
// already carries (a step stored before and emitted again keeps what was found in it then).
//
// What the importer keeps at rest between two reads of a transcript (the checkpoint state:
// tool calls waiting for their result, titles, steps that may still change) is redacted here
// too, by `redactCheckpoint`, so import-state.json holds no secret the store would not.
//
// ctx items (system prompts, instructions, the work tree's uncommitted diff at capture start)
// are redacted too; their counts are not kept (an item is not a step), their text is.

import { adapterFor } from '../agents/index.js';
import type { Checkpoint } from '../agents/types.js';
import { addCounts, redactStep, redactText, redactValue, type RedactionConfig, type RedactionCounts } from '../crypto/redact.js';
import type { AgentName } from '../model/session.js';
import type { SessionInfo } from '../model/session.js';
import type { Step } from '../model/step.js';
import type { SessionAppend } from '../store/append.js';

/** Redact what an append stores: the session's title, every step and every ctx item. */
export function redactAppend(append: SessionAppend, config: RedactionConfig): { append: SessionAppend; counts: RedactionCounts } {
  const { steps, counts } = redactSteps(append.steps, config);
  const context = append.context?.map((item) => (config.enabled ? { ...item, text: redactText(item.text, config).text } : item));
  return { append: { ...append, info: redactSession(append.info, config), steps, ...(context === undefined ? {} : { context }) }, counts };
}

/** Redact every step; each step records its own counts. */
export function redactSteps(steps: readonly Step[], config: RedactionConfig): { steps: Step[]; counts: RedactionCounts } {
  let counts: RedactionCounts = {};
  const out = steps.map((step) => {
    const r = redactStep(step, config);
    if (Object.keys(r.counts).length === 0) return r.step;
    counts = addCounts(counts, r.counts);
    return { ...r.step, redacted: addCounts(step.redacted ?? {}, r.counts) } as Step;
  });
  return { steps: out, counts };
}

export function redactSession(session: SessionInfo, config: RedactionConfig): SessionInfo {
  return session.title === undefined ? session : { ...session, title: redactText(session.title, config).text };
}

/**
 * The checkpoint with the session content in its state redacted, by the agent's own map of its
 * state. Steps in it carry their counts, so a step completed by a later read counts what was
 * found in it before. Redaction is idempotent: the later read redacts the completed step again
 * and finds only what is new.
 */
export function redactCheckpoint(agent: AgentName, checkpoint: Checkpoint, config: RedactionConfig): Checkpoint {
  if (!config.enabled || checkpoint.state === undefined) return checkpoint;
  const state = adapterFor(agent).mapCheckpointContent(checkpoint.state, {
    step: (step) => redactSteps([step], config).steps[0] as typeof step,
    text: (text) => redactText(text, config).text,
    value: (value) => redactValue(value, config).value,
  });
  return state === undefined ? { from: checkpoint.from } : { from: checkpoint.from, state };
}
