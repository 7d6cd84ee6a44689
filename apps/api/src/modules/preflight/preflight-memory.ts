import type { PreflightCheck, PreflightResult, PreflightStage } from '@iamroll/contracts';
import type { StoredPreflight } from './preflight-repository';

// Every API process keeps each node's preflight state in memory: the heartbeat reply reads the
// pending request here (no query per heartbeat), and the rollout reconciler reads verdicts,
// overrides and capabilities here each pass. PostgreSQL stays the truth: memory is loaded at
// start, reloaded per node on the `node.preflight` event (any process's change) and as a whole
// every 30 s (preflight-refresh), so nothing depends on it surviving a restart.

export interface MemoryVerdict {
  readonly stage: PreflightStage;
  readonly isPassed: boolean;
  readonly checkedAtMs: number;
  readonly reason: string | null;
}

export interface NodePreflightMemory {
  isCapable: boolean;
  pending: {
    readonly requestId: string;
    readonly stages: readonly PreflightStage[];
    readonly requestedAtMs: number;
  } | null;
  override: { readonly by: string; readonly reason: string; readonly atMs: number } | null;
  /** The latest request's time, answered or not. */
  lastRequestedAtMs: number | null;
  verdicts: MemoryVerdict[];
}

const MAX_REASON_CHECKS = 3;

/** The failing checks of a result, as the one line a rollout shows: "rds-iam-member (rw): …; lint: …". */
export function failureReason(checks: readonly PreflightCheck[]): string | null {
  const failed = checks.filter((check) => check.status === 'fail');
  if (failed.length === 0) return null;
  const shown = failed
    .slice(0, MAX_REASON_CHECKS)
    .map((check) => `${check.id}${check.connection ? ` (${check.connection})` : ''}: ${check.message}`);
  const more = failed.length > MAX_REASON_CHECKS ? `; and ${failed.length - MAX_REASON_CHECKS} more` : '';
  return `${shown.join('; ')}${more}`;
}

export function verdictOf(result: Pick<PreflightResult, 'stage' | 'isPassed' | 'checks'> & { checkedAtMs: number }) {
  return {
    stage: result.stage,
    isPassed: result.isPassed,
    checkedAtMs: result.checkedAtMs,
    reason: result.isPassed ? null : (failureReason(result.checks) ?? 'the agent reported a failed preflight'),
  };
}

export class PreflightMemory {
  #nodes = new Map<string, NodePreflightMemory>();

  get(nodeId: string): NodePreflightMemory | undefined {
    return this.#nodes.get(nodeId);
  }

  /** The node's entry, created empty when absent (a capability or request seen first). */
  entry(nodeId: string): NodePreflightMemory {
    let found = this.#nodes.get(nodeId);
    if (!found)
      this.#nodes.set(
        nodeId,
        (found = { isCapable: false, pending: null, override: null, lastRequestedAtMs: null, verdicts: [] }),
      );
    return found;
  }

  /**
   * Takes a node's row as read. A read that began before a request this process has made since
   * (a reload on an earlier event, answered after it) is older than memory: it is skipped, or it
   * would put the earlier request back in the heartbeat reply.
   */
  apply(stored: StoredPreflight): void {
    const requestedAtMs = this.#nodes.get(stored.nodeId)?.lastRequestedAtMs ?? null;
    const storedRequestedAtMs = stored.lastRequestedAt?.getTime() ?? null;
    if (requestedAtMs !== null && (storedRequestedAtMs === null || storedRequestedAtMs < requestedAtMs)) return;
    this.#nodes.set(stored.nodeId, {
      isCapable: stored.isCapable,
      pending: stored.pending
        ? {
            requestId: stored.pending.requestId,
            stages: stored.pending.stages,
            requestedAtMs: stored.pending.requestedAt.getTime(),
          }
        : null,
      override: stored.override
        ? { by: stored.override.by, reason: stored.override.reason, atMs: stored.override.at.getTime() }
        : null,
      lastRequestedAtMs: stored.lastRequestedAt?.getTime() ?? null,
      verdicts: stored.results.map((result) => verdictOf({ ...result, checkedAtMs: result.checkedAt.getTime() })),
    });
  }

  /** A full reload: nodes absent from `stored` lose their entry. */
  replaceAll(stored: readonly StoredPreflight[]): void {
    const previous = this.#nodes;
    this.#nodes = new Map();
    for (const node of stored) this.apply(node);
    // A capability seen in a heartbeat since start but not yet written is kept.
    for (const [nodeId, entry] of previous)
      if (!this.#nodes.has(nodeId) && entry.isCapable) this.entry(nodeId).isCapable = true;
  }

  forget(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }
}
