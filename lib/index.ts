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
