import { describe, expect, it } from 'vitest';
import { manualClock } from '../heartbeats/heartbeat-fixtures';
import { useTestApp } from '../../test/use-test-app';
import { backoffMs, createWebhookOutbox } from './webhook-outbox';

describe('webhook outbox', () => {
  const t = useTestApp();

  it('backs off exponentially, capped at five minutes', () => {
    expect([1, 2, 3, 10, 30].map(backoffMs)).toEqual([1_000, 2_000, 4_000, 300_000, 300_000]);
  });

  it('posts in order after the commit, retries a failure after its backoff, never sends the URL or a secret', async () => {
    const clock = manualClock();
    const posted: { url: string; body: string; event: string | null }[] = [];
    let failuresLeft = 1;
    const fetch = ((url: string, init: RequestInit) => {
      posted.push({ url, body: init.body as string, event: new Headers(init.headers).get('x-iamroll-event') });
      return Promise.resolve(failuresLeft-- > 0 ? new Response('no', { status: 500 }) : new Response('ok'));
    }) as typeof globalThis.fetch;
    const url = 'https://hooks.example.com/T000/secret-path-token';
    const outbox = createWebhookOutbox({ prisma: t.app.prisma, url, nowMs: clock.now, fetch });
    await t.app.prisma.$transaction((tx) =>
      outbox.enqueue(
        [
          { event: 'rollout.paused', data: { rolloutId: 'r1', reason: 'alarm db-rate-warning' } },
          { event: 'rollout.completed', data: { rolloutId: 'r1' } },
        ],
        tx,
      ),
    );
    expect(await outbox.deliver()).toBe(0);
    const [failed] = await t.app.prisma.webhookOutbox.findMany({ orderBy: { id: 'asc' } });
    expect(failed).toMatchObject({ attempts: 1, lastError: 'HTTP 500', deliveredAt: null });
    expect(await outbox.deliver()).toBe(0); // not due yet
    clock.set(clock.now() + 1_000);
    expect(await outbox.deliver()).toBe(2);
    expect(posted.map((p) => p.event)).toEqual(['rollout.paused', 'rollout.paused', 'rollout.completed']);
    for (const post of posted) {
      expect(post.url).toBe(url);
      expect(post.body).not.toContain('secret-path-token');
      expect(JSON.parse(post.body)).toHaveProperty('rolloutId', 'r1');
    }
  });

  it('records nothing without a URL', async () => {
    const outbox = createWebhookOutbox({ prisma: t.app.prisma, url: undefined, nowMs: Date.now });
    const before = await t.app.prisma.webhookOutbox.count();
    await outbox.enqueue([{ event: 'rollout.completed', data: {} }], t.app.prisma);
    expect(await t.app.prisma.webhookOutbox.count()).toBe(before);
  });
});
