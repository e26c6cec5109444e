// Subagents seen from the parent rollout. A `spawn_agent` call (output `{"agent_id": …}`) and
// the `event_msg/collab_agent_spawn_end` event (`new_thread_id`, `prompt`) describe the same
// spawn: both write one subagent step, id `<call_id>:subagent`, merged field by field.
// The subagent's own steps live in its own rollout file, whose session names this one as parent.

import { asString, compact } from '../../model/json.js';
import { STEP_VERSION } from '../../model/step.js';
import type { Handler, Handling } from './handling.js';
import { optionalString } from './records.js';

export interface Spawn {
  readonly id: string;
  readonly agentId: string;
  readonly parentCallId: string | undefined;
  readonly text: string | undefined;
  readonly timestamp: string | null;
  /** The subagent's model, when the event says it. */
  readonly model?: string;
}

export function upsertSubagent(h: Handling, spawn: Spawn): void {
  const t = h.t;
  const earlier = t.get(spawn.id);
  if (earlier !== undefined && earlier.kind === 'subagent') {
    t.change(compact({ ...earlier, text: earlier.text ?? spawn.text, model: earlier.model ?? spawn.model }));
  } else {
    t.add(compact({
      v: STEP_VERSION,
      id: spawn.id,
      kind: 'subagent',
      timestamp: spawn.timestamp,
      model: spawn.model ?? t.model,
      agentId: spawn.agentId,
      parentCallId: spawn.parentCallId,
      text: spawn.text,
    }));
  }
  t.keepSpawn(spawn.id);
}

export const handleSpawnEnd: Handler = (h, record, line) => {
  const kind = 'event_msg/collab_agent_spawn_end';
  const p = record.payload;
  const agentId = optionalString(p, 'new_thread_id', kind);
  if (agentId === undefined) return false;
  const callId = optionalString(p, 'call_id', kind);
  const prompt = asString(p['prompt']);
  const model = asString(p['model']);
  upsertSubagent(h, {
    id: callId === undefined ? h.t.lineId(line) : `${callId}:subagent`,
    agentId,
    parentCallId: callId,
    text: prompt === '' ? undefined : prompt,
    timestamp: record.timestamp,
    ...(model === undefined ? {} : { model }),
  });
  return true;
};
