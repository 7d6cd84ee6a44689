import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { AdminSession } from './fleet';
import { REQUEST_TIMEOUT_MS, timedPost } from './http';
import { LatencyRecorder } from './latency';
import type { SimulatedAgent } from './simulated-agent';

/** New IAM logins per rate-lag sample (well under the probe database's budget). */
const SAMPLE_LOGINS = 5;
/** The storm the alarm probe reports at once: twice the probe database's 200/s budget. */
const STORM_LOGINS = 400;
const POLL_MS = 50;
/** How often the probe (as an adaptive agent would) checks whether its counters moved. */
const CHECK_MS = 250;
const GIVE_UP_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ProbeFigures {
  /** Login → the probe database's per-second series (GET /databases/{id}/rates, step 1) showing it. */
  readonly rateLag: LatencyRecorder;
  /** Storm heartbeat sent → `alarm.opened` (db-rate-critical) on the SSE stream; null if it never came. */
  readonly alarmLatencyMs: number | null;
  /** Why alarmLatencyMs is null: the alarm was open before the storm, or none came within GIVE_UP_MS. */
  readonly alarmMissing?: string;
}

/**
 * One agent of its own on its own database (IAM, budget 200/s), so whatever that
 * database's series and alarms show is the probe's doing. It reports at once when
 * its counters move, as an adaptive agent does on a storm's first login.
 */
export class AlarmProbe {
  readonly #sse: Pool;
  #frames = '';
  #onFrame: (() => void) | undefined;
  #stream: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    origin: string,
    private readonly session: AdminSession,
    private readonly agent: SimulatedAgent,
    private readonly databaseId: string,
  ) {
    this.#sse = new Pool(origin, { connections: 1, bodyTimeout: 0, headersTimeout: REQUEST_TIMEOUT_MS });
  }

  /** Opens the SSE stream (before anything is provoked) and sends the probe's first heartbeat. */
  async open(): Promise<void> {
    const response = await this.#sse.request({
      method: 'GET',
      path: '/api/v1/events',
      headers: { ...this.session.headers, accept: 'text/event-stream' },
    });
    if (response.statusCode !== 200) throw new Error(`GET /api/v1/events answered ${response.statusCode}`);
    this.#stream = (async () => {
      for await (const chunk of response.body) {
        this.#frames = (this.#frames + (chunk as Buffer).toString('utf8')).slice(-200_000);
        this.#onFrame?.();
      }
    })().catch(() => undefined);
    await this.#beat();
  }

  async close(): Promise<void> {
    await this.#sse.destroy();
    await this.#stream;
  }

  /** `countersSinceMs`: when the probe's logins began (it checks its counters every 250 ms). */
  async #beat(countersSinceMs?: number): Promise<void> {
    const { statusCode } = await timedPost(this.pool, this.agent.nextHeartbeat('idle', countersSinceMs));
    if (statusCode < 200 || statusCode >= 300) throw new Error(`the probe's heartbeat answered ${statusCode}`);
  }

  /** Sends `logins` new logins now; resolves when the series shows the second they landed in (or null). */
  async #rateLagOnce(): Promise<number | null> {
    const loginMs = Date.now();
    const secondStartMs = Math.floor(loginMs / 1000) * 1000;
    this.agent.login(SAMPLE_LOGINS);
    const beat = this.#beat(loginMs - CHECK_MS);
    const path = `/api/v1/databases/${this.databaseId}/rates?from=${secondStartMs - 1000}&step=1`;
    while (Date.now() - loginMs < GIVE_UP_MS) {
      const response = await this.pool.request({ method: 'GET', path, headers: this.session.headers });
      const text = await response.body.text();
      if (response.statusCode === 200) {
        const { points } = JSON.parse(text) as { points: { t: number; rate: number }[] };
        if (points.some((point) => point.t >= secondStartMs && point.rate > 0)) {
          await beat;
          return Date.now() - loginMs;
        }
      }
      await sleep(POLL_MS);
    }
    await beat;
    return null;
  }

  /**
   * Rate-lag samples every `everyMs` for `forMs` (each a few logins, seconds apart so
   * each lands in a second of its own), then one storm over the budget: the wall clock
   * until its critical alarm is on the SSE stream.
   */
  async measure(forMs: number, everyMs: number): Promise<ProbeFigures> {
    const rateLag = new LatencyRecorder();
    const endMs = performance.now() + forMs;
    while (performance.now() + everyMs < endMs) {
      const startedMs = performance.now();
      const lag = await this.#rateLagOnce();
      if (lag !== null) rateLag.record(lag);
      await sleep(Math.max(0, everyMs - (performance.now() - startedMs)));
    }
    const alarm = await this.#alarmLatency();
    return typeof alarm === 'number'
      ? { rateLag, alarmLatencyMs: alarm }
      : { rateLag, alarmLatencyMs: null, alarmMissing: alarm.missing };
  }

  async #alarmLatency(): Promise<number | { missing: string }> {
    const key = `"key":"db-rate-critical:${this.databaseId}"`;
    const isOpened = () =>
      this.#frames.split('\n\n').some((frame) => frame.includes('event: alarm.opened') && frame.includes(key));
    if (isOpened()) return { missing: "the probe database's critical alarm was already open before the storm" };
    this.agent.login(STORM_LOGINS);
    const loginMs = Date.now();
    const sentMs = performance.now();
    const opened = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), GIVE_UP_MS);
      this.#onFrame = () => {
        if (!isOpened()) return;
        clearTimeout(timer);
        resolve(performance.now() - sentMs);
      };
    });
    await this.#beat(loginMs - CHECK_MS);
    const latency = await opened;
    this.#onFrame = undefined;
    return (
      latency ?? {
        missing: `no alarm.opened (db-rate-critical) on the SSE stream within ${GIVE_UP_MS / 1000} s of a heartbeat reporting ${STORM_LOGINS} logins against a 200/s budget`,
      }
    );
  }
}
