// Audit: the rules of audit-rules.ts over a session's steps, each finding with the step that did
// it. The rules in force are the built-in ones less those the repository silences
// (`trace.auditDisable ID`), plus its own (`trace.auditRule 'ID SEVERITY REGEX'`).

import type { GitRepo } from '../../refs/repo.js';
import type { IndexedStep } from '../model/step.js';
import { readRepoConfig } from '../repo-config.js';
import { AUDIT_RULES, configuredRule, stepFacts, type AuditRule, type Severity } from './audit-rules.js';

export interface Finding {
  readonly session: string;
  readonly step: number;
  readonly rule: string;
  readonly severity: Severity;
  readonly summary: string;
  /** What in the step fired the rule (a command, a path, a patch line), as stored (redacted). */
  readonly evidence: string;
}

export interface RuleSet {
  readonly rules: readonly AuditRule[];
  /** Configured rules that could not be read, and silenced ids that name no rule. */
  readonly problems: readonly string[];
}

/** The rules in force in this repository. */
export async function rulesFor(repo: GitRepo): Promise<RuleSet> {
  const config = await readRepoConfig(repo);
  const disabled = new Set(config.auditDisable);
  const added: AuditRule[] = [];
  const problems: string[] = [];
  for (const value of config.auditRules) {
    const rule = configuredRule(value);
    if (typeof rule === 'string') problems.push(`trace.auditRule: ${rule}`);
    else added.push(rule);
  }
  const all = [...AUDIT_RULES, ...added];
  for (const id of disabled) if (!all.some((r) => r.id === id)) problems.push(`trace.auditDisable: no rule '${id}'`);
  return { rules: all.filter((r) => !disabled.has(r.id)), problems };
}

export function auditSteps(session: string, steps: readonly IndexedStep[], rules: readonly AuditRule[], workTree: string | null): Finding[] {
  const findings: Finding[] = [];
  for (const step of steps) {
    const facts = stepFacts(step, workTree);
    for (const rule of rules) {
      const evidence = rule.match(step, facts);
      if (evidence !== null) findings.push({ session, step: step.index, rule: rule.id, severity: rule.severity, summary: rule.summary, evidence });
    }
  }
  return findings;
}
