import { describe, expect, it } from 'vitest';
import { registerDatabase } from '../modules/heartbeats/heartbeat-fixtures';
import { useTestApp } from '../test/use-test-app';

/** Issue 8, finding 4: bodies are validated as sent (JSON is typed); only query strings are coerced. */
describe('request bodies are not coerced', () => {
  const t = useTestApp();

  it('refuses {"budgetPerSecond": true} instead of setting the budget to 1', async () => {
    const admin = await t.admin();
    const id = await registerDatabase(t.app, admin.headers);
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/databases/${id}`,
      headers: admin.headers,
      payload: { budgetPerSecond: true },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.budgetPerSecond', message: 'must be integer' }]);
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/databases/${id}`, headers: admin.headers });
    expect(after.json().budgetPerSecond).toBe(200);
  });

  it('refuses {"isDisabled": null} instead of re-enabling a disabled user', async () => {
    const admin = await t.admin();
    const victim = await t.sessionAs('viewer');
    const patch = (payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/users/${victim.user.id}`, headers: admin.headers, payload });
    expect((await patch({ isDisabled: true })).statusCode).toBe(200);
    const response = await patch({ isDisabled: null });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.isDisabled', message: 'must be boolean' }]);
    const users = await t.app.inject({ method: 'GET', url: '/api/v1/users?limit=500', headers: admin.headers });
    const listed = users.json<{ items: { id: string; isDisabled: boolean }[] }>().items;
    expect(listed.find((u) => u.id === victim.user.id)?.isDisabled).toBe(true);
  });

  it('refuses numbers sent as strings in bodies: {"uses": "5"}', async () => {
    const admin = await t.admin();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/enrollment-tokens',
      headers: admin.headers,
      payload: { name: 'batch', uses: '5' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.uses', message: 'must be integer' }]);
  });

  it('still coerces query strings: ?limit=1&offset=0', async () => {
    const admin = await t.admin();
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=1&offset=0',
      headers: admin.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toHaveLength(1);
  });
});
