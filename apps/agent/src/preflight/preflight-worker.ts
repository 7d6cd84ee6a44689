import type { PreflightReport, PreflightRequest, PreflightResult } from '@iamroll/contracts';
import type { PreflightRun } from './node-preflight';

/** Request ids remembered as answered (a controller re-sends its pending request every reply). */
const REMEMBERED_REQUESTS = 64;

/**
 * The controller's preflight requests, one run at a time, off the heartbeat path: a reply's
 * request starts a run in the background (a new request seen while one runs waits, the latest
 * one only); the finished report rides the next heartbeat and is dropped once a heartbeat
 * carrying it got through. A request id already answered (or running) is not run again.
 */
export class PreflightWorker {
  readonly #seen: string[] = [];
  #running: Promise<void> | undefined;
  #waiting: PreflightRequest | undefined;
  #report: PreflightReport | undefined;

  constructor(
    private readonly run: PreflightRun,
    private readonly onReport: () => void,
    private readonly log: (line: string) => void,
  ) {}

  /** What a heartbeat reply asked for (undefined: nothing). */
  request(request: PreflightRequest | undefined): void {
    if (request === undefined || this.#seen.includes(request.requestId)) return;
    if (this.#running) {
      this.#waiting = request;
      return;
    }
    this.#start(request);
  }

  /** The report for the next heartbeat, if one is ready. */
  get report(): PreflightReport | undefined {
    return this.#report;
  }

  /** A heartbeat carrying `report` was accepted: it is not sent again. */
  delivered(report: PreflightReport): void {
    if (this.#report === report) this.#report = undefined;
  }

  /** Resolves when no run is in progress (stop() waits for it). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #start(request: PreflightRequest): void {
    this.#seen.push(request.requestId);
    if (this.#seen.length > REMEMBERED_REQUESTS) this.#seen.shift();
    this.#running = this.#runAll(request).finally(() => {
      this.#running = undefined;
      const next = this.#waiting;
      this.#waiting = undefined;
      if (next && !this.#seen.includes(next.requestId)) this.#start(next);
    });
  }

  async #runAll(request: PreflightRequest): Promise<void> {
    const results: PreflightResult[] = [];
    for (const stage of new Set(request.stages)) {
      try {
        results.push(await this.run(stage));
      } catch (error) {
        // Only unreadable node files get here: report it as the failed check it is.
        const message = (error as Error).message.slice(0, 2_000) || 'preflight could not run';
        results.push({
          stage,
          checkedAt: new Date().toISOString(),
          isPassed: false,
          checks: [
            {
              id: 'lint',
              connection: null,
              status: 'fail',
              message,
              fix: 'Make kong.conf (and the env file) readable by the agent.',
            },
          ],
        });
      }
    }
    this.#report = { requestId: request.requestId, results };
    this.log(
      `preflight ${request.requestId}: ${results.map((r) => `${r.stage} ${r.isPassed ? 'passed' : 'failed'}`).join(', ')}`,
    );
    this.onReport();
  }
}
