import type { Db, PrismaClient } from '../../db/prisma-client';
import type { Notification } from './rollout-intents';

// The durable outbox behind IAMROLL_WEBHOOK_URL: rows are written in the transaction of the
// change they announce; a leader loop posts them afterwards (never inside a transaction),
// oldest first and strictly in order, and retries a failure with capped exponential backoff. Payloads carry ids,
// statuses, messages and reasons only: never a secret.

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const BATCH = 20;
const TIMEOUT_MS = 5_000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

export interface WebhookDeps {
  readonly prisma: PrismaClient;
  /** Unset: notifications are not recorded at all. */
  readonly url: string | undefined;
  readonly nowMs: () => number;
  readonly fetch?: typeof fetch;
}

export function createWebhookOutbox({ prisma, url, nowMs, fetch: send = fetch }: WebhookDeps) {
  return {
    async enqueue(notifications: readonly Notification[], db: Db): Promise<void> {
      if (url === undefined || notifications.length === 0) return;
      const at = new Date(nowMs()).toISOString();
      await db.webhookOutbox.createMany({
        data: notifications.map((n) => ({
          event: n.event,
          payload: { event: n.event, at, ...n.data },
          nextAttemptAt: new Date(at),
        })),
      });
    },

    /** One delivery pass (the `webhook-delivery` leader loop): due rows, oldest first. */
    async deliver(signal?: AbortSignal): Promise<number> {
      if (url === undefined) return 0;
      const pending = await prisma.webhookOutbox.findMany({
        where: { deliveredAt: null },
        orderBy: { id: 'asc' },
        take: BATCH,
      });
      let delivered = 0;
      for (const row of pending) {
        // In order: a row waiting for its backoff holds the ones after it (one receiver, one timeline).
        if (signal?.aborted || row.nextAttemptAt.getTime() > nowMs()) break;
        let error: string | null = null;
        try {
          const response = await send(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-iamroll-event': row.event },
            body: JSON.stringify({ id: row.id.toString(), ...(row.payload as object) }),
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          if (!response.ok) error = `HTTP ${response.status}`;
        } catch (caught) {
          // The URL may carry a token: never store or log it, only the kind of failure.
          error = caught instanceof Error ? caught.name : 'error';
        }
        const attempts = row.attempts + 1;
        await prisma.webhookOutbox.update({
          where: { id: row.id },
          data:
            error === null
              ? { attempts, deliveredAt: new Date(nowMs()), lastError: null }
              : { attempts, lastError: error, nextAttemptAt: new Date(nowMs() + backoffMs(attempts)) },
        });
        if (error === null) delivered += 1;
        else break; // keep the order: later rows wait for this one
      }
      return delivered;
    },
  };
}

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;
