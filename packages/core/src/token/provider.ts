import { Signer } from '@aws-sdk/rds-signer';
import {
  assumeRoleProvider,
  defaultCredentialProvider,
  DEFAULT_ROLE_SESSION_NAME,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  type CredentialSource,
} from './credentials';
import { describeError, TokenError, zeroFailureCounts, type TokenFailureCause } from './errors';
import { resolveSigningRegion } from './region';
import type { TokenCounters, TokenProvider, TokenTarget } from './types';

/** RDS accepts a token for 15 minutes (the Signer presigns with X-Amz-Expires=900). */
export const TOKEN_LIFETIME_SECONDS = 900;
/**
 * Kong's margin: a token is dropped from the cache this long before it (or the
 * credentials that signed it) expire. It fixed intermittent "PAM authentication
 * failed" errors around instance-credential refreshes; it may not be lowered.
 */
export const MIN_CACHE_MARGIN_SECONDS = 15;

export interface IamTokenProviderOptions {
  /** Base credentials; default: the AWS SDK default chain. Also the source for AssumeRole. */
  readonly credentials?: CredentialSource;
  /** Seconds a cached token is dropped before expiry; at least (and by default) 15. */
  readonly cacheMarginSeconds?: number;
  /** AssumeRole DurationSeconds (default 3600). */
  readonly assumeRoleDurationSeconds?: number;
  /** Epoch milliseconds; the cache and credential expiry use it. Signing itself uses the system clock. */
  readonly now?: () => number;
}

interface CacheEntry {
  readonly token: string;
  readonly expiresAtMs: number;
}

/**
 * Signs RDS IAM tokens the way Kong does: region from the hostname, credentials
 * from the default chain or an assumed role, one token per (host, port, user,
 * database, role ARN, session name, STS URL) cached for
 * min(900 s, credential lifetime left) − margin.
 */
export function createIamTokenProvider(options: IamTokenProviderOptions = {}): TokenProvider {
  const now = options.now ?? Date.now;
  const marginSeconds = options.cacheMarginSeconds ?? MIN_CACHE_MARGIN_SECONDS;
  if (!(marginSeconds >= MIN_CACHE_MARGIN_SECONDS) || marginSeconds >= TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(
      `cacheMarginSeconds must be between ${MIN_CACHE_MARGIN_SECONDS} and ${TOKEN_LIFETIME_SECONDS - 1}`,
    );
  }
  let baseCredentials: CredentialSource | undefined = options.credentials;
  const roleProviders = new Map<string, AwsCredentialIdentityProvider>();
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<string>>();
  const counts = { signed: 0, cacheHits: 0, failures: zeroFailureCounts() };

  const base = (): CredentialSource => (baseCredentials ??= defaultCredentialProvider());

  async function resolveCredentials(target: TokenTarget, region: string): Promise<AwsCredentialIdentity> {
    if (!target.assumeRoleArn) {
      const source = base();
      try {
        return typeof source === 'function' ? await source() : source;
      } catch (error) {
        throw new TokenError(
          'credentials',
          `could not load AWS credentials from the default chain (environment, AWS_PROFILE files, web identity, ECS, EC2): ${describeError(error)}`,
          { cause: error },
        );
      }
    }
    const sessionName = target.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME;
    const key = JSON.stringify([target.assumeRoleArn, sessionName, target.stsEndpointUrl ?? '', region]);
    let provider = roleProviders.get(key);
    if (!provider) {
      provider = assumeRoleProvider(
        {
          roleArn: target.assumeRoleArn,
          sessionName,
          stsRegion: region,
          ...(target.stsEndpointUrl ? { stsEndpointUrl: target.stsEndpointUrl } : {}),
          ...(options.assumeRoleDurationSeconds ? { durationSeconds: options.assumeRoleDurationSeconds } : {}),
        },
        base(),
        now,
      );
      roleProviders.set(key, provider);
    }
    try {
      return await provider();
    } catch (error) {
      throw new TokenError(
        'assume_role',
        `STS AssumeRole of ${target.assumeRoleArn} (session ${sessionName}${target.stsEndpointUrl ? `, endpoint ${target.stsEndpointUrl}` : ''}) failed: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  async function sign(target: TokenTarget, key: string): Promise<string> {
    const region = resolveSigningRegion(target.host, target.region);
    const credentials = await resolveCredentials(target, region);
    let token: string;
    try {
      // Static credentials: the Signer then neither reloads nor force-refreshes them,
      // and the expiry that caps the cache is the one the token was signed with.
      token = await new Signer({
        hostname: target.host,
        port: target.port,
        username: target.user,
        region,
        credentials,
      }).getAuthToken();
    } catch (error) {
      throw new TokenError(
        'signing',
        `could not sign an IAM token for ${target.user}@${target.host}:${target.port}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
    counts.signed += 1;
    const nowMs = now();
    const credentialsLeftSeconds = credentials.expiration
      ? (credentials.expiration.getTime() - nowMs) / 1000
      : Infinity;
    const ttlSeconds = Math.min(TOKEN_LIFETIME_SECONDS, credentialsLeftSeconds) - marginSeconds;
    if (ttlSeconds > 0) cache.set(key, { token, expiresAtMs: nowMs + ttlSeconds * 1000 });
    return token;
  }

  function prune(nowMs: number): void {
    for (const [key, entry] of cache) if (entry.expiresAtMs <= nowMs) cache.delete(key);
  }

  return {
    get counters(): TokenCounters {
      return { signed: counts.signed, cacheHits: counts.cacheHits, failures: { ...counts.failures } };
    },
    getToken(target: TokenTarget): Promise<string> {
      const key = tokenCacheKey(target);
      const nowMs = now();
      const hit = cache.get(key);
      if (hit && hit.expiresAtMs > nowMs) {
        counts.cacheHits += 1;
        return Promise.resolve(hit.token);
      }
      prune(nowMs);
      const pending = inFlight.get(key);
      if (pending) {
        counts.cacheHits += 1;
        return pending;
      }
      const signing = sign(target, key)
        .catch((error: unknown) => {
          const cause: TokenFailureCause = error instanceof TokenError ? error.failureCause : 'signing';
          counts.failures[cause] += 1;
          throw error instanceof TokenError ? error : new TokenError('signing', describeError(error), { cause: error });
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, signing);
      return signing;
    },
  };
}

/** Kong's cache key, plus an explicit region override (Kong has none). */
export function tokenCacheKey(target: TokenTarget): string {
  return JSON.stringify([
    target.host.toLowerCase(),
    target.port,
    target.user,
    target.database ?? '',
    target.assumeRoleArn ?? '',
    target.assumeRoleArn ? (target.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME) : '',
    target.stsEndpointUrl ?? '',
    target.region ?? '',
  ]);
}
