import { createIamPool, createTokenBucketGate, type IamPool, type TokenBucketGate } from '@iamroll/core/pool';
import { createIamTokenProvider } from '@iamroll/core/token';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Held, StormPeer } from './harness';
import type { SimInfo } from './remote-sim';

export interface FleetShape {
  /** nginx worker pools across the fleet (Kong opens connections per worker). */
  readonly workers: number;
  readonly perWorker: number;
  readonly budgetPerSecond: number;
  readonly deadlineSeconds: number;
}

/** A naive application retries a failed connect after a fixed pause. */
export const NAIVE_CALLER_RETRY_MS = 100;

function credentialsOf(sim: SimInfo) {
  const [credential] = sim.credentials;
  if (!credential) throw new Error('the simulator has no credentials');
  return credential;
}

/**
 * The project's pool: one IamPool per worker, all passing one token-bucket gate
 * at the budget — the stand-in for the fleet-wide gate — and retrying
 * throttled logins themselves within the deadline.
 */
export function iamrollPeer(
  sim: SimInfo,
  fleet: FleetShape,
): StormPeer & { readonly gate: TokenBucketGate; readonly lastAttemptMs: () => number } {
  const gate = createTokenBucketGate({ ratePerSecond: fleet.budgetPerSecond });
  let lastAttemptMs = 0;
  const credentials = credentialsOf(sim);
  const pools: IamPool[] = Array.from({ length: fleet.workers }, () => {
    const pool = createIamPool({
      host: sim.endpointHost,
      connectHost: sim.host,
      port: sim.port,
      user: sim.iamUser,
      database: sim.database,
      tokenProvider: createIamTokenProvider({ credentials }),
      tls: { ca: sim.caPem },
      gate,
      connectTimeoutMs: fleet.deadlineSeconds * 1000,
      pg: { max: fleet.perWorker, idleTimeoutMillis: 0 },
    });
    pool.on('error', () => undefined);
    pool.on('attempt', () => {
      lastAttemptMs = performance.now();
    });
    return pool;
  });
  return {
    name: 'iamroll',
    gate,
    lastAttemptMs: () => lastAttemptMs,
    callerRetryDelayMs: undefined,
    async connect(worker) {
      const client = await (pools[worker] as IamPool).connect();
      return { close: () => Promise.resolve(client.release(true)) };
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

/** Plain pg.Pool per worker, the token as an async password function, no budget. */
export function pgPoolPeer(sim: SimInfo, fleet: FleetShape): StormPeer {
  const credentials = credentialsOf(sim);
  const target = { host: sim.endpointHost, port: sim.port, user: sim.iamUser, database: sim.database };
  const pools = Array.from({ length: fleet.workers }, () => {
    const tokens = createIamTokenProvider({ credentials });
    const pool = new pg.Pool({
      host: sim.host,
      port: sim.port,
      user: sim.iamUser,
      database: sim.database,
      password: () => tokens.getToken(target),
      ssl: { ca: sim.caPem, rejectUnauthorized: true, servername: sim.endpointHost, maxVersion: 'TLSv1.2' },
      max: fleet.perWorker,
      idleTimeoutMillis: 0,
      connectionTimeoutMillis: fleet.deadlineSeconds * 1000,
    });
    pool.on('error', () => undefined);
    return pool;
  });
  return {
    name: 'pg_pool_token',
    callerRetryDelayMs: NAIVE_CALLER_RETRY_MS,
    async connect(worker) {
      const client = await (pools[worker] as pg.Pool).connect();
      return { close: () => Promise.resolve(client.release(true)) };
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

interface AwsPgClientLike {
  connect(): Promise<void>;
  end(): Promise<void>;
}
type AwsPgClientClass = new (config: Record<string, unknown>) => AwsPgClientLike;

/**
 * aws-advanced-nodejs-wrapper's IAM plugin: one AwsPGClient per connection,
 * credentials from the SDK default chain (set from the simulator's keys).
 * Returns a skipped peer when the package is missing or cannot connect here.
 */
export async function awsWrapperPeer(sim: SimInfo): Promise<StormPeer> {
  const skipped = (skipReason: string): StormPeer => ({
    name: 'aws_advanced_nodejs_wrapper',
    skipReason,
    callerRetryDelayMs: undefined,
    connect: () => Promise.reject(new Error(skipReason)),
    close: () => Promise.resolve(),
  });
  let AwsPGClient: AwsPgClientClass;
  try {
    ({ AwsPGClient } = (await import('aws-advanced-nodejs-wrapper/pg')) as unknown as {
      AwsPGClient: AwsPgClientClass;
    });
  } catch (error) {
    return skipped(`aws-advanced-nodejs-wrapper is not installed: ${(error as Error).message}`);
  }
  const credentials = credentialsOf(sim);
  // The wrapper only reads the SDK default chain.
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  if (credentials.sessionToken) process.env.AWS_SESSION_TOKEN = credentials.sessionToken;
  else delete process.env.AWS_SESSION_TOKEN;
  const config = {
    host: sim.host,
    port: sim.port,
    user: sim.iamUser,
    database: sim.database,
    plugins: 'iam',
    iamHost: sim.endpointHost,
    iamRegion: sim.region,
    ssl: { ca: sim.caPem, rejectUnauthorized: true, servername: sim.endpointHost, maxVersion: 'TLSv1.2' },
  };
  const open = new Set<AwsPgClientLike>();
  return {
    name: 'aws_advanced_nodejs_wrapper',
    callerRetryDelayMs: NAIVE_CALLER_RETRY_MS,
    async connect() {
      const client = new AwsPGClient(config);
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      open.add(client);
      const held: Held = {
        close: async () => {
          open.delete(client);
          await client.end();
        },
      };
      return held;
    },
    close: async () => {
      await Promise.allSettled([...open].map((c) => c.end()));
    },
  };
}
