export { startEmbeddedPg, type EmbeddedPg, type EmbeddedPgOptions } from './embedded-postgres';
export { findFreePort } from './free-port';
