import { EventEmitter } from 'node:events';
import pg from 'pg';

/** The controller's leader lock (distinct from Prisma's migration lock 72707369). */
export const LEADER_LOCK_KEY = 7_601_337_001n;

export interface LeaderLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface LeaderWorker {
  readonly name: string;
  readonly intervalMs: number;
  /** The signal aborts when leadership is lost or the app closes. */
  readonly fn: (signal: AbortSignal) => Promise<void>;
}

interface WorkerRun {
  timer?: NodeJS.Timeout;
  current?: Promise<void>;
  /** A nudge came while a run was in flight: run again as soon as it ends. */
  isNudged?: boolean;
  /** A run is about to start (setImmediate): a nudge now is already served by it. */
  isStarting?: boolean;
  /** Runs now (cancelling the timer), unless one is in flight. */
  runNow?: () => void;
}

interface LeaderEvents {
  acquired: [];
  lost: [];
}

/**
 * Leader election with a PostgreSQL session advisory lock held on a
 * dedicated connection: whoever holds the lock leads; if its process or
 * connection dies, PostgreSQL releases the lock and another process takes
 * it within one retry interval. Leader-only work runs through `run()`.
 * Because a leader learns of a dead connection only when it next uses it,
 * two leaders may briefly overlap: workers must be idempotent and
 * level-triggered (recompute from the database every pass).
 */
export class LeaderElection extends EventEmitter<LeaderEvents> {
  #client: pg.Client | null = null;
  #isLeader = false;
  #isStopped = false;
  /** Until then this process does not compete for the lock (see #yieldAfterFailure). */
  #quietUntilMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #abort = new AbortController();
  readonly #workers: LeaderWorker[] = [];
  readonly #running = new Map<string, WorkerRun>();

  constructor(
    private readonly connectionString: string,
    private readonly retryMs: number,
    private readonly log: LeaderLogger,
  ) {
    super();
  }

  get isLeader(): boolean {
    return this.#isLeader;
  }

  /** Runs `fn` every `intervalMs` (first run at once) while this process leads; never two runs of one worker at a time. */
  run(name: string, intervalMs: number, fn: (signal: AbortSignal) => Promise<void>): void {
    if (this.#workers.some((worker) => worker.name === name))
      throw new Error(`a leader worker named ${name} is already registered`);
    const worker = { name, intervalMs, fn };
    this.#workers.push(worker);
    if (this.#isLeader) this.#startWorker(worker);
  }

  /**
   * Runs a worker now instead of at its next interval (alarm evaluation when a heartbeat
   * shows a second over a budget). Debounced: nudges during a run make one more run right
   * after it, never overlapping runs; on a follower (or before the worker started) nothing.
   */
  nudge(name: string): void {
    const run = this.#running.get(name);
    if (!run) return;
    if (run.current) run.isNudged = true;
    else if (!run.isStarting) run.runNow?.();
  }

  /** Resolves after the first attempt, so a lone process leads by the time the app is ready. */
  async start(): Promise<void> {
    await this.#tick();
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    clearTimeout(this.#timer);
    await this.#loseLeadership('the app is closing');
    await this.#client?.end().catch(() => undefined);
    this.#client = null;
  }

  async #tick(): Promise<void> {
    try {
      const client = await this.#connection();
      if (this.#isLeader) {
        await client.query('SELECT 1'); // notices a dead connection even when the server could not say so
      } else if (Date.now() >= this.#quietUntilMs) {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
          LEADER_LOCK_KEY.toString(),
        ]);
        if (rows[0]?.locked && !this.#isStopped) this.#becomeLeader();
      }
    } catch (error) {
      this.log.warn({ err: error }, 'leader election: database connection failed; retrying');
      this.#dropConnection();
      this.#yieldAfterFailure();
      await this.#loseLeadership('its database connection failed');
    }
    if (!this.#isStopped) this.#timer = setTimeout(() => void this.#tick(), this.retryMs).unref();
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'iamroll-leader' });
    client.on('error', (error) => {
      // The server closed the session (restart, pg_terminate_backend): the lock is gone with it.
      this.log.warn({ err: error }, 'leader election: lock connection lost');
      if (this.#client === client) this.#dropConnection();
      this.#yieldAfterFailure();
      void this.#loseLeadership('its lock connection was lost');
    });
    await client.connect();
    this.#client = client;
    return client;
  }

  /**
   * A leader whose connection just failed stays out of the race for two retry
   * intervals: a healthy follower takes over instead of the flapping process
   * grabbing the lock straight back as soon as it reconnects.
   */
  #yieldAfterFailure(): void {
    if (this.#isLeader) this.#quietUntilMs = Date.now() + 2 * this.retryMs;
  }

  #dropConnection(): void {
    const client = this.#client;
    this.#client = null;
    void client?.end().catch(() => undefined);
  }

  #becomeLeader(): void {
    this.#isLeader = true;
    this.#abort = new AbortController();
    this.log.info({}, 'this process is now the leader');
    this.emit('acquired');
    for (const worker of this.#workers) this.#startWorker(worker);
  }

  async #loseLeadership(reason: string): Promise<void> {
    if (!this.#isLeader) return;
    this.#isLeader = false;
    this.#abort.abort();
    const pending = [...this.#running.values()].flatMap((run) => {
      clearTimeout(run.timer);
      return run.current ? [run.current] : [];
    });
    this.#running.clear();
    this.log.info({ reason }, 'this process is no longer the leader');
    this.emit('lost');
    await Promise.allSettled(pending);
    // Release explicitly when the connection is still usable (clean shutdown hands over at once).
    await this.#client?.query('SELECT pg_advisory_unlock($1)', [LEADER_LOCK_KEY.toString()]).catch(() => undefined);
  }

  #startWorker(worker: LeaderWorker): void {
    const signal = this.#abort.signal;
    const state: WorkerRun = {};
    this.#running.set(worker.name, state);
    const runOnce = async (): Promise<void> => {
      if (signal.aborted) return;
      clearTimeout(state.timer);
      state.isNudged = false;
      state.isStarting = false;
      state.current = worker
        .fn(signal)
        .catch((error: unknown) => this.log.error({ err: error, worker: worker.name }, 'leader worker failed'));
      await state.current;
      state.current = undefined;
      if (signal.aborted) return;
      if (state.isNudged) {
        state.isStarting = true;
        setImmediate(() => void runOnce());
      } else state.timer = setTimeout(() => void runOnce(), worker.intervalMs).unref();
    };
    state.runNow = () => void runOnce();
    void runOnce();
  }
}
