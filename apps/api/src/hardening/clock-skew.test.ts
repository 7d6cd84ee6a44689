import { describe, expect, it } from 'vitest';
import { beat, heartbeatBody, manualClock } from '../modules/heartbeats/heartbeat-fixtures';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../test/agent';
import { useTestApp } from '../test/use-test-app';

// Finding 3: after one heartbeat dated 9999-12-31, every later heartbeat of the node (new
// boots included) was accepted but ignored, so its IAM logins went uncounted. The
// controller now bounds sentAt by its own clock, orders boots by what it observed, and
// says so on the node.

const clock = manualClock();
const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });
const FAR_FUTURE_MS = Date.parse('9999-12-31T23:59:59Z');

describe('a node whose agent sends a far-future sentAt', () => {
  it('keeps being counted after its next boot, and carries a clock finding', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-clock');
    const send = async (seq: number, attempts: number, bootId: string, sentAtMs: number) => {
      const response = await beat(
        t.app,
        node.nodeId,
        node.credential,
        heartbeatBody({ seq, attempts, bootId, sentAtMs }),
      );
      expect(response.statusCode).toBe(200);
      clock.advance(1_000);
    };
    await send(1, 0, 'boot-future', FAR_FUTURE_MS - 1_000);
    await send(2, 10, 'boot-future', FAR_FUTURE_MS);
    // The agent restarts with its clock fixed: a new boot, dated now.
    await send(1, 0, 'boot-fixed', clock.now());
    await send(2, 400, 'boot-fixed', clock.now());

    const series = t.app.fleet.memory.fleet.nodeSeries(node.nodeId, 'rw');
    const from = Math.floor((clock.now() - 60_000) / 1000);
    expect(series?.sumSeconds(from, from + 120)).toBe(10 + 400);

    await t.app.fleet.sync.flush();
    const admin = await t.admin();
    const detail = await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${node.nodeId}`, headers: admin.headers });
    expect(detail.statusCode).toBe(200);
    expect(JSON.stringify(detail.json())).not.toContain('controller/clock-ahead'); // the fixed boot cleared it
  });

  it('shows the clock finding on the node while its clock runs ahead', async () => {
    const node = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-clock-ahead');
    const response = await beat(
      t.app,
      node.nodeId,
      node.credential,
      heartbeatBody({ seq: 1, bootId: 'boot-ahead', sentAtMs: clock.now() + 3_600_000 }),
    );
    expect(response.statusCode).toBe(200);
    await t.app.fleet.sync.flush();
    const admin = await t.admin();
    const detail = await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${node.nodeId}`, headers: admin.headers });
    expect(JSON.stringify(detail.json())).toContain('controller/clock-ahead');
    expect(JSON.stringify(detail.json())).toContain('3600 s ahead');
  });
});
