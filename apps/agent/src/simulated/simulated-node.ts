import { readFile } from 'node:fs/promises';
import type { HeartbeatCounters } from '@iamroll/contracts';
import {
  effectiveConfig,
  loadKongConf,
  luaToNumber,
  valueOf,
  type ConnectionSettings,
  type LoadedConf,
} from '@iamroll/core/config';
import type { IamPool } from '@iamroll/core/pool';
import type { AwsCredentialIdentity } from '@iamroll/core/token';
import type { CountersSource } from '../counters/counters-source';
import { workersOf } from '../report/node-report';
import { createWorkerPool, KindTotals, type SimEndpoint, type WorkerKindConfig } from './kong-worker';

export interface SimulatedNodeOptions {
  /** Also the application_name of its connections, so the simulator can count logins per node. */
  readonly name: string;
  readonly confPath: string;
  /** Endpoint host name in kong.conf → where to dial and which CA to trust. */
  readonly endpoints: ReadonlyMap<string, SimEndpoint>;
  /** The simulator's access key: what the AWS default chain would give Kong. */
  readonly credentials: AwsCredentialIdentity;
  /** Each worker queries each of its connection kinds this often (jittered ±50 %). Default 1000 ms. */
  readonly queryIntervalMs?: number;
}

type Kind = 'rw' | 'ro';

interface Worker {
  readonly pools: Partial<Record<Kind, IamPool>>;
}

/**
 * A Kong node on the wire: N workers (nginx_worker_processes), each with its own pool per
 * connection kind (pg_pool_size, pg_keepalive_timeout), steady query traffic whose failures
 * are counted, and a restart that drops every connection and opens them again — the burst
 * of workers × pool size IAM logins a real restart costs. It reads its own kong.conf at
 * every (re)start, so the agent drives it through the very same file edits.
 */
export class SimulatedNode implements CountersSource {
  readonly name: string;
  #workers: Worker[] = [];
  readonly #totals: Record<Kind, KindTotals> = { rw: new KindTotals(), ro: new KindTotals() };
  #hasReadOnly = false;
  #timer: NodeJS.Timeout | undefined;
  #isRunning = false;
  #inFlight = new Set<Promise<void>>();
  queries = 0;
  failedQueries = 0;
  restarts = 0;
  /** Tests: this many next restarts fail like `kong restart` exiting non-zero (the old process keeps running). */
  failRestarts = 0;

  constructor(private readonly options: SimulatedNodeOptions) {
    this.name = options.name;
  }

  get workerCount(): number {
    return this.#workers.length;
  }

  /** Open connections across all workers and kinds. */
  get openConnections(): number {
    let total = 0;
    for (const worker of this.#workers) for (const pool of Object.values(worker.pools)) total += pool.totalCount;
    return total;
  }

  async start(): Promise<void> {
    const conf = loadKongConf({ confText: await readFile(this.options.confPath, 'utf8'), env: {} });
    this.#workers = Array.from({ length: workersOf(conf) }, (_, index) => this.#worker(conf, index));
    this.#isRunning = true;
    await this.#warmUp();
    this.#scheduleTraffic();
  }

  /** Kong's restart: stop, drop every connection, read kong.conf again, start. */
  async restart(): Promise<void> {
    if (this.failRestarts > 0) {
      this.failRestarts -= 1;
      throw new Error(`simulated kong restart failed on ${this.name}: Error: nginx: [emerg] could not start`);
    }
    this.restarts += 1;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.#isRunning = false;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(
      workers.flatMap((worker) =>
        (Object.entries(worker.pools) as [Kind, IamPool][]).map(async ([kind, pool]) => {
          await pool.end().catch(() => undefined);
          this.#totals[kind].add(pool.iamCounters);
        }),
      ),
    );
  }

  /** Healthy when every worker can query every kind (what Kong's readiness needs from the database). */
  async checkHealth(): Promise<void> {
    for (const [index, worker] of this.#workers.entries()) {
      for (const [kind, pool] of Object.entries(worker.pools)) {
        try {
          await pool.query('SELECT 1');
        } catch (error) {
          throw new Error(`worker ${index} cannot query its ${kind} connection: ${(error as Error).message}`);
        }
      }
    }
  }

  snapshot(): HeartbeatCounters {
    const live = (kind: Kind): KindTotals => {
      const sum = new KindTotals();
      Object.assign(sum, this.#totals[kind]);
      for (const worker of this.#workers) {
        const pool = worker.pools[kind];
        if (pool) sum.add(pool.iamCounters);
      }
      return sum;
    };
    return { rw: live('rw').toContract(), ro: this.#hasReadOnly ? live('ro').toContract() : null };
  }

  #worker(conf: LoadedConf, index: number): Worker {
    const effective = effectiveConfig(conf);
    this.#hasReadOnly ||= effective.ro !== null;
    const keepalive = luaToNumber(valueOf(conf, 'pg_keepalive_timeout')) ?? 60_000;
    const kinds: Array<[Kind, ConnectionSettings, string | null, number]> = [
      ['rw', effective.rw, valueOf(conf, 'pg_password'), keepalive],
    ];
    if (effective.ro) {
      kinds.push([
        'ro',
        effective.ro,
        valueOf(conf, 'pg_ro_password') ?? valueOf(conf, 'pg_password'),
        luaToNumber(valueOf(conf, 'pg_ro_keepalive_timeout')) ?? keepalive,
      ]);
    }
    const pools: Partial<Record<Kind, IamPool>> = {};
    for (const [kind, settings, password, keepaliveTimeoutMs] of kinds) {
      const endpoint = this.options.endpoints.get(settings.host ?? '');
      if (!endpoint) throw new Error(`${this.name}: no simulated endpoint for ${settings.host ?? '(no host)'}`);
      const config: WorkerKindConfig = { settings, password, poolSize: settings.poolSize ?? 30, keepaliveTimeoutMs };
      pools[kind] = createWorkerPool(config, endpoint, this.options.credentials, `${this.name}/w${index}`);
    }
    return { pools };
  }

  /** Under load every worker fills its pool: open pool-size connections per worker and kind at once. */
  async #warmUp(): Promise<void> {
    await Promise.all(
      this.#workers.flatMap((worker) =>
        Object.values(worker.pools).map(async (pool) => {
          const opened = await Promise.allSettled(Array.from({ length: pool.options.max }, () => pool.connect()));
          for (const result of opened) {
            this.queries += 1;
            if (result.status === 'fulfilled') result.value.release();
            else this.failedQueries += 1;
          }
        }),
      ),
    );
  }

  #scheduleTraffic(): void {
    if (!this.#isRunning) return;
    const interval = this.options.queryIntervalMs ?? 1_000;
    this.#timer = setTimeout(
      () => {
        for (const worker of this.#workers) for (const pool of Object.values(worker.pools)) this.#query(pool);
        this.#scheduleTraffic();
      },
      interval * (0.5 + Math.random()),
    );
    this.#timer.unref();
  }

  #query(pool: IamPool): void {
    this.queries += 1;
    const running = pool.query('SELECT 1').then(
      () => undefined,
      () => {
        this.failedQueries += 1;
      },
    );
    this.#inFlight.add(running);
    void running.finally(() => this.#inFlight.delete(running));
  }
}
