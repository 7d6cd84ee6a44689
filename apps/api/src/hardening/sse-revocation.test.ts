import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { eventually, type TestSession } from '../test/test-app';
import { useTestApp } from '../test/use-test-app';

const STILL_OPEN = 'still open';
/** Generous: the streams recheck every 100 ms here; this only bounds how long a failing test hangs. */
const GIVE_UP_MS = 5_000;

/** Issue 8, finding 5: an open event stream ends when its credential stops being valid. */
describe('event streams end with their credential', () => {
  const t = useTestApp({}, { sseRecheckMs: 100 });

  /** Opens GET /api/v1/events and resolves once the stream is subscribed. */
  const openStream = async (headers: Record<string, string>) => {
    const before = t.app.events.subscriberCount;
    const ended = t.app.inject({ method: 'GET', url: '/api/v1/events', headers });
    await eventually(() => t.app.events.subscriberCount > before);
    return {
      outcome: (): Promise<LightMyRequestResponse | typeof STILL_OPEN> =>
        Promise.race([ended, new Promise<typeof STILL_OPEN>((r) => setTimeout(() => r(STILL_OPEN), GIVE_UP_MS))]),
    };
  };
  const tokenFor = async (owner: TestSession, role = 'viewer') => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: owner.headers,
      payload: { name: 'stream', role },
    });
    return response.json<{ token: string; apiToken: { id: string } }>();
  };

  it('ends a stream whose API token is revoked', async () => {
    const admin = await t.admin();
    const { token, apiToken } = await tokenFor(admin);
    const stream = await openStream({ authorization: `Bearer ${token}` });
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/api-tokens/${apiToken.id}/revoke`,
      headers: admin.headers,
      payload: {},
    });
    expect(revoked.statusCode).toBe(200);
    const outcome = await stream.outcome();
    expect(outcome).not.toBe(STILL_OPEN);
    expect((outcome as LightMyRequestResponse).statusCode).toBe(200);
  });

  it('ends a stream whose session signs out', async () => {
    const viewer = await t.sessionAs('viewer');
    const stream = await openStream({ cookie: viewer.cookie });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: viewer.headers });
    expect(await stream.outcome()).not.toBe(STILL_OPEN);
  });

  it('ends a stream whose session expires', async () => {
    const viewer = await t.sessionAs('viewer');
    const stream = await openStream({ cookie: viewer.cookie });
    await t.app.pg.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second'
        WHERE user_id = $1`,
      [viewer.user.id],
    );
    expect(await stream.outcome()).not.toBe(STILL_OPEN);
  });

  it("ends the session's and the token's streams of a user an admin disables", async () => {
    const admin = await t.admin();
    const owner = await t.sessionAs('admin'); // only admins create API tokens
    const { token } = await tokenFor(owner);
    const bySession = await openStream({ cookie: owner.cookie });
    const byToken = await openStream({ authorization: `Bearer ${token}` });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.user.id}`,
      headers: admin.headers,
      payload: { isDisabled: true },
    });
    expect(await bySession.outcome()).not.toBe(STILL_OPEN);
    expect(await byToken.outcome()).not.toBe(STILL_OPEN);
  });
});
