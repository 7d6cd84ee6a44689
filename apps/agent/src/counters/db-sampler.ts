import type { HeartbeatCounters, KindCounters } from '@iamroll/contracts';
import type { CountersSource } from './counters-source';
import { ZERO_COUNTERS } from './counters-source';

/** The one long-lived monitoring connection per database (node-postgres Client or anything with `query`). */
export interface MonitorConnection {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

export interface BackendFilter {
  /** The node's own addresses as the database sees them (client_addr). */
  readonly clientAddresses: readonly string[];
  /** Or Kong's application_name, when the node sets a distinctive one. */
  readonly applicationName?: string;
}

export interface DbSamplerOptions {
  /** Opens (and after a failure re-opens) the monitoring connection for a kind. */
  readonly connect: { readonly rw: () => Promise<MonitorConnection>; readonly ro?: () => Promise<MonitorConnection> };
  readonly filter: BackendFilter;
  /** Default 1000 ms: a backend that lives shorter than this may be missed (see the README). */
  readonly intervalMs?: number;
  readonly log?: (line: string) => void;
}

/** The monitor's own session is excluded by this name. */
export const MONITOR_APPLICATION_NAME = 'iamroll-agent-monitor';

const NEW_BACKENDS = `
SELECT pid, (extract(epoch FROM backend_start) * 1000000)::bigint::text AS started
FROM pg_stat_activity
WHERE backend_type = 'client backend'
  AND application_name IS DISTINCT FROM '${MONITOR_APPLICATION_NAME}'
  AND (host(client_addr) = ANY($1::text[]) OR ($2::text IS NOT NULL AND application_name = $2))`;

class KindSampler {
  #connection: MonitorConnection | undefined;
  #seen = new Set<string>();
  #isFirst = true;
  established = 0;

  constructor(
    private readonly connect: () => Promise<MonitorConnection>,
    private readonly filter: BackendFilter,
    private readonly log: (line: string) => void,
  ) {}

  async sample(): Promise<void> {
    try {
      this.#connection ??= await this.connect();
      const { rows } = await this.#connection.query<{ pid: number; started: string }>(NEW_BACKENDS, [
        [...this.filter.clientAddresses],
        this.filter.applicationName ?? null,
      ]);
      const now = new Set(rows.map((row) => `${row.pid}:${row.started}`));
      // The first sample is the baseline: connections that predate the agent are not new.
      if (!this.#isFirst) for (const key of now) if (!this.#seen.has(key)) this.established += 1;
      this.#isFirst = false;
      this.#seen = now;
    } catch (error) {
      this.log(`database-side sampling failed (will reconnect): ${(error as Error).message}`);
      const broken = this.#connection;
      this.#connection = undefined;
      await broken?.end().catch(() => undefined);
    }
  }

  counters(): KindCounters {
    // The database sees only sessions that got in: every one counts as an attempt that succeeded.
    return { ...ZERO_COUNTERS, attempts: this.established, established: this.established };
  }

  async close(): Promise<void> {
    await this.#connection?.end().catch(() => undefined);
  }
}

/**
 * Counters for a real Kong node, whose Lua code opens the connections the agent cannot
 * wrap: every interval, one query over a long-lived monitoring connection per database
 * lists this node's client backends in pg_stat_activity; the ones not seen in the last
 * sample are new connections (each one a login, an IAM authentication once on IAM).
 */
export class DbSampler implements CountersSource {
  readonly #rw: KindSampler;
  readonly #ro: KindSampler | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly options: DbSamplerOptions) {
    const log = options.log ?? (() => undefined);
    this.#rw = new KindSampler(options.connect.rw, options.filter, log);
    this.#ro = options.connect.ro ? new KindSampler(options.connect.ro, options.filter, log) : undefined;
  }

  start(): void {
    const tick = (): void => {
      this.#running = this.sampleNow().finally(() => {
        this.#timer = setTimeout(tick, this.options.intervalMs ?? 1_000);
        this.#timer.unref();
      });
    };
    tick();
  }

  /** One sample of every kind now. */
  async sampleNow(): Promise<void> {
    await Promise.all([this.#rw.sample(), this.#ro?.sample()]);
  }

  snapshot(): HeartbeatCounters {
    return { rw: this.#rw.counters(), ro: this.#ro ? this.#ro.counters() : null };
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#running;
    await Promise.all([this.#rw.close(), this.#ro?.close()]);
  }
}
