// The public surface of @iamroll/core. Subpaths (`@iamroll/core/config`,
// `@iamroll/core/token`, `@iamroll/core/pool`, `@iamroll/core/rates`, `@iamroll/core/rollout`) let callers
// import one module without loading the AWS SDK or pg.
export * from './config';
export * as rates from './rates';
export * as token from './token';
export * as pool from './pool';
export * as rollout from './rollout';
