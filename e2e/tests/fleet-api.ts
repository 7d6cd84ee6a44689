// Drives the controller's API from outside, the way agents and scripts do:
// admin session (cookie + CSRF), enrollment, heartbeats. No product code imported.
import type {
  AlarmList,
  CreatedEnrollmentToken,
  DatabaseView,
  EnrollResponse,
  HeartbeatBody,
  LoginResponse,
  UserView,
} from '@iamroll/contracts';
import { request, type APIRequestContext } from '@playwright/test';

export const BASE_URL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:28080';
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? '';
const ENROLLMENT_TOKEN = process.env.E2E_ENROLLMENT_TOKEN ?? '';

export interface AdminApi {
  readonly context: APIRequestContext;
  post<T>(path: string, body: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  dispose(): Promise<void>;
}

/** Signs in as `username` (default the first admin) in a request context of its own. */
export async function signIn(username = 'admin', password = ADMIN_PASSWORD): Promise<AdminApi> {
  const context = await request.newContext({ baseURL: BASE_URL });
  const login = await context.post('/api/v1/auth/login', { data: { username, password } });
  if (!login.ok()) throw new Error(`login as ${username} failed: ${login.status()} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as LoginResponse;
  const headers = csrfToken ? { 'x-csrf-token': csrfToken } : undefined;
  return {
    context,
    async post<T>(path: string, body: unknown) {
      const response = await context.post(path, { data: body, ...(headers ? { headers } : {}) });
      if (!response.ok()) throw new Error(`POST ${path}: ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async get<T>(path: string) {
      const response = await context.get(path);
      if (!response.ok()) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
      return (await response.json()) as T;
    },
    dispose: () => context.dispose(),
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

export async function createUser(admin: AdminApi, role: 'viewer' | 'operator', password: string): Promise<UserView> {
  return admin.post<UserView>('/api/v1/users', { username: uniqueName(role), password, role });
}

export async function createDatabase(
  admin: AdminApi,
  options: { identifier: string; host: string; port?: number; budgetPerSecond?: number },
): Promise<DatabaseView> {
  return admin.post<DatabaseView>('/api/v1/databases', {
    identifier: options.identifier,
    host: options.host,
    port: options.port ?? 5432,
    region: 'us-east-1',
    budgetPerSecond: options.budgetPerSecond ?? 200,
    warningThreshold: 0.8,
  });
}

export interface EnrolledNode {
  readonly nodeId: string;
  readonly credential: string;
  readonly hostname: string;
}

/** Enrolls nodes with an enrollment token made for them (or the bootstrap one). */
export async function enrollNodes(
  api: APIRequestContext,
  hostnames: readonly string[],
  token = ENROLLMENT_TOKEN,
  role: 'traditional' | 'control_plane' | 'data_plane' = 'traditional',
): Promise<EnrolledNode[]> {
  const enrolled: EnrolledNode[] = [];
  for (const hostname of hostnames) {
    const response = await api.post('/api/v1/agents/enroll', {
      headers: { authorization: `Bearer ${token}` },
      data: { hostname, kongVersion: '3.9.1', role, agentVersion: '0.1.0' },
    });
    if (response.status() !== 201) throw new Error(`enroll ${hostname}: ${response.status()} ${await response.text()}`);
    const body = (await response.json()) as EnrollResponse;
    enrolled.push({ nodeId: body.nodeId, credential: body.credential, hostname });
  }
  return enrolled;
}

export async function createEnrollmentToken(admin: AdminApi, uses: number): Promise<string> {
  const created = await admin.post<CreatedEnrollmentToken>('/api/v1/enrollment-tokens', {
    name: uniqueName('e2e'),
    uses,
  });
  return created.token;
}

export interface BeatOptions {
  readonly seq: number;
  readonly host?: string;
  readonly attempts?: number;
  readonly iam?: boolean;
  readonly intervalMs?: number;
  readonly findings?: HeartbeatBody['findings'];
  readonly status?: HeartbeatBody['status'];
}

export function heartbeatBody(options: BeatOptions): HeartbeatBody {
  const attempts = options.attempts ?? 0;
  return {
    bootId: 'e2e-boot-0001',
    seq: options.seq,
    sentAt: new Date().toISOString(),
    intervalMs: options.intervalMs ?? 10_000,
    agentVersion: '0.1.0',
    kongVersion: '3.9.1',
    role: 'traditional',
    status: options.status ?? 'ok',
    counters: {
      rw: {
        attempts,
        established: attempts,
        authFailures: { invalidToken: 0, notAuthorized: 0, throttled: 0, other: 0 },
      },
      ro: null,
    },
    config: {
      hash: 'e'.repeat(64),
      workers: 4,
      poolSize: 30,
      stage: options.iam ? 'rw_iam' : 'password',
      rw: {
        host: options.host ?? 'kong-db.e2e.us-east-1.rds.amazonaws.com',
        port: 5432,
        database: 'kong',
        user: 'kong',
        iam: options.iam ?? false,
        ssl: true,
        sslVerify: true,
        region: 'us-east-1',
      },
      ro: null,
    },
    findings: options.findings ?? [],
  };
}

export async function sendHeartbeat(api: APIRequestContext, node: EnrolledNode, options: BeatOptions): Promise<void> {
  const response = await api.post(`/api/v1/nodes/${node.nodeId}/heartbeat`, {
    headers: { authorization: `Bearer ${node.credential}` },
    data: heartbeatBody(options),
  });
  if (!response.ok()) throw new Error(`heartbeat ${node.hostname}: ${response.status()} ${await response.text()}`);
}

export async function openAlarms(admin: AdminApi): Promise<AlarmList> {
  return admin.get<AlarmList>('/api/v1/alarms?state=open&limit=500');
}
