import { describe, expect, it } from 'vitest';
import { enrollNode, TEST_ENROLLMENT_TOKEN } from '../test/agent';
import { useTestApp } from '../test/use-test-app';
import { beat, heartbeatBody, manualClock } from '../modules/heartbeats/heartbeat-fixtures';

// Finding 1, second half: validation refuses text PostgreSQL cannot store, but should any
// row of a batched report write still be refused by PostgreSQL, it must not stop the other
// nodes' state from being saved (before: the whole batch failed and was re-queued forever).

const clock = manualClock();
const t = useTestApp({ enrollmentToken: TEST_ENROLLMENT_TOKEN }, { nowMs: clock.now });

async function kongVersionOf(nodeId: string): Promise<string | null> {
  const { rows } = await t.app.pg.query<{ kong_version: string | null }>(
    'SELECT kong_version FROM nodes WHERE id = $1',
    [nodeId],
  );
  return rows[0]?.kong_version ?? null;
}

describe('one bad row in a batched report write', () => {
  it("is left out while every other node's report is saved, and is not retried every second", async () => {
    const good = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-good');
    const bad = await enrollNode(t.app, TEST_ENROLLMENT_TOKEN, 'kong-bad');
    for (const node of [good, bad]) {
      const response = await beat(t.app, node.nodeId, node.credential, heartbeatBody({ seq: 1 }));
      expect(response.statusCode).toBe(200);
    }
    await t.app.fleet.sync.flush();

    // A report PostgreSQL refuses (NUL in text), as if it had slipped past validation.
    const entry = t.app.fleet.registry.get(bad.nodeId);
    if (!entry?.report) throw new Error('no report for the bad node');
    entry.report = { ...entry.report, kongVersion: '3.9.0\u0000' };
    t.app.fleet.registry.touched.add(entry);
    clock.advance(1_000);
    const response = await beat(
      t.app,
      good.nodeId,
      good.credential,
      heartbeatBody({ seq: 2 }, { kongVersion: '3.10.0.0' }),
    );
    expect(response.statusCode).toBe(200);

    await t.app.fleet.sync.flush();
    expect(await kongVersionOf(good.nodeId)).toBe('3.10.0.0');
    expect(await kongVersionOf(bad.nodeId)).toBe('3.9.1.0');
    expect(t.app.fleet.registry.touched.size).toBe(0);
  });
});
