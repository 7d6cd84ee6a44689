export type { TokenCounters, TokenProvider, TokenTarget } from './types';
export { TokenError, TOKEN_FAILURE_CAUSES, type TokenFailureCause } from './errors';
export { regionFromRdsHost, resolveSigningRegion } from './region';
export { redactError, redactSecrets } from './redact';
export {
  assumeRoleProvider,
  defaultCredentialProvider,
  DEFAULT_ASSUME_ROLE_DURATION_SECONDS,
  DEFAULT_CREDENTIAL_REFRESH_AHEAD_SECONDS,
  DEFAULT_ROLE_SESSION_NAME,
  type AssumeRoleSettings,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  type CredentialSource,
} from './credentials';
export {
  createIamTokenProvider,
  MIN_CACHE_MARGIN_SECONDS,
  TOKEN_LIFETIME_SECONDS,
  tokenCacheKey,
  type IamTokenProviderOptions,
} from './provider';
export { createFixedTokenProvider } from './fixed';
