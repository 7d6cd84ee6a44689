import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeartbeatBody, type NodeStage, type PreflightRequest } from '@iamroll/contracts';
import Value from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from './agent';
import type { Applier } from './appliers/applier';
import { kongConfFiles } from './appliers/node-files';
import { noCounters, ZERO_COUNTERS } from './counters/counters-source';

const PASSWORD = 'Sup3r-s3cret-pg-password';
const CREDENTIAL = 'iamagent_0123456789abcdefghijklmnopqrstuv';
const ENROLLMENT = 'iamenroll_abcdefghijklmnopqrstuvwxyz0123';
const CONF = `pg_host = kong.abcdefghijkl.us-east-1.rds.amazonaws.com
pg_ro_host = kong-ro.abcdefghijkl.us-east-1.rds.amazonaws.com
pg_user = kong
pg_password = ${PASSWORD}
pg_ssl = on
pg_pool_size = 5
nginx_worker_processes = 3
`;

/** A controller that records what agents send and answers with `desired`. */
function fakeController(): {
  server: Server;
  url: () => string;
  enrolls: number;
  beats: unknown[];
  desired: NodeStage;
  replyIntervalMs: number;
  preflight: PreflightRequest | undefined;
  switchAtMs: number | undefined;
} {
  const state = {
    server: createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        if (request.url === '/api/v1/agents/enroll') {
          state.enrolls += 1;
          response.statusCode = request.headers.authorization === `Bearer ${ENROLLMENT}` ? 201 : 401;
          return response.end(
            JSON.stringify({ nodeId: '6f1c1c6e-4b8a-4b59-9a4c-2d4f0e0f1a11', credential: CREDENTIAL }),
          );
        }
        state.beats.push(JSON.parse(body));
        response.end(
          JSON.stringify({
            desiredStage: state.desired,
            intervalMs: state.replyIntervalMs,
            serverTime: new Date().toISOString(),
            ...(state.preflight ? { preflight: state.preflight } : {}),
            ...(state.switchAtMs !== undefined ? { switchAt: new Date(state.switchAtMs).toISOString() } : {}),
          }),
        );
      });
    }),
    url: () => {
      const address = state.server.address();
      return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
    },
    enrolls: 0,
    beats: [] as unknown[],
    desired: 'password' as NodeStage,
    replyIntervalMs: 50,
    preflight: undefined as PreflightRequest | undefined,
    switchAtMs: undefined as number | undefined,
  };
  return state;
}

const quietApplier: Applier = { restart: () => Promise.resolve(), checkHealth: () => Promise.resolve() };

