import type { Pool } from 'undici';
import { postJson } from './http';
import { SimulatedAgent, type DatabaseTarget, type Enrolled } from './simulated-agent';

/** Enrollments in flight at once: a rolling batch, so setup stays short without being a load test of its own. */
const ENROLL_CONCURRENCY = 32;

/** Two RDS instances the fleet's configs point at (registered in the API when it can). */
export const BENCH_DATABASES: readonly (DatabaseTarget & { readonly identifier: string })[] = [
  {
    identifier: 'kong-orders',
    host: 'kong-orders.cluster-c1bench.us-east-1.rds.amazonaws.com',
    readerHost: 'kong-orders.cluster-ro-c1bench.us-east-1.rds.amazonaws.com',
    port: 5432,
    region: 'us-east-1',
  },
  {
    identifier: 'kong-payments',
    host: 'kong-payments.cluster-c1bench.eu-west-1.rds.amazonaws.com',
    readerHost: 'kong-payments.cluster-ro-c1bench.eu-west-1.rds.amazonaws.com',
    port: 5432,
    region: 'eu-west-1',
  },
];

/** A growing fleet: `grow(n)` creates and enrolls agents until there are n (find-max reuses earlier ones). */
export class Fleet {
  readonly agents: SimulatedAgent[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly enrollmentToken: string,
  ) {}

  async grow(size: number): Promise<void> {
    const start = this.agents.length;
    for (let i = start; i < size; i += 1)
      this.agents.push(new SimulatedAgent(i, BENCH_DATABASES[i % BENCH_DATABASES.length] as DatabaseTarget));
    let next = start;
    const worker = async () => {
      while (next < size) {
        const agent = this.agents[next] as SimulatedAgent;
        next += 1;
        const { body } = await postJson<Enrolled>(this.pool, '/api/v1/agents/enroll', agent.enrollBody(), {
          authorization: `Bearer ${this.enrollmentToken}`,
        });
        agent.enrolled(body);
      }
    };
    await Promise.all(Array.from({ length: ENROLL_CONCURRENCY }, () => worker()));
  }
}

interface LoginResponse {
  readonly csrfToken: string | null;
}

/**
 * Signs in as the first admin and registers the bench databases. Returns how
 * many were registered: 0 when the API has no databases endpoint yet (the
 * configs then point at the same hosts, unregistered).
 */
export async function registerDatabases(pool: Pool, adminPassword: string): Promise<number> {
  const login = await postJson<LoginResponse>(pool, '/api/v1/auth/login', {
    username: 'admin',
    password: adminPassword,
  });
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => c.includes('='))
    .join('; ');
  const headers = { cookie, 'x-csrf-token': login.body.csrfToken ?? '' };
  let registered = 0;
  for (const { identifier, host, port, region } of BENCH_DATABASES) {
    try {
      await postJson(pool, '/api/v1/databases', { identifier, host, port, region }, headers);
      registered += 1;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return registered;
      throw error;
    }
  }
  return registered;
}
