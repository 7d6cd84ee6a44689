import { describe, expect, it } from 'vitest';
import { UNKNOWN_USERNAME } from '../modules/auth/auth-service';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../test/agent';
import { useTestApp } from '../test/use-test-app';

/** Issue 8, finding 11. */
describe('node search and the failed-login audit', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  it('treats % and _ in q as the characters themselves, not LIKE wildcards', async () => {
    await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-a');
    await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong_b');
    const admin = await t.admin();
    const search = async (q: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/nodes?q=${encodeURIComponent(q)}`,
        headers: admin.headers,
      });
      expect(response.statusCode).toBe(200);
      return response.json<{ items: { hostname: string }[] }>().items.map((node) => node.hostname);
    };
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual(['kong_b']);
    expect(await search('kong%')).toEqual([]);
    expect((await search('kong')).sort()).toEqual(['kong-a', 'kong_b']);
  });

  it('stores the typed username of a failed login only when it names a user', async () => {
    const pasted = 'correct-horse-battery-staple-9';
    const login = (username: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong-password' } });
    expect((await login(pasted)).statusCode).toBe(401);
    expect((await login('admin')).statusCode).toBe(401);
    const { rows } = await t.app.pg.query<{ data: { username: string } }>(
      "SELECT data FROM audit_events WHERE action = 'auth.login_failed' ORDER BY id",
    );
    expect(rows.map((row) => row.data.username)).toEqual([UNKNOWN_USERNAME, 'admin']);
    const everything = await t.app.pg.query<{ text: string }>(
      'SELECT row_to_json(a)::text AS text FROM audit_events a',
    );
    expect(everything.rows.map((row) => row.text).join('\n')).not.toContain(pasted);
  });
});
