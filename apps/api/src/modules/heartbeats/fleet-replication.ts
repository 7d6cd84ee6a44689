import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ChannelListener } from '../../db/channel-listener';
import { isHeartbeatRecord, type HeartbeatRecord } from './heartbeat-record';

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

/**
 * Forwards every heartbeat this process accepts to the other API processes,
 * so each one holds the whole fleet's rates (and the leader evaluates alarms on
 * all of it) wherever a node's heartbeats land. Records are queued and sent
 * by `flush` (the `fleet-replication` loop in workers.ts) as JSON arrays chunked under NOTIFY's 8000-byte limit, all
 * chunks in one statement. A process skips its own notifications by their
 * origin prefix before parsing. `signal()` tells the others to reload what
 * they cache (registered databases). At-most-once: records sent while a listener
 * reconnects are lost to it (its rates dip; its alarms use the persisted
 * last_seen_at, so no node goes falsely stale). A process alone on its database
 * (PostgreSQL shows no other replication listener) sends nothing: every record would
 * only come back to itself.
 */
export class FleetReplication {
  readonly #origin = randomBytes(ORIGIN_LENGTH / 2).toString('hex');
  #queue: HeartbeatRecord[] = [];
  readonly #listener: ChannelListener;
  #delivery: Promise<void> = Promise.resolve();
  #sent = 0;
  #received = 0;

  constructor(
    private readonly pool: pg.Pool,
    connectionString: string,
    private readonly log: ReplicationLogger,
    private readonly onRecords: (records: HeartbeatRecord[]) => Promise<void> | void,
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
      lossNote: 'heartbeats forwarded meanwhile are missed',
    });
  }

  /** Records sent, and received from other processes and applied, since start. */
  get counts(): { readonly sent: number; readonly received: number } {
    return { sent: this.#sent, received: this.#received };
  }

  /** Serialised only when flushed, and only if another process listens. */
  enqueue(record: HeartbeatRecord): void {
    this.#queue.push(record);
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

  /** Sends what is queued now: what the `fleet-replication` loop runs every 250 ms. */
  async flush(): Promise<void> {
    if (this.#queue.length === 0) return;
    const records = this.#queue;
    this.#queue = [];
    if (!(await this.#hasPeers())) return;
    const payloads: string[] = [];
    let chunk: string[] = [];
    let bytes = ORIGIN_LENGTH + 2;
    for (const heartbeat of records) {
      const record = JSON.stringify(heartbeat);
      // Records are ASCII (uuids, numbers, printable boot ids), so length is bytes.
      if (chunk.length > 0 && bytes + record.length + 1 > MAX_PAYLOAD_BYTES) {
        payloads.push(`${this.#origin}[${chunk.join(',')}]`);
        chunk = [];
        bytes = ORIGIN_LENGTH + 2;
      }
      chunk.push(record);
      bytes += record.length + 1;
    }
    if (chunk.length > 0) payloads.push(`${this.#origin}[${chunk.join(',')}]`);
    await this.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [FLEET_CHANNEL, payloads]);
    this.#sent += records.length;
  }

  /** Asked at every flush (at most 4 times a second), so a process that starts listening gets records from then on. */
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
    const records = Array.isArray(parsed) ? parsed.filter(isHeartbeatRecord) : [];
    // In arrival order: a node's heartbeats must reach FleetRates oldest first.
    this.#delivery = this.#delivery
      .then(() => this.onRecords(records))
      .then(() => void (this.#received += records.length))
      .catch((error: unknown) => this.log.warn({ err: error }, 'applying forwarded heartbeats failed'));
  }
}
