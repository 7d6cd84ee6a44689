import { randomUUID } from 'node:crypto';
import type { ServerEvent } from '@iamroll/contracts';
import type pg from 'pg';
import { ChannelListener } from '../db/channel-listener';
import type { SqlClient } from '../db/sql';

export const EVENTS_CHANNEL = 'iamroll_events';

/**
 * Events after which a credential may no longer be valid: open event streams check theirs
 * again at once (plugins/events.ts) instead of polling. Each carries the user concerned
 * (`user.updated` as `id`, the others as `userId`).
 */
export const CREDENTIAL_EVENTS = {
  userUpdated: 'user.updated',
  apiTokenRevoked: 'api_token.revoked',
  sessionEnded: 'session.ended',
} as const;

/** NOTIFY payloads must stay under 8000 bytes; bigger events say "refetch" instead of carrying data. */
const MAX_PAYLOAD_BYTES = 7000;

export interface EventBusLogger {
  warn(object: object, message: string): void;
}

type Listener = (event: ServerEvent) => void;

/** A Prisma transaction client, or anything else that runs a tagged raw statement. */
export interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

interface Envelope {
  readonly origin: string;
  readonly event: ServerEvent;
}

/**
 * The rule for how a change reaches the SSE stream: a change made in a transaction sends
 * its event inside that transaction (`notifyIn` with a Prisma transaction, `notifyManyIn`
 * with a raw pg client), so PostgreSQL delivers it on commit and never on rollback, and no
 * crash between commit and publish loses it; `publish` is only for what has no transaction
 * (a single statement, or a signal computed from memory such as `rates.tick`). The channel
 * is always EVENTS_CHANNEL, never written out by hand.
 *
 * Every API process sees every event: `publish` sends a PostgreSQL NOTIFY
 * on `iamroll_events`, and each process LISTENs on a dedicated connection
 * and hands what arrives (its own events included) to local subscribers,
 * such as the SSE streams. Delivery is at-most-once: while the listening
 * connection is down events are missed, so clients refetch on reconnect.
 */
export class EventBus {
  readonly #listeners = new Set<Listener>();
  readonly #origin = randomUUID();
  readonly #listener: ChannelListener;

  constructor(
    private readonly pool: pg.Pool,
    connectionString: string,
    private readonly log: EventBusLogger,
    retryMs = 1000,
  ) {
    this.#listener = new ChannelListener({
      connectionString,
      channel: EVENTS_CHANNEL,
      applicationName: 'iamroll-events',
      onPayload: (payload) => this.#deliver(payload),
      log,
      lossNote: 'events published meanwhile are missed',
      retryMs,
    });
  }

  get isListening(): boolean {
    return this.#listener.isListening;
  }

  get subscriberCount(): number {
    return this.#listeners.size;
  }

  /** For events with no transaction behind them (see the rule above); otherwise use `notifyIn`. */
  async publish(type: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, this.payload(type, data)]);
  }

  /** Sends the event from inside a transaction: PostgreSQL delivers it on commit, and never on rollback. */
  async notifyIn(tx: RawExecutor, type: string, data: Record<string, unknown> = {}): Promise<void> {
    await tx.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${this.payload(type, data)})`;
  }

  /** Many payloads (from `payload`) in one statement inside a raw-SQL transaction: delivered on commit. */
  async notifyManyIn(sql: SqlClient, payloads: readonly string[]): Promise<void> {
    if (payloads.length === 0) return;
    await sql.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [EVENTS_CHANNEL, payloads]);
  }

  /** The payload of one event as NOTIFY carries it (see notifyManyIn). */
  payload(type: string, data: Record<string, unknown> = {}): string {
    const event: ServerEvent = { type, at: new Date().toISOString(), data };
    const text = JSON.stringify({ origin: this.#origin, event } satisfies Envelope);
    if (Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES) return text;
    return JSON.stringify({
      origin: this.#origin,
      event: { ...event, data: { isTruncated: true } },
    } satisfies Envelope);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    await this.#listener.start();
  }

  async stop(): Promise<void> {
    await this.#listener.stop();
    this.#listeners.clear();
  }

  #deliver(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      this.log.warn({}, 'ignored a malformed event notification');
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener(envelope.event);
      } catch (error) {
        this.log.warn({ err: error, type: envelope.event.type }, 'an event subscriber failed');
      }
    }
  }
}
