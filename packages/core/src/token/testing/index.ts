// Test helpers (not part of the public API): a loopback STS for assume-role tests.
export { startStsStub, type StsCall, type StsStub, type StsStubOptions } from './sts-stub';
