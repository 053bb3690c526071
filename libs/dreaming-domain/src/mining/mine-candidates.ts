import type { LessonCandidate } from '@reverie/contracts';
import { resolveThresholds, type DreamThresholds } from '../thresholds';
import type { SessionSignals } from '../signals/session-signals.model';
import { mineErrorClusters } from './error-cluster.miner';
import { mineFailureAssociations } from './failure-association.miner';
import { minePreferences } from './preference.miner';
import { mineRejections } from './rejection.miner';
import { mineWorkflows } from './workflow.miner';
import { withConversationRoots } from './conversations';
import { mineActionWorkflows } from './action-workflow.miner';

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A workflow made only of a mistake lesson's failing step and its fix ("`npm run build` →
 * `npm publish`" beside "Run `npm run build` before `npm publish`") says the same thing twice;
 * the mistake lesson, which carries the error, is the one a reviewer needs.
 */
export function restatesAFix(workflow: LessonCandidate, mistakes: readonly LessonCandidate[]): boolean {
  const steps = workflow.facts.steps as string[] | undefined;
  if (!steps?.length) return false;
  return mistakes.some((m) => {
    const fix = m.facts.fix as { value?: unknown } | undefined;
    if (!fix || typeof fix.value !== 'string') return false;
    const pair = new Set([fix.value, String(m.facts.step)]);
    return steps.every((s) => pair.has(s));
  });
}

/**
 * Every miner, tenant by tenant (patterns never mix tenants). Sessions are sorted first and the
 * candidates last, so the same signals in any order give the same candidates.
 */
export function mineCandidates(signals: readonly SessionSignals[], thresholds?: Partial<DreamThresholds>): LessonCandidate[] {
  const t = resolveThresholds(thresholds);
  const byTenant = new Map<string, SessionSignals[]>();
  const seen = new Set<string>();
  for (const s of signals) {
    const id = `${s.tenantId}/${s.sessionId}`;
    if (seen.has(id)) throw new Error(`mineCandidates: session ${id} appears twice in the input`);
    seen.add(id);
    const list = byTenant.get(s.tenantId);
    if (list) list.push(s); else byTenant.set(s.tenantId, [s]);
  }
  const out: LessonCandidate[] = [];
  for (const [tenantId, list] of [...byTenant].sort((a, b) => byKey(a[0], b[0]))) {
    const sessions = withConversationRoots(list.sort((a, b) => byKey(a.sessionId, b.sessionId)));
    const accepted = new Set<string>();
    const errors = mineErrorClusters(tenantId, sessions, t, accepted);
    const errorSessionsByStep = new Map<string, Set<string>>();
    for (const s of sessions) {
      for (const e of s.errors) {
        if (!accepted.has(`${e.step}\u0001${e.signature}`)) continue;
        const set = errorSessionsByStep.get(e.step) ?? new Set<string>();
        set.add(s.sessionId);
        errorSessionsByStep.set(e.step, set);
      }
    }
    const offWorkflowSessions = new Set<string>();
    const clusteredSessions = new Set<string>();
    const workflows = mineWorkflows(tenantId, sessions, t, offWorkflowSessions, clusteredSessions);
    out.push(
      ...errors,
      ...workflows.filter((w) => !restatesAFix(w, errors)),
      ...mineActionWorkflows(tenantId, sessions, t, { covered: new Set(workflows.flatMap((w) => (w.facts.steps as string[] | undefined) ?? [])), promptClustered: clusteredSessions }),
      ...mineFailureAssociations(tenantId, sessions, t, { errorSessionsByStep, offWorkflowSessions }),
      ...mineRejections(tenantId, sessions, t),
      ...minePreferences(tenantId, sessions, t),
    );
  }
  return out.sort((a, b) => byKey(a.fingerprint, b.fingerprint));
}
