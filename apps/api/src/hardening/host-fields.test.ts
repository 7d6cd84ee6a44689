import { describe, expect, it } from 'vitest';
import { beat, heartbeatBody } from '../modules/heartbeats/heartbeat-fixtures';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../test/agent';
import { useTestApp } from '../test/use-test-app';

/** Issue 8, finding 8: a host field is a host name, so `user:password@host` never reaches the controller's own findings. */
describe('host fields', () => {
  const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN });

  it('refuses config.rw.host "kong:hunter2@db.example.com", naming the field and not repeating it', async () => {
    const { nodeId, credential } = await enrollNode(t.app);
    const body = heartbeatBody({ seq: 1, host: 'kong:hunter2@db.example.com' });
    const response = await beat(t.app, nodeId, credential, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toContainEqual({ path: 'body.config.rw.host', message: expect.any(String) });
    expect(response.body).not.toContain('hunter2');
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/nodes/${nodeId}`,
      headers: (await t.admin()).headers,
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('hunter2');
  });

  it('refuses a database registered with credentials in its host', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/databases',
      headers: (await t.admin()).headers,
      payload: { identifier: 'kong-db', host: 'kong:hunter2@db.example.com', port: 5432, region: 'us-east-1' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('hunter2');
  });

  it('still accepts host names and addresses', async () => {
    const { nodeId, credential } = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-2');
    for (const host of ['db.example.com', '10.0.0.5', 'fd00::5', 'kong_db']) {
      expect((await beat(t.app, nodeId, credential, heartbeatBody({ seq: 1, host }))).statusCode, host).toBe(200);
    }
  });
});
