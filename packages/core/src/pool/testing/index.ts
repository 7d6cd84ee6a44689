// Test helpers (not part of the public API): throwaway certificates and a scripted TLS PostgreSQL front.
export { makeTestCertificate, type TestCertificate } from './certificates';
export {
  startScriptedPgServer,
  type Login,
  type LoginReply,
  type ScriptedServer,
  type ScriptedServerOptions,
} from './scripted-pg-server';
