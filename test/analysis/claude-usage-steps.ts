// Test-only: the usage-carrying steps of a Claude Code transcript, read straight from its raw
// records, so the cost aggregation can be checked against ccusage without the Claude adapter.
// By default it keeps exactly the records ccusage@18 prices: any line whose `message.usage` has
// numeric `input_tokens` and `output_tokens` and whose `timestamp` is a string. With
// `mirrored: true` it also keeps the subagent responses that Claude Code 2.1.x mirrors into the
// parent file as `progress` records (`data.type: agent_progress`), which ccusage does not read.

import { readJsonLines } from '../../lib/agents/lines.js';
import { asRecord, asString, compact, field } from '../../lib/model/json.js';
import { STEP_VERSION, type MessageStep, type Usage } from '../../lib/model/step.js';

export interface UsageStepOptions {
  readonly mirrored?: boolean;
}

export async function claudeUsageSteps(file: string, options: UsageStepOptions = {}): Promise<MessageStep[]> {
  const steps: MessageStep[] = [];
  const lines = readJsonLines(file, undefined, () => {});
  for await (const line of lines) {
    const record = asRecord(line.value);
    const progress = field(record, 'data', 'type') === 'agent_progress' ? asRecord(field(record, 'data', 'message')) : undefined;
    const source = options.mirrored === true && progress !== undefined ? progress : record;
    const message = asRecord(field(source, 'message'));
    const usage = usageOf(field(message, 'usage'));
    const timestamp = asString(field(source, 'timestamp'));
    if (usage === undefined || timestamp === undefined) continue;
    const messageId = asString(field(message, 'id'));
    const requestId = asString(field(source, 'requestId'));
    steps.push(
      compact<MessageStep>({
        v: STEP_VERSION,
        id: `${file}:${line.line}`,
        kind: 'message',
        text: '',
        timestamp,
        model: asString(field(message, 'model')),
        usage,
        usageKey: messageId !== undefined && requestId !== undefined ? `${messageId}:${requestId}` : undefined,
      }),
    );
  }
  return steps;
}

function usageOf(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  const count = (...path: string[]): number | undefined => {
    const n = field(usage, ...path);
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  };
  const inputTokens = count('input_tokens');
  const outputTokens = count('output_tokens');
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  return compact<Usage>({
    inputTokens,
    outputTokens,
    cacheReadTokens: count('cache_read_input_tokens') ?? 0,
    cacheWriteTokens: count('cache_creation_input_tokens') ?? 0,
    cacheWrite1hTokens: count('cache_creation', 'ephemeral_1h_input_tokens'),
  });
}
