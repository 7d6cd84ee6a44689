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

  fatal: FastifyBaseLogger['fatal'] = (...args: unknown[]) => this.#log('fatal', args);
  error: FastifyBaseLogger['error'] = (...args: unknown[]) => this.#log('error', args);
  warn: FastifyBaseLogger['warn'] = (...args: unknown[]) => this.#log('warn', args);
  info: FastifyBaseLogger['info'] = (...args: unknown[]) => this.#log('info', args);
  debug: FastifyBaseLogger['debug'] = (...args: unknown[]) => this.#log('debug', args);
  trace: FastifyBaseLogger['trace'] = (...args: unknown[]) => this.#log('trace', args);
  silent: FastifyBaseLogger['silent'] = () => undefined;

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
