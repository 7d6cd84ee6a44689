import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '@iamroll/api/config';
import { SandboxNotFound, startServer, type RunningServer, type SandboxControls } from '@iamroll/api';
import type { DatabaseList, LoginResponse, SandboxView } from '@iamroll/contracts';
import type { EmbeddedPg } from '@iamroll/embedded-pg';
import type { RdsSim } from '@iamroll/rds-sim';
import { CliError, type CliIo } from '../io';
import { SandboxFleet } from './sandbox-nodes';
import { rdsIamMembers, setRdsIamMembership } from './rds-iam';
import { installIamTrustRule } from './trust-rule';
import { loadOrCreateState, pgDataDir, saveState, type SandboxState } from './sandbox-state';

export const DEFAULT_NODES = 24;
export const DEFAULT_STATE_DIR = '.data/sandbox';
const REGION = 'us-east-1';
const BUDGET = 200;
/** The IAM database user every sandbox node's kong.conf moves to (core's planner: `<user>_iam`). */
const IAM_USERS = ['kong_iam'] as const;

export interface SandboxFlags {
  readonly host?: string;
  readonly port?: number;
  readonly nodes?: number;
  readonly stateDir?: string;
}

const INSTANCES = [
  { role: 'primary', identifier: 'sandbox-primary' },
  { role: 'replica', identifier: 'sandbox-replica' },
] as const;

