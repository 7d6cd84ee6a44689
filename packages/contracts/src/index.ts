// The request/response contracts shared by api, agent and web. TypeBox
// schemas are plain JSON Schema: Fastify validates with them, the OpenAPI
// document is built from them, and `Static<>` gives the TypeScript types.
// No Node-only imports here: the web app bundles this package.
export * from './common';
export * from './health';
export * from './auth';
export * from './users';
export * from './api-tokens';
export * from './enrollment';
export * from './audit';
export * from './events';
export * from './heartbeat';
export * from './rates';
export * from './databases';
export * from './nodes';
export * from './alarms';
export * from './metrics-sources';
export * from './rollouts';
export * from './sandbox';
export * from './preflight';
