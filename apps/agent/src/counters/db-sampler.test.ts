import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPg, type EmbeddedPg } from '@iamroll/embedded-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbSampler, MONITOR_APPLICATION_NAME } from './db-sampler';

describe('DbSampler: new backends of this node, seen from the database', () => {
  let root: string;
  let server: EmbeddedPg;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'iamroll-agent-sampler-'));
    await chmod(root, 0o755);
    server = await startEmbeddedPg({ dataDir: join(root, 'pg'), isPersistent: false, isDurable: false });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const kong = async (name: string): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: server.connectionString(), application_name: name });
    await client.connect();
    return client;
  };

  it('counts connections opened since the last sample, not reused ones, not the monitor, not other nodes', async () => {
    const before = await kong('kong-a');
    const sampler = new DbSampler({
      connect: {
        rw: async () => {
          const monitor = new pg.Client({
            connectionString: server.connectionString(),
            application_name: MONITOR_APPLICATION_NAME,
          });
          await monitor.connect();
          return monitor;
        },
      },
      filter: { clientAddresses: [], applicationName: 'kong-a' },
    });
    await sampler.sampleNow(); // baseline: `before` predates the agent
    expect(sampler.snapshot().rw.established).toBe(0);
    const opened = [await kong('kong-a'), await kong('kong-a'), await kong('kong-b')];
    await sampler.sampleNow();
    await sampler.sampleNow(); // the same backends again: nothing new
    expect(sampler.snapshot()).toMatchObject({ rw: { attempts: 2, established: 2 }, ro: null });
    await Promise.all([before, ...opened].map((client) => client.end()));
    await sampler.close();
  });
});