let root: string;
let controller: ReturnType<typeof fakeController>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'iamroll-agent-loop-'));
  await writeFile(join(root, 'kong.conf'), CONF);
  controller = fakeController();
  await new Promise<void>((resolve) => controller.server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await new Promise((resolve) => controller.server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function agent(options: Partial<ConstructorParameters<typeof Agent>[0]> = {}): Agent {
  return new Agent({
    controllerUrl: controller.url(),
    stateDir: join(root, 'state'),
    files: kongConfFiles(join(root, 'kong.conf')),
    applier: quietApplier,
    counters: noCounters,
    enrollmentToken: () => Promise.resolve(ENROLLMENT),
    hostname: 'kong-test-1',
    kongVersion: '3.9.1.0',
    labels: { env: 'test', 'team/gw': 'edge' },
    intervalMs: 50,
    ...options,
  });
}

async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Agent', () => {
  it('enrolls once and keeps its credential at mode 0600', async () => {
    const first = agent();
    await first.start();
    await first.stop();
    const second = agent();
    await second.start();
    await second.stop();
    expect(controller.enrolls).toBe(1);
    const credential = join(root, 'state', 'credential.json');
    expect((await stat(credential)).mode & 0o777).toBe(0o600);
    expect(await readFile(credential, 'utf8')).not.toContain(ENROLLMENT);
  });

  it('sends heartbeats the contract accepts, with labels, pools and the transition, and no secret', async () => {
    const running = agent();
    await running.start();
    await eventually(() => controller.beats.length >= 2);
    await running.stop();
    for (const beat of controller.beats) {
      expect(Value.Check(HeartbeatBody, beat)).toBe(true);
      const text = JSON.stringify(beat);
      for (const secret of [PASSWORD, CREDENTIAL, ENROLLMENT, 'X-Amz-']) expect(text).not.toContain(secret);
    }
    expect(controller.beats[0]).toMatchObject({
      labels: { env: 'test', 'team/gw': 'edge' },
      config: { workers: 3, poolSize: 5, pools: { rw: { workers: 3, poolSize: 5 }, ro: { workers: 3, poolSize: 5 } } },
      transition: { status: 'idle', failedSwitches: 0 },
    });
  });

  it('applies the desired stage from the reply and reports it; the password still never leaves', async () => {
    const running = agent();
    await running.start();
    controller.desired = 'rw_iam';
    await eventually(() =>
      controller.beats.some(
        (beat) =>
          (beat as HeartbeatBody).config.stage === 'rw_iam' && (beat as HeartbeatBody).transition?.status === 'idle',
      ),
    );
    await running.stop();
    expect(await readFile(join(root, 'kong.conf'), 'utf8')).toContain('pg_iam_auth = on');
    expect(JSON.stringify(controller.beats)).not.toContain(PASSWORD);
  });

  it('begins a switch planned for a later second (`switchAt`) then, not when it hears it', async () => {
    const restarts: number[] = [];
    const planned = agent({
      applier: { ...quietApplier, restart: () => Promise.resolve(void restarts.push(Date.now())) },
    });
    await planned.start();
    await eventually(() => controller.beats.length > 0);
    controller.switchAtMs = Date.now() + 800;
    controller.desired = 'ro_iam';
    await eventually(() => restarts.length > 0);
    await planned.stop();
    // Heard within a few heartbeats of 50 ms, well before switchAt: the restart waited for it.
    expect(restarts[0]).toBeGreaterThanOrEqual(controller.switchAtMs - 5);
    expect(restarts).toHaveLength(1);
  });

  it('reports at once when its counters move, at most once a second, and otherwise at the keep-alive the reply sets', async () => {
    controller.replyIntervalMs = 60_000; // the keep-alive: no heartbeat falls due during the test
    let attempts = 0;
    const counters = () => ({ ...ZERO_COUNTERS, attempts, established: attempts });
    const running = agent({
      counters: { snapshot: () => ({ rw: counters(), ro: null }) },
      intervalMs: 60_000,
      checkCountersMs: 10,
      minReportIntervalMs: 300,
    });
    await running.start();
    await eventually(() => controller.beats.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(controller.beats).toHaveLength(1); // idle: nothing until the keep-alive
    const first = controller.beats[0] as HeartbeatBody;
    expect(first.intervalMs).toBe(60_000);

    const movedAtMs = Date.now();
    attempts = 3;
    await eventually(() => controller.beats.length === 2);
    const moved = controller.beats[1] as HeartbeatBody;
    expect(moved.counters.rw.attempts).toBe(3);
    // Its counters still read the first heartbeat's totals at `countersSince`, just before they moved.
    expect(Date.parse(moved.countersSince!)).toBeGreaterThanOrEqual(Date.parse(first.sentAt));
    expect(Date.parse(moved.countersSince!)).toBeLessThanOrEqual(movedAtMs);

    // They move again at once: held until a second (here 300 ms) after the last report, then sent with the total.
    attempts = 5;
    await new Promise((resolve) => setTimeout(resolve, 50));
    attempts = 8;
    await eventually(() => controller.beats.length === 3);
    const third = controller.beats[2] as HeartbeatBody;
    expect(Date.parse(third.sentAt) - Date.parse(moved.sentAt)).toBeGreaterThanOrEqual(300);
    expect(third.counters.rw.attempts).toBe(8);
    await running.stop();
  });

  it('reports the end of a switch at once, and its restart burst while it runs, not at the next interval', async () => {
    controller.replyIntervalMs = 60_000; // neither the keep-alive nor the 1 s gap falls due during the test
    controller.desired = 'rw_iam';
    let attempts = 0;
    const counters = () => ({ ...ZERO_COUNTERS, attempts, established });
    const beats = () => controller.beats as HeartbeatBody[];
    let established = 0;
    const applier: Applier = {
      restart: () => {
        attempts += 15; // the reconnect burst of the restart, signing in
        // Through a moment later: only then is the burst reported (RDS has counted every login).
        setTimeout(() => (established = attempts), 100);
        return Promise.resolve();
      },
      // Healthy only once the controller has seen the burst: the report went out mid-switch.
      checkHealth: () => eventually(() => beats().some((beat) => beat.counters.rw.attempts === 15)),
    };
    const running = agent({
      applier,
      counters: { snapshot: () => ({ rw: counters(), ro: null }) },
      intervalMs: 60_000,
      checkCountersMs: 10,
      minReportIntervalMs: 60_000,
      switchReportIntervalMs: 20,
    });
    await running.start();
    await eventually(() =>
      beats().some((beat) => beat.config.stage === 'rw_iam' && beat.transition?.status === 'idle'),
    );
    await running.stop();
    const burst = beats().find((beat) => beat.counters.rw.attempts === 15)!;
    expect(burst.transition?.status).toBe('switching');
    // Never reported half signed in: the first report of the burst has it established.
    expect(burst.counters.rw.established).toBe(15);
    const done = beats().find((beat) => beat.config.stage === 'rw_iam' && beat.transition?.status === 'idle')!;
    expect(done.transition?.completedSwitches).toBe(1);
    // The reply to the report of the end says rw_iam again: nothing more is applied, no extra beat is forced.
    expect(beats().length).toBeLessThanOrEqual(beats().indexOf(done) + 2);
  });

  it('heartbeats as often as a sub-second reply asks, yet announces 1 s (staleness counts against that)', async () => {
    controller.replyIntervalMs = 20;
    const running = agent({ intervalMs: 20 });
    await running.start();
    await eventually(() => controller.beats.length >= 6);
    await running.stop();
    const announced = controller.beats.map((beat) => (beat as HeartbeatBody).intervalMs);
    expect(announced[0]).toBe(100); // before any reply: its own option (clamped to the contract's minimum)
    expect(new Set(announced.slice(1))).toEqual(new Set([1_000]));
  });

  it('announces a grown keep-alive with one more heartbeat at the old interval', async () => {
    controller.replyIntervalMs = 60_000;
    const running = agent({ intervalMs: 150 });
    await running.start();
    await eventually(() => controller.beats.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await running.stop();
    expect(controller.beats.map((beat) => (beat as HeartbeatBody).intervalMs)).toEqual([150, 60_000]);
  });

  it('runs the preflight a reply asks for once, in the background, and reports it in exactly one later heartbeat', async () => {
    controller.preflight = { requestId: 'pf-1', stages: ['ro_iam', 'rw_iam'] };
    // No AWS environment: the credentials check fails and every check needing them is skipped.
    const running = agent({ preflight: { processEnv: { AWS_EC2_METADATA_DISABLED: 'true', HOME: root } } });
    await running.start();
    const reports = () => (controller.beats as HeartbeatBody[]).filter((beat) => beat.preflight !== undefined);
    await eventually(() => reports().length === 1);
    const sentAt = controller.beats.length;
    // The controller keeps asking with the same id: the request is not run again.
    await eventually(() => controller.beats.length >= sentAt + 5);
    await running.stop();
    expect(reports()).toHaveLength(1);
    const beats = controller.beats as HeartbeatBody[];
    expect(beats.every((beat) => beat.capabilities?.includes('preflight'))).toBe(true);
    expect(beats.indexOf(reports()[0]!)).toBeGreaterThan(0);
    const report = reports()[0]!.preflight!;
    expect(report.requestId).toBe('pf-1');
    expect(report.results.map((result) => [result.stage, result.isPassed])).toEqual([
      ['ro_iam', false],
      ['rw_iam', false],
    ]);
    expect(report.results[0]!.checks.find((check) => check.status === 'fail')).toMatchObject({ id: 'credentials' });
    for (const beat of beats) expect(Value.Check(HeartbeatBody, beat)).toBe(true);
    expect(JSON.stringify(beats)).not.toContain(PASSWORD);
  });
});
