import { Signer } from '@aws-sdk/rds-signer';
import pg from 'pg';
import type { RdsSim } from '../rds-sim';
import type { SimCredential } from '../sigv4/verify-rds-token';

export interface TokenOverrides {
  readonly hostname?: string;
  readonly port?: number;
  readonly username?: string;
  readonly region?: string;
  readonly credentials?: SimCredential;
}

/** A real token, made the way Kong's and the product's clients make it. */
export function signToken(sim: RdsSim, overrides: TokenOverrides = {}): Promise<string> {
  return new Signer({
    hostname: overrides.hostname ?? sim.endpointHost,
    port: overrides.port ?? sim.endpointPort,
    username: overrides.username ?? sim.iamUser,
    region: overrides.region ?? sim.region,
    credentials: overrides.credentials ?? sim.credentials[0]!,
  }).getAuthToken();
}

/** node-postgres connecting to the loopback address while verifying the endpoint's certificate. */
export function clientConfig(
  sim: RdsSim,
  login: { user?: string; password: string; database?: string },
): pg.ClientConfig {
  return {
    host: sim.host,
    port: sim.port,
    user: login.user ?? sim.iamUser,
    database: login.database ?? sim.database,
    password: login.password,
    ssl: { ca: sim.caPem, servername: sim.endpointHost },
  };
}

export async function connectIam(sim: RdsSim, overrides: TokenOverrides & { user?: string } = {}): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(sim, { user: overrides.user, password: await signToken(sim, overrides) }));
  await client.connect();
  return client;
}

export type LoginError = Error & { code?: string; detail?: string; severity?: string };

/** The error a login ends with; fails the test if the login succeeds. */
export async function loginError(config: pg.ClientConfig): Promise<LoginError> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  const outcome = await client.connect().then(
    () => undefined,
    (error: unknown) => error as LoginError,
  );
  if (outcome) return outcome;
  await client.end();
  throw new Error(`login as ${config.user ?? '?'} unexpectedly succeeded`);
}
