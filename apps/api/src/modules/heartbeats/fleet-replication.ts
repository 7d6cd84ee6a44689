import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ChannelListener } from '../../db/channel-listener';
import type { FleetAggregates } from './fleet-aggregates';

/** Separate from EVENTS_CHANNEL: this traffic is for API processes, never for SSE clients. */
export const FLEET_CHANNEL = 'iamroll_fleet';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;
const ORIGIN_LENGTH = 12;
const APPLICATION_NAME = 'iamroll-fleet';
/** Other API processes listening on this database (each process's replication listener shows as one backend). */
const PEERS_SQL = `SELECT count(*)::int AS peers FROM pg_stat_activity
  WHERE application_name = $1 AND datname = current_database() AND pid <> $2`;

export interface ReplicationLogger {
  warn(object: object, message: string): void;
}

/** What went out and came in since start: node entries, and database seconds (increments of one second of a database). */
export interface ReplicationCounts {
  readonly sent: { readonly nodes: number; readonly databaseSeconds: number };
  readonly received: { readonly nodes: number; readonly databaseSeconds: number };
}

/**
 * Carries FleetAggregates' entries (per-second database increments, one entry per node heard) to
 * the other API processes, so each one holds the whole fleet's database rates (and the leader
 * evaluates alarms on all of it) wherever a node's heartbeats land, without applying each other's
 * heartbeats. `flush` (the `fleet-replication` loop in workers.ts, every 250 ms: a second's counts
 * reach the others within about 250 ms of it closing, and its partial counts before) sends them as
 * JSON arrays chunked under NOTIFY's 8000-byte limit, all chunks in one statement. A process skips its
 * own notifications by their origin prefix before parsing. `signal()` tells the others to reload what
 * they cache (registered databases). Database seconds whose send failed go again; node entries sent
 * while a listener reconnects are lost to it (its alarms use the persisted last_seen_at, so no node goes
 * falsely stale). A process alone on its database (PostgreSQL shows no other replication listener)
 * sends nothing: every entry would only come back to itself.
 */
export class FleetReplication {
  readonly #origin = randomBytes(ORIGIN_LENGTH / 2).toString('hex');
  readonly #listener: ChannelListener;
  #delivery: Promise<void> = Promise.resolve();
  readonly #sent = { nodes: 0, databaseSeconds: 0 };
  readonly #received = { nodes: 0, databaseSeconds: 0 };

  constructor(
    private readonly pool: pg.Pool,
    connectionString: string,
    private readonly log: ReplicationLogger,
    private readonly aggregates: FleetAggregates,
    /** Another process's entries (parsed JSON, not yet checked), in arrival order; returns what it applied. */
    private readonly onEntries: (
      entries: readonly unknown[],
    ) => Promise<{ nodes: number; databaseSeconds: number }> | { nodes: number; databaseSeconds: number },
    /** Told of `signal(kind)` sent by another process (e.g. `databases`: reload them). */
    private readonly onSignal: (kind: string) => void = () => undefined,
  ) {
    this.#listener = new ChannelListener({
      connectionString,
      channel: FLEET_CHANNEL,
      applicationName: APPLICATION_NAME,
      // Skip our own notifications by their origin prefix before parsing anything.
      onPayload: (payload) => {
        if (!payload.startsWith(this.#origin)) this.#receive(payload);
      },
      log,
      lossNote: 'node entries sent meanwhile are missed',
    });
  }

  get counts(): ReplicationCounts {
    return { sent: { ...this.#sent }, received: { ...this.#received } };
  }

  async start(): Promise<void> {
    await this.#listener.start();
  }

  /** Once the `fleet-replication` loop is stopped: sends what is left, then stops listening. */
  async stop(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.#listener.stop();
    await this.#delivery;
  }

  /** Tells the other processes something changed that they hold in memory (not this one: it knows). */
  async signal(kind: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [FLEET_CHANNEL, `${this.#origin}!${kind}`]);
  }

  /** Sends what is pending now: what the `fleet-replication` loop runs every 250 ms. */
  async flush(): Promise<void> {
    if (!this.aggregates.hasPending) return;
    if (!(await this.#hasPeers())) {
      this.aggregates.discard();
      return;
    }
    const batch = await this.aggregates.take();
    if (batch.entries.length === 0) return;
    const payloads: string[] = [];
    let chunk: string[] = [];
    let bytes = ORIGIN_LENGTH + 2;
    for (const entry of batch.entries) {
      // Entries are ASCII (uuids, numbers, printable boot ids), so length is bytes.
      if (chunk.length > 0 && bytes + entry.length + 1 > MAX_PAYLOAD_BYTES) {
        payloads.push(`${this.#origin}[${chunk.join(',')}]`);
        chunk = [];
        bytes = ORIGIN_LENGTH + 2;
      }
      chunk.push(entry);
      bytes += entry.length + 1;
    }
    if (chunk.length > 0) payloads.push(`${this.#origin}[${chunk.join(',')}]`);
    try {
      await this.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [FLEET_CHANNEL, payloads]);
    } catch (error) {
      this.aggregates.failed(batch);
      throw error;
    }
    this.aggregates.sent(batch);
    this.#sent.nodes += batch.nodeCount;
    this.#sent.databaseSeconds += batch.databaseSecondCount;
  }

  /** Asked at every flush with something to send (at most 4 times a second), so a process that starts listening gets entries from then on. */
  async #hasPeers(): Promise<boolean> {
    const { rows } = await this.pool.query<{ peers: number }>(PEERS_SQL, [
      APPLICATION_NAME,
      this.#listener.backendPid ?? 0,
    ]);
    return (rows[0]?.peers ?? 1) > 0;
  }

  #receive(payload: string): void {
    if (payload[ORIGIN_LENGTH] === '!') {
      this.onSignal(payload.slice(ORIGIN_LENGTH + 1));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.slice(ORIGIN_LENGTH));
    } catch {
      this.log.warn({}, 'ignored a malformed fleet notification');
      return;
    }
    const entries = Array.isArray(parsed) ? (parsed as unknown[]) : [];
    // In arrival order: a node's snapshots must reach FleetRates oldest first.
    this.#delivery = this.#delivery
      .then(() => this.onEntries(entries))
      .then((applied) => {
        this.#received.nodes += applied.nodes;
        this.#received.databaseSeconds += applied.databaseSeconds;
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'applying entries from another process failed'));
  }
}
