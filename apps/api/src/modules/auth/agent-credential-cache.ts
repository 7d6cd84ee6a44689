import type { AgentCredentialRow, CredentialsRepository } from './credentials-repository';

/**
 * Agents authenticate every second: a credential is answered from memory (keyed by its
 * sha256) and rechecked against the database every this many milliseconds. The recheck
 * is the safety net, not the way revocation travels: the only revocation, decommissioning
 * a node, drops its credentials at once on the process that did it and, through the
 * `node-decommissioned` fleet signal, on every other (`forgetNode`). Only a signal missed
 * while a listener reconnected waits for the recheck: refused within about this long, at
 * most twice it if the database does not answer. A minute keeps a 10,000-node fleet's
 * rechecks near 200 rows a second instead of 2,000 (every 5 s).
 */
export const AGENT_CREDENTIAL_CACHE_MS = 60_000;
/** Credentials due for a recheck within this window share one query. */
const RECHECK_BATCH_MS = 100;
/** lastUsedAt is informational: write it at most this often per credential, not on every call. */
const TOUCH_INTERVAL_MS = 60_000;

export function isTouchDue(lastUsedAt: Date | null, nowMs: number): boolean {
  return !lastUsedAt || nowMs - lastUsedAt.getTime() > TOUCH_INTERVAL_MS;
}
const TOUCH_BATCH_MS = 1_000;
/**
 * Entries used within this long are rechecked every TTL whether they are used or not, so an
 * agent that heartbeats less often than twice the TTL (a keep-alive set longer than the
 * default 10 s) never waits for a lookup of its own. Unused this long, an entry is dropped.
 */
const IDLE_EVICT_MS = 5 * 60_000;
const MAX_ENTRIES = 100_000;

type Source = Pick<CredentialsRepository, 'findAgentCredential' | 'findAgentCredentials' | 'touchAgentCredentials'>;

interface Entry {
  row: AgentCredentialRow;
  checkedAtMs: number;
  usedAtMs: number;
}

/**
 * Stale-while-revalidate for agent credentials: a fresh entry answers at once;
 * a stale one (older than the TTL) still answers, while a batched query
 * rechecks every stale credential together; one past twice the TTL (rechecks
 * failing) is looked up again before answering. So a fleet of thousands costs
 * a few queries a second, not one per agent every few seconds, and no
 * heartbeat waits behind the pool for its credential. Unknown credentials are
 * never cached (each costs a query, as before).
 */
export class AgentCredentialCache {
  readonly #entries = new Map<string, Entry>();
  readonly #toRecheck = new Set<string>();
  readonly #toTouch = new Set<string>();
  /** Decommissioned nodes: never cached again (a lookup that began before the revocation committed may still answer). */
  readonly #forgottenNodes = new Set<string>();
  #recheckTimer: NodeJS.Timeout | undefined;
  #touchTimer: NodeJS.Timeout | undefined;
  #sweptAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: Source,
    private readonly nowMs: () => number,
    private readonly ttlMs = AGENT_CREDENTIAL_CACHE_MS,
  ) {}

  async find(tokenHash: string): Promise<AgentCredentialRow | null> {
    const now = this.nowMs();
    if (now - this.#sweptAtMs >= this.ttlMs) this.sweep(now);
    const entry = this.#entries.get(tokenHash);
    if (entry) {
      const ageMs = now - entry.checkedAtMs;
      if (ageMs < 2 * this.ttlMs) {
        if (ageMs >= this.ttlMs) this.#scheduleRecheck(tokenHash);
        return this.#used(entry);
      }
      this.#entries.delete(tokenHash);
    }
    const row = await this.source.findAgentCredential(tokenHash);
    if (!row || this.#forgottenNodes.has(row.nodeId)) return null;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const fresh = { row, checkedAtMs: this.nowMs(), usedAtMs: this.nowMs() };
    this.#entries.set(tokenHash, fresh);
    return this.#used(fresh);
  }

  /**
   * Drops one revoked credential now (the database's `credential-revoked` signal: a rotation, or
   * an operator's UPDATE): its next request is looked up again and refused. The node stays welcome.
   */
  forgetCredential(credentialId: string): void {
    for (const [tokenHash, entry] of this.#entries) {
      if (entry.row.credentialId !== credentialId) continue;
      this.#entries.delete(tokenHash);
      this.#toRecheck.delete(tokenHash);
    }
  }

  /**
   * Drops a decommissioned node's credentials now (they were revoked in the database), so
   * its next request is refused at once instead of within the recheck window.
   */
  forgetNode(nodeId: string): void {
    this.#forgottenNodes.add(nodeId);
    for (const [tokenHash, entry] of this.#entries) {
      if (entry.row.nodeId !== nodeId) continue;
      this.#entries.delete(tokenHash);
      this.#toRecheck.delete(tokenHash);
    }
  }

  /**
   * Once a TTL (run by `find`, no timer): every entry used lately and checked half a TTL
   * ago or more joins one batched recheck, so credentials of agents that heartbeat less
   * often than twice the TTL stay fresh, and a revoked one is still refused within about
   * a TTL. Entries unused for a minute are dropped.
   */
  sweep(now = this.nowMs()): void {
    this.#sweptAtMs = now;
    for (const [tokenHash, entry] of this.#entries) {
      if (now - entry.usedAtMs > IDLE_EVICT_MS) this.#entries.delete(tokenHash);
      else if (now - entry.checkedAtMs >= this.ttlMs / 2) this.#toRecheck.add(tokenHash);
    }
    if (this.#toRecheck.size > 0 && !this.#recheckTimer)
      this.#recheckTimer = setTimeout(() => void this.#recheck(), RECHECK_BATCH_MS).unref();
  }

  #used(entry: Entry): AgentCredentialRow {
    const { row } = entry;
    const now = this.nowMs();
    entry.usedAtMs = now;
    if (isTouchDue(row.lastUsedAt, now)) {
      entry.row = { ...row, lastUsedAt: new Date(now) };
      this.#toTouch.add(row.credentialId);
      if (!this.#touchTimer) this.#touchTimer = setTimeout(() => void this.#touch(), TOUCH_BATCH_MS).unref();
    }
    return entry.row;
  }

  #scheduleRecheck(tokenHash: string): void {
    this.#toRecheck.add(tokenHash);
    if (!this.#recheckTimer) this.#recheckTimer = setTimeout(() => void this.#recheck(), RECHECK_BATCH_MS).unref();
  }

  async #recheck(): Promise<void> {
    const hashes = [...this.#toRecheck];
    this.#toRecheck.clear();
    try {
      const valid = new Map(
        (await this.source.findAgentCredentials(hashes)).map(({ tokenHash, ...row }) => [tokenHash, row]),
      );
      const checkedAtMs = this.nowMs();
      for (const tokenHash of hashes) {
        const row = valid.get(tokenHash);
        const entry = this.#entries.get(tokenHash);
        if (!row) this.#entries.delete(tokenHash);
        else if (entry) entry.checkedAtMs = checkedAtMs;
      }
    } catch {
      // The entries stay stale; past twice the TTL each is looked up on its own again.
    } finally {
      this.#recheckTimer = undefined;
    }
  }

  async #touch(): Promise<void> {
    const ids = [...this.#toTouch];
    this.#toTouch.clear();
    try {
      await this.source.touchAgentCredentials(ids);
    } catch {
      // Informational only: the next use past the interval writes it again.
    } finally {
      this.#touchTimer = undefined;
    }
  }
}
