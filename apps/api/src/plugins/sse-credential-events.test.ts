import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { eventually, type TestSession } from '../test/test-app';
import { useTestApp } from '../test/use-test-app';

const STILL_OPEN = 'still open';
/** Generous: only bounds how long a failing test hangs (the safety-net recheck is an hour away). */
const GIVE_UP_MS = 10_000;

/**
 * Streams end on the credential events of the bus, not by polling: the safety-net recheck is
 * set to an hour here, so a stream that ends did so because of the event.
 */
describe('event streams end on credential events', () => {
  const t = useTestApp({}, { sseRecheckMs: 3_600_000 });

  const openStream = async (headers: Record<string, string>) => {
    const before = t.app.events.subscriberCount;
    const ended = t.app.inject({ method: 'GET', url: '/api/v1/events', headers });
    await eventually(() => t.app.events.subscriberCount > before);
    return {
      outcome: (): Promise<LightMyRequestResponse | typeof STILL_OPEN> =>
        Promise.race([ended, new Promise<typeof STILL_OPEN>((r) => setTimeout(() => r(STILL_OPEN), GIVE_UP_MS))]),
    };
  };
  const tokenFor = async (owner: TestSession) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: owner.headers,
      payload: { name: 'stream', role: 'viewer' },
    });
    return response.json<{ token: string; apiToken: { id: string } }>();
  };

  it('ends a stream whose API token is revoked, and leaves another token of the same owner streaming', async () => {
    const admin = await t.admin();
    const revokedToken = await tokenFor(admin);
    const keptToken = await tokenFor(admin);
    const revokedStream = await openStream({ authorization: `Bearer ${revokedToken.token}` });
    const keptStream = await openStream({ authorization: `Bearer ${keptToken.token}` });
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/api-tokens/${revokedToken.apiToken.id}/revoke`,
      headers: admin.headers,
      payload: {},
    });
    expect(revoked.statusCode).toBe(200);
    expect(await revokedStream.outcome()).not.toBe(STILL_OPEN);
    // The other token was checked too (same owner) and is still valid: its stream stays.
    const kept = await Promise.race([
      keptStream.outcome(),
      new Promise<typeof STILL_OPEN>((r) => setTimeout(() => r(STILL_OPEN), 500)),
    ]);
    expect(kept).toBe(STILL_OPEN);
  });

  it('ends a stream whose session signs out', async () => {
    const viewer = await t.sessionAs('viewer');
    const stream = await openStream({ cookie: viewer.cookie });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: viewer.headers });
    expect(await stream.outcome()).not.toBe(STILL_OPEN);
  });

  it('ends the streams of a user an admin disables', async () => {
    const admin = await t.admin();
    const viewer = await t.sessionAs('viewer');
    const stream = await openStream({ cookie: viewer.cookie });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${viewer.user.id}`,
      headers: admin.headers,
      payload: { isDisabled: true },
    });
    expect(patched.statusCode).toBe(200);
    expect(await stream.outcome()).not.toBe(STILL_OPEN);
  });
});
