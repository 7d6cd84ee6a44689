import { effectiveConfig, loadKongConf, type ConnectionSettings, type LoadInput } from '@iamroll/core/config';
import { createIamPool, type BudgetGate } from '@iamroll/core/pool';
import type { TokenProvider } from '@iamroll/core/token';

export interface ProbeLoginOptions {
  readonly tokenProvider: TokenProvider;
  /** CA bundle (PEM) to verify the database; default: Node's system store. */
  readonly caPem?: string;
  /** Per endpoint host: an address to dial instead (a tunnel; the simulator on loopback) and its CA. */
  readonly endpointFor?: (host: string) => { readonly connectHost?: string; readonly caPem?: string } | undefined;
  /** Shared with nothing else by default: a probe is one login per IAM connection. */
  readonly gate?: BudgetGate | null;
  readonly timeoutMs?: number;
}

/**
 * After a restart: one login per IAM connection of the new configuration, through the core
 * pool (verified TLS, a token signed as Kong signs it, the same host, port, user, database,
 * role ARN and session name Kong will use), then `SELECT 1`. Password connections are left
 * to the health command: their password stays on the node.
 */
export function createProbeLogin(options: ProbeLoginOptions): (input: LoadInput) => Promise<void> {
  return async (input) => {
    const effective = effectiveConfig(loadKongConf(input));
    const targets: Array<[string, ConnectionSettings]> = [['read-write', effective.rw]];
    if (effective.ro) targets.push(['read-only', effective.ro]);
    for (const [label, settings] of targets) {
      if (!settings.iam || !settings.iamApplicable) continue;
      const host = settings.host ?? '';
      const endpoint = options.endpointFor?.(host);
      const connectHost = endpoint?.connectHost;
      const caPem = endpoint?.caPem ?? options.caPem;
      const pool = createIamPool({
        host,
        ...(connectHost ? { connectHost } : {}),
        port: settings.port ?? 5432,
        user: settings.user ?? 'kong',
        database: settings.database ?? 'kong',
        tokenProvider: options.tokenProvider,
        iam: {
          ...(settings.region ? { region: settings.region } : {}),
          ...(settings.assumeRoleArn ? { assumeRoleArn: settings.assumeRoleArn } : {}),
          ...(settings.roleSessionName ? { roleSessionName: settings.roleSessionName } : {}),
          ...(settings.stsEndpointUrl ? { stsEndpointUrl: settings.stsEndpointUrl } : {}),
        },
        tls: caPem ? { ca: caPem } : {},
        gate: options.gate ?? null,
        retry: { maxRetries: 2 },
        connectTimeoutMs: options.timeoutMs ?? 10_000,
        pg: { max: 1, application_name: 'iamroll-agent-probe' },
      });
      pool.on('error', () => undefined);
      try {
        await pool.query('SELECT 1');
      } catch (error) {
        throw new Error(
          `probe login on the ${label} connection as ${settings.user ?? '?'}@${host} failed: ${(error as Error).message}`,
        );
      } finally {
        await pool.end().catch(() => undefined);
      }
    }
  };
}
