export interface BackgroundLoopsLogger {
  warn(object: object, message: string): void;
}

interface Loop {
  readonly name: string;
  readonly intervalMs: number;
  readonly fn: () => Promise<void>;
  timer?: NodeJS.Timeout;
  current?: Promise<void>;
}

/**
 * Loops every API process runs (leader-only ones go through `app.leader.run`): each runs
 * `intervalMs` after the previous run ended, so runs of one loop never overlap, and a
 * failed run is logged and retried on the next interval. Timers are unref()ed: a loop
 * never keeps the process alive. `stop()` waits for runs in flight, so whatever is torn
 * down next (a final flush, the pool) is not used by a loop anymore.
 */
export class BackgroundLoops {
  readonly #loops: Loop[] = [];
  #isStarted = false;
  #isStopped = false;

  constructor(private readonly log: BackgroundLoopsLogger) {}

  get names(): readonly string[] {
    return this.#loops.map((loop) => loop.name);
  }

  /** Registers a loop; it runs once `start()` was called (at once if it already was). */
  every(name: string, intervalMs: number, fn: () => Promise<void>): void {
    if (this.#loops.some((loop) => loop.name === name)) throw new Error(`a loop named ${name} is already registered`);
    const loop: Loop = { name, intervalMs, fn };
    this.#loops.push(loop);
    if (this.#isStarted) this.#schedule(loop);
  }

  start(): void {
    if (this.#isStarted || this.#isStopped) return;
    this.#isStarted = true;
    for (const loop of this.#loops) this.#schedule(loop);
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    for (const loop of this.#loops) clearTimeout(loop.timer);
    await Promise.allSettled(this.#loops.flatMap((loop) => (loop.current ? [loop.current] : [])));
  }

  #schedule(loop: Loop): void {
    if (this.#isStopped) return;
    loop.timer = setTimeout(() => {
      loop.current = loop
        .fn()
        .catch((error: unknown) => this.log.warn({ err: error, loop: loop.name }, `${loop.name} failed; retrying`))
        .finally(() => {
          loop.current = undefined;
          this.#schedule(loop);
        });
    }, loop.intervalMs).unref();
  }
}