/** `iamroll start`: the whole product on one machine, with simulated RDS instances and Kong nodes. */
export async function runSandbox(
  io: CliIo,
  flags: SandboxFlags,
  loadConfig: (env: CliIo['env']) => Config,
  untilStopped: () => Promise<string>,
): Promise<void> {
  const startedAt = Date.now();
  // Every configuration problem first, before anything starts or is written.
  const loaded = loadConfig(io.env);
  const stateDir = resolve(io.cwd, flags.stateDir ?? io.env.IAMROLL_SANDBOX_DIR ?? DEFAULT_STATE_DIR);
  await mkdir(stateDir, { recursive: true, mode: 0o755 });
  const { state, isNew } = await loadOrCreateState(stateDir, io.env.IAMROLL_ADMIN_PASSWORD || undefined);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      const at = Date.now();
      await stop().catch(() => undefined);
      if (io.env.IAMROLL_SANDBOX_DEBUG) io.stderr(`stopped ${stop.name || 'part'} in ${Date.now() - at} ms\n`);
    }
    stops.length = 0;
  };
  const [{ startEmbeddedPg }, { startRdsSim }] = await Promise.all([
    import('@iamroll/embedded-pg'),
    import('@iamroll/rds-sim'),
  ]);
  let server: RunningServer;
  let fleet: SandboxFleet;
  let sims: RdsSim[];
  let pgDir: string;
  try {
    pgDir = await pgDataDir(stateDir);
    io.stdout(`${isNew ? 'Creating' : 'Starting'} the sandbox in ${stateDir} …\n`);
    const pg: EmbeddedPg = await startEmbeddedPg({ dataDir: pgDir, isPersistent: true, isDurable: true });
    stops.push(() => pg.stop());
    await pg.ensureDatabase('iamroll');
    await installIamTrustRule(pg);
    const upstream = { host: pg.host, port: pg.port, user: pg.user, password: pg.password };
    sims = [];
    for (const { role, identifier } of INSTANCES) {
      const sim = await startRdsSim({
        upstream,
        port: state.ports[role],
        endpointHost: `${identifier}.abcdefghijkl.${REGION}.rds.amazonaws.com`,
        region: REGION,
        authRatePerSecond: BUDGET,
        credentials: [state.credential],
        iamUsers: [...IAM_USERS],
        passwordUsers: [{ user: 'kong', password: state.kongPassword }],
        caFile: join(stateDir, `${identifier}-ca.pem`),
        sessionMode: 'answer',
      }).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        if (/EADDRINUSE/.test(reason))
          throw new Error(
            `the ${role} simulator's port ${state.ports[role]} (kept in ${join(stateDir, 'sandbox.json')} so nodes keep their kong.conf) is taken: free it, or reset the sandbox (delete ${stateDir}).`,
          );
        throw error;
      });
      sims.push(sim);
      stops.push(() => sim.close());
    }
    const [primary, replica] = sims as [RdsSim, RdsSim];

    const config: Config = {
      ...loaded,
      databaseUrl: pg.connectionString('iamroll'),
      dataDir: stateDir,
      adminPassword: state.adminPassword,
      enrollmentToken: state.enrollmentToken,
      logFile: loaded.logFile ?? join(stateDir, 'api.log'),
      ...(flags.host ? { host: flags.host } : {}),
      ...(flags.port === undefined ? {} : { port: flags.port }),
      cloudWatch: { ...loaded.cloudWatch, simulatorMetricsUrls: sims.map((sim) => sim.metricsUrl) },
      // Preflight (issue 12): DescribeDBInstances goes to the simulator (any instance's endpoint answers for all).
      rds: {
        isChecking: true,
        checkIntervalSeconds: 60,
        assumeRoleArn: undefined,
        endpointUrl: primary.rdsApiUrl,
        credentials: state.credential,
      },
    };
    // Each simulator grants rds_iam at start (as RDS would have it set up): that is the state now.
    const iamUsers = await rdsIamMembers(primary.upstream, IAM_USERS);
    const controls = sandboxControls(stateDir, sims, () => fleet, state, iamUsers);
    server = await startServer({
      config,
      stdout: () => undefined,
      isHandlingSignals: false,
      sandbox: controls,
    }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      if (/EADDRINUSE/.test(reason))
        throw new Error(`port ${config.port} on ${config.host} is taken: stop what uses it, or pass --port.`);
      throw error;
    });
    stops.push(() => server.close());
    const baseUrl = server.url.replace(/\/+$/, '');
    const hasRegistered = await registerDatabases(baseUrl, state, sims);

    fleet = new SandboxFleet({
      controllerUrl: baseUrl,
      enrollmentToken: state.enrollmentToken,
      dir: join(stateDir, 'nodes'),
      primary: {
        host: primary.endpointHost,
        port: primary.endpointPort,
        connectHost: primary.host,
        caPem: primary.caPem,
      },
      replica: {
        host: replica.endpointHost,
        port: replica.endpointPort,
        connectHost: replica.host,
        caPem: replica.caPem,
      },
      caFile: [primary.caFile, replica.caFile].join(','),
      password: state.kongPassword,
      credentials: state.credential,
      log: () => undefined,
    });
    stops.push(() => fleet.stop());
    const count = flags.nodes ?? Math.max(DEFAULT_NODES, state.nodeCount);
    await fleet.grow(count);
    state.nodeCount = Math.max(state.nodeCount, count);
    state.isSetUp ||= hasRegistered;
    await saveState(stateDir, state);

    io.stdout(banner({ url: server.url, state, stateDir, pgDir, sims, nodes: count, logFile: config.logFile, isNew }));
    io.stdout(`  Ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s. Stop with Ctrl+C.\n\n`);
  } catch (error) {
    await stopAll();
    throw new CliError(`the sandbox did not start: ${error instanceof Error ? error.message : String(error)}`);
  }

  const signal = await Promise.race([untilStopped(), server.closed.then(() => 'the controller stopped')]);
  io.stdout(`\n${signal}: stopping the sandbox (agents, nodes, simulators, controller, PostgreSQL)…\n`);
  await stopAll();
  io.stdout('Stopped. Start again with `npm start`: the same fleet, databases and admin password.\n');
}

