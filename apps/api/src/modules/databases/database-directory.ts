/** What the heartbeat path and the alarm evaluator need to know about a registered database. */
export interface DatabaseEntry {
  readonly id: string;
  readonly identifier: string;
  readonly host: string;
  readonly port: number;
  readonly budgetPerSecond: number;
  readonly warningThreshold: number;
}

/** Kong's pg_host as written and the registered endpoint may differ in case or a trailing dot. */
export function endpointKey(host: string, port: number): string {
  return `${host.trim().toLowerCase().replace(/\.$/, '')}:${port}`;
}

/**
 * The registered databases, in memory: every heartbeat matches its rw/ro
 * endpoints here (host + port) without a query. Reloaded whenever a
 * database is created or changed (on every API process, through the event
 * bus) and periodically as a safety net.
 */
export class DatabaseDirectory {
  #byId = new Map<string, DatabaseEntry>();
  #byEndpoint = new Map<string, DatabaseEntry>();
  #loading: Promise<void> | undefined;

  constructor(private readonly load: () => Promise<readonly DatabaseEntry[]>) {}

  /** Coalesces concurrent refreshes; a refresh asked for during a load runs after it. */
  async refresh(): Promise<void> {
    const previous = this.#loading;
    const next = (async () => {
      await previous?.catch(() => undefined);
      const entries = await this.load();
      this.#byId = new Map(entries.map((entry) => [entry.id, entry]));
      this.#byEndpoint = new Map(entries.map((entry) => [endpointKey(entry.host, entry.port), entry]));
    })();
    this.#loading = next;
    try {
      await next;
    } finally {
      if (this.#loading === next) this.#loading = undefined;
    }
  }

  match(host: string, port: number): DatabaseEntry | undefined {
    return this.#byEndpoint.get(endpointKey(host, port));
  }

  get(id: string): DatabaseEntry | undefined {
    return this.#byId.get(id);
  }

  all(): IterableIterator<DatabaseEntry> {
    return this.#byId.values();
  }
}
