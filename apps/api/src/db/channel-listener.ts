import pg from 'pg';

export interface ChannelListenerLogger {
  warn(object: object, message: string): void;
}

export interface ChannelListenerOptions {
  readonly connectionString: string;
  readonly channel: string;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  readonly onPayload: (payload: string) => void;
  readonly log: ChannelListenerLogger;
  /** Logged when the connection fails: what is lost while it is down. */
  readonly lossNote: string;
  readonly retryMs?: number;
}

/**
 * LISTEN on one PostgreSQL channel through a dedicated connection (a pooled one
 * would lose its LISTEN on release), reconnecting after `retryMs` when the
 * connection fails. Notifications sent while it is down are lost: callers are
 * at-most-once by design and say so in `lossNote`.
 */
export class ChannelListener {
  #client: pg.Client | null = null;
  #isStopped = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #backendPid: number | null = null;

  constructor(private readonly options: ChannelListenerOptions) {}

  get isListening(): boolean {
    return this.#client !== null;
  }

  /** The PostgreSQL backend of the listening connection (null while it is down): to tell it from other listeners. */
  get backendPid(): number | null {
    return this.#client === null ? null : this.#backendPid;
  }

  /** Resolves after the first attempt; a failed one keeps retrying in the background. */
  async start(): Promise<void> {
    await this.#listen().catch((error: unknown) => this.#retryLater(error));
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #listen(): Promise<void> {
    const { channel } = this.options;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
    });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload) this.options.onPayload(message.payload);
    });
    client.on('error', (error) => {
      if (this.#client === client) this.#client = null;
      void client.end().catch(() => undefined);
      this.#retryLater(error);
    });
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    this.#backendPid = rows[0]?.pid ?? null;
    if (this.#isStopped) {
      await client.end();
      return;
    }
    this.#client = client;
  }

  #retryLater(error: unknown): void {
    if (this.#isStopped) return;
    this.options.log.warn(
      { err: error, channel: this.options.channel },
      `${this.options.channel} listener failed; retrying (${this.options.lossNote})`,
    );
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.start(), this.options.retryMs ?? 1_000).unref();
  }
}