function sandboxControls(
  stateDir: string,
  sims: readonly RdsSim[],
  fleetOf: () => SandboxFleet | undefined,
  state: SandboxState,
  iamUsers: Map<string, boolean>,
): SandboxControls {
  const instance = (identifier: string) => {
    const index = INSTANCES.findIndex((item) => item.identifier === identifier);
    const sim = sims[index];
    if (!sim) throw new SandboxNotFound(`sandbox instance ${identifier}`);
    return sim;
  };
  const member = (name: string) => {
    const found = fleetOf()?.find(name);
    if (!found) throw new SandboxNotFound(`sandbox node ${name}`);
    return found;
  };
  return {
    view(): SandboxView {
      return {
        stateDir,
        instances: sims.map((sim, index) => {
          const last = sim.counters().perSecond.at(-2);
          return {
            identifier: INSTANCES[index]!.identifier,
            role: INSTANCES[index]!.role,
            endpointHost: sim.endpointHost,
            endpointPort: sim.endpointPort,
            throttleBudgetPerSecond: sim.authRatePerSecond,
            iamLoginsLastSecond: last?.IamDbAuthConnectionRequests ?? 0,
            throttledLastSecond: last?.IamDbAuthConnectionFailureThrottling ?? 0,
          };
        }),
        nodes: fleetOf()?.view() ?? [],
        iamUsers: [...iamUsers].map(([user, hasRdsIam]) => ({
          user,
          hasRdsIam,
          // Data planes never connect to PostgreSQL.
          nodeCount: (fleetOf()?.view() ?? []).filter((node) => node.role !== 'data_plane').length,
        })),
      };
    },
    async setRdsIam(user, hasRdsIam) {
      if (!iamUsers.has(user)) throw new SandboxNotFound(`sandbox IAM user ${user}`);
      // Both instances relay to one PostgreSQL cluster: a role change reaches both.
      await setRdsIamMembership(sims[0]!.upstream, user, hasRdsIam);
      iamUsers.set(user, hasRdsIam);
    },
    setThrottleBudget(identifier, perSecond) {
      instance(identifier).setAuthRatePerSecond(perSecond);
    },
    async breakNode(name, fault) {
      await fleetOf()!.break(member(name), fault);
    },
    async repairNode(name) {
      await fleetOf()!.repair(member(name));
    },
    async addNodes(count) {
      const fleet = fleetOf();
      if (!fleet) return;
      await fleet.grow(fleet.members.length + count);
      state.nodeCount = Math.max(state.nodeCount, fleet.members.length);
      await saveState(stateDir, state);
    },
  };
}

/** Registers the two simulated instances as databases (budget 200/s), through the API like an operator. */
async function registerDatabases(baseUrl: string, state: SandboxState, sims: readonly RdsSim[]): Promise<boolean> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: state.adminPassword }),
  });
  // The admin changed the sandbox's password: they manage the databases themselves now.
  if (!login.ok) return false;
  const { csrfToken } = (await login.json()) as LoginResponse;
  const cookie = (login.headers.getSetCookie?.() ?? []).map((line) => line.split(';')[0]).join('; ');
  const headers = { cookie, 'content-type': 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) };
  const list = (await (await fetch(`${baseUrl}/api/v1/databases?limit=500`, { headers })).json()) as DatabaseList;
  for (const [index, sim] of sims.entries()) {
    if (list.items.some((db) => db.host === sim.endpointHost && db.port === sim.endpointPort)) continue;
    const response = await fetch(`${baseUrl}/api/v1/databases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        identifier: INSTANCES[index]!.identifier,
        host: sim.endpointHost,
        port: sim.endpointPort,
        region: sim.region,
        budgetPerSecond: BUDGET,
        warningThreshold: 0.8,
        reason: 'sandbox: the simulated RDS instance',
      }),
    });
    if (!response.ok && response.status !== 409)
      throw new Error(
        `registering ${INSTANCES[index]!.identifier} failed: ${response.status} ${await response.text()}`,
      );
  }
  await fetch(`${baseUrl}/api/v1/auth/logout`, { method: 'POST', headers }).catch(() => undefined);
  return true;
}

interface BannerInput {
  readonly url: string;
  readonly state: SandboxState;
  readonly stateDir: string;
  readonly pgDir: string;
  readonly sims: readonly RdsSim[];
  readonly nodes: number;
  readonly logFile: string | undefined;
  readonly isNew: boolean;
}

function banner({ url, state, stateDir, pgDir, sims, nodes, logFile, isNew }: BannerInput): string {
  const lines = [
    '',
    'iamroll sandbox is running: a controller, two simulated RDS instances and a simulated Kong fleet. No AWS needed.',
    '',
    `  Dashboard:  ${url}`,
    `  Sign in:    username admin   password ${state.adminPassword}`,
    isNew
      ? '              (generated for this sandbox; kept in sandbox.json so a restart uses the same one)'
      : '              (the sandbox password from its first start; if you changed it, use yours)',
    '',
    '  Databases (simulated RDS PostgreSQL with IAM auth, each throttling at 200 IAM logins/s):',
    ...sims.map((sim) => `    ${sim.endpointHost}:${sim.endpointPort}  → 127.0.0.1:${sim.port}`),
    `  Kong nodes: ${nodes} (traditional, control plane, data plane), each with its own kong.conf and agent.`,
    '',
    `  State:      ${stateDir}${pgDir.startsWith(stateDir) ? '' : `  (PostgreSQL data: ${pgDir})`}`,
    `              reset: stop, then delete it${pgDir.startsWith(stateDir) ? '' : ' and the PostgreSQL data'}`,
    ...(logFile ? [`  Logs:       ${logFile}`] : []),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
