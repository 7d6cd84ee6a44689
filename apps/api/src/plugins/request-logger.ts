import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

/** A logger that can say whether a level is on (pino's, or a child of it). */
type ParentLogger = FastifyBaseLogger & { isLevelEnabled?: (level: LevelWithSilentOrString) => boolean };

type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>;

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * `request.log`, created on first use. Fastify gives every request a pino child bound to its
 * request id; pino builds it eagerly (bindings serialised, through redaction), which at
 * thousands of heartbeats a second is work for lines that are never written: most requests
 * log nothing. This one builds the same child the first time a line at an enabled level is
 * logged (an error, a warning), so those lines carry `reqId` exactly as before.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: ParentLogger,
    private readonly bindings: Bindings,
  ) {}

  get level(): string {
    return this.#real().level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  // Methods, not arrow fields: one of these is built per request, and fields would be seven closures each.
  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }

  error(...args: unknown[]): void {
    this.#log('error', args);
  }

  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }

  info(...args: unknown[]): void {
    this.#log('info', args);
  }

  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }

  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings);
    return this.#child;
  }

  #log(method: LogMethod, args: unknown[]): void {
    // A level that is off costs nothing, not even the child.
    if (!this.#child && this.parent.isLevelEnabled && !this.parent.isLevelEnabled(method)) return;
    const log: (...a: unknown[]) => void = this.#real()[method];
    log.apply(this.#real(), args);
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy child per request. A route with its own log level or
 * serializers gets pino's child at once (it must apply them), as Fastify would make it.
 */
export const lazyChildLoggerFactory: ChildLoggerFactory = (logger, bindings, options) => {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new LazyRequestLogger(logger, bindings);
};
