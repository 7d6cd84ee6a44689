import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeartbeatBody } from '@iamroll/contracts';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Agent } from '../agent';
import { kongConfFiles } from '../appliers/node-files';
import { noCounters } from '../counters/counters-source';
import { simulatedKongConf } from '../simulated/simulated-kong-conf';

// A simulated node's agent answers a preflight request through the same code as a real node's:
// the simulator's access key and its loopback endpoint (as the probe login reaches it).

let sim: RdsSim;
let root: string;
let server: Server;
const beats: HeartbeatBody[] = [];

beforeAll(async () => {
  sim = await startRdsSim({ sessionMode: 'answer' });
  root = await mkdtemp(join(tmpdir(), 'iamroll-agent-preflight-'));
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/api/v1/agents/enroll') {
        response.statusCode = 201;
        return response.end(
          JSON.stringify({
            nodeId: '6f1c1c6e-4b8a-4b59-9a4c-2d4f0e0f1a12',
            credential: 'iamagent_0123456789abcdefghijklmnopqrstuv',
          }),
        );
      }
      beats.push(JSON.parse(body) as HeartbeatBody);
      response.end(
        JSON.stringify({
          desiredStage: 'password',
          intervalMs: 100,
          serverTime: new Date().toISOString(),
          preflight: { requestId: 'sim-1', stages: ['ro_iam', 'rw_iam'] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await sim?.close();
  await rm(root, { recursive: true, force: true });
});

it('a simulated node passes preflight for ro_iam and rw_iam and reports it once', async () => {
  const confPath = join(root, 'kong.conf');
  const [credential] = sim.credentials;
  const password = sim.passwordUsers[0]?.password ?? '';
  const endpoint = { host: sim.endpointHost, port: sim.port };
  await writeFile(
    confPath,
    simulatedKongConf({
      name: 'sim-node',
      rw: endpoint,
      ro: endpoint,
      user: 'kong',
      password,
      database: sim.database,
      workers: 2,
      poolSize: 2,
    }),
  );
  const address = server.address();
  const agent = new Agent({
    controllerUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    stateDir: join(root, 'state'),
    files: kongConfFiles(confPath),
    applier: { restart: () => Promise.resolve(), checkHealth: () => Promise.resolve() },
    counters: noCounters,
    enrollmentToken: () => Promise.resolve('iamenroll_abcdefghijklmnopqrstuvwxyz0123'),
    hostname: 'sim-node',
    kongVersion: '3.9.1.0',
    intervalMs: 100,
    preflight: {
      processEnv: {},
      credentials: { identity: credential!, description: "the simulator's access key" },
      endpointFor: (host) => (host === sim.endpointHost ? { connectHost: sim.host, caPem: sim.caPem } : undefined),
    },
  });
  await agent.start();
  const deadline = Date.now() + 60_000;
  while (!beats.some((beat) => beat.preflight) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const count = beats.length;
  while (beats.length < count + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await agent.stop();
  const reports = beats.filter((beat) => beat.preflight);
  expect(reports).toHaveLength(1);
  const results = reports[0]!.preflight!.results;
  for (const result of results) {
    const failed = result.checks.filter((check) => check.status === 'fail');
    expect(failed).toEqual([]);
    expect(result.isPassed).toBe(true);
  }
  expect(results.map((result) => result.stage)).toEqual(['ro_iam', 'rw_iam']);
  expect(results[1]!.checks.filter((check) => check.id === 'database-rights').map((check) => check.connection)).toEqual(
    ['rw', 'ro'],
  );
  expect(JSON.stringify(reports)).not.toContain(credential!.secretAccessKey);
  expect(JSON.stringify(reports)).not.toContain(password);
}, 120_000);
