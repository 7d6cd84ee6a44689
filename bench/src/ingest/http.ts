import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** Per-request limits: a request slower than this counts as an error, so every run ends. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A keep-alive pool to one loopback origin. No pipelining: one request per
 * connection at a time, as agents behave (each holds its own connection).
 */
export function createPool(origin: string, connections: number): Pool {
  const { hostname } = new URL(origin);
  if (hostname !== '127.0.0.1') throw new Error(`the bench only sends traffic to 127.0.0.1, not ${hostname}`);
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
    connectTimeout: REQUEST_TIMEOUT_MS,
  });
}

export interface Timed {
  /** 0 when the request failed without a response (connection error, timeout). */
  readonly statusCode: number;
  /** From handing the request to the pool until the whole response body was read. */
  readonly latencyMs: number;
  /** The reply's `intervalMs` (a heartbeat's, when asked for with `readsInterval`). */
  readonly intervalMs?: number | undefined;
}

/** The reply's `"intervalMs":N`, found in its bytes without parsing the whole reply. */
const INTERVAL = /"intervalMs":(\d+)/;

export interface PreparedRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * POSTs and reads the response to its end; never throws (failures are statusCode 0). Through
 * undici's `dispatch` with a handler that only notes the status and the end: no body stream and no
 * promise per chunk. The generator shares the cores with the API, so what it spends per request
 * (`generator_cores`) is taken from the API: `pool.request` + `body.dump()` cost it about a third
 * more at 10,000 nodes (0.29 against 0.21–0.23 cores).
 */
export function timedPost(pool: Pool, request: PreparedRequest, readsInterval = false): Promise<Timed> {
  const startMs = performance.now();
  return new Promise((resolve) => {
    let statusCode = 0;
    let body = '';
    const failed = () => resolve({ statusCode: 0, latencyMs: performance.now() - startMs });
    try {
      pool.dispatch(
        { method: 'POST', path: request.path, headers: request.headers, body: request.body },
        {
          // undici's own handler interface (what its Pool calls; the newer controller one is wrapped into it).
          onConnect: () => undefined,
          onHeaders: (status) => {
            statusCode = status;
            return true;
          },
          onData: (chunk: Buffer) => {
            if (readsInterval) body += chunk.toString('latin1');
            return true;
          },
          onComplete: () => {
            const latencyMs = performance.now() - startMs;
            const interval = readsInterval ? INTERVAL.exec(body)?.[1] : undefined;
            resolve({ statusCode, latencyMs, intervalMs: interval === undefined ? undefined : Number(interval) });
          },
          onError: failed,
        },
      );
    } catch {
      failed(); // a closed pool refuses at once
    }
  });
}

/** What postJson throws: the status, and the API's Retry-After when it sent one (a 503: busy). */
export type SetupError = Error & { statusCode?: number; retryAfterSeconds?: number };

/** A JSON call for setup (enrollment, login): throws with the status and the API's message unless 2xx. */
export async function postJson<T>(
  pool: Pool,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ body: T; headers: Record<string, string | string[] | undefined> }> {
  const response = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const error = new Error(`POST ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`) as SetupError;
    error.statusCode = response.statusCode;
    const retryAfter = Number(response.headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) error.retryAfterSeconds = retryAfter;
    throw error;
  }
  return { body: JSON.parse(text) as T, headers: response.headers };
}
