// The public API for programs: `import { openRepo } from 'git-trace'`. The CLI uses the same.

export { openRepo, type TraceRepo, type OpenRepoOptions } from './trace-repo.js';
export { SessionStore, type StoredSession, type AppendResult } from './store/session-store.js';
export { listSessions, resolveSessionId, type SessionSummary } from './store/queries.js';
export { verifyStore, type VerifyReport, type SessionCheck } from './store/verify.js';
export { readRecipients, addRecipients, type Recipient } from './store/recipients.js';
export { readStepsFile, formatStepsFile, type StepsFileSession } from './import/steps-file.js';
export { ensureIdentity, loadIdentity, type UserIdentity } from './crypto/identity.js';
export type { Step, StepKind, IndexedStep, Patch, ToolCall, Usage } from './model/step.js';
export type { SessionInfo, SessionMeta, AgentName } from './model/session.js';
export { validateStep, validateSessionInfo } from './model/validate.js';
export * from './errors.js';
export { importTranscripts, type TranscriptImportResult } from './import/transcripts.js';
export { ADAPTERS, adapterFor } from './agents/index.js';
export type { AgentAdapter, ParseResult, TranscriptFile } from './agents/types.js';
export { redactText, redactStep, parseRedactionConfig, type RedactionConfig } from './crypto/redact.js';
export { aggregateCost, costOfUsage, type CostReport, type CostGrouping, type CostRules } from './analysis/cost.js';
export { PRICING_DATE, lookupPricing } from './analysis/pricing.js';
export { contextAt, type StepContext } from './ctx/window.js';
export { flushCaptures, type SessionFlush } from './capture/flush.js';
export { parseHookPayload, type HookEvent } from './capture/payload.js';
export { installHooks, uninstallHooks, hookStatus } from './hooks/index.js';
export { fetchSessions, pushSessions, type FetchResult, type PushResult } from './sync/sync.js';
export { removeRecipient } from './store/recipients.js';
export { rekeySession } from './store/rekey.js';
export { runDoctor, type Check } from './doctor.js';
