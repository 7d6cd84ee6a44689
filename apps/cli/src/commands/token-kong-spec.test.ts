import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

// Kong's own spec (iam_token_handler): its test host, keys test_id / test_key, and
// ngx.time() = 1667543171 (2022-11-04T06:26:11Z) give this signature. No --region: the
// region comes from the host exactly as Kong takes it.
const KONG_SPEC_SIGNATURE = 'ff72d46f1937c1f5917f69d694929ca814b781619b8d730451c7ffef050059b0';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2022-11-04T06:26:11Z'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test_id');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test_key');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe("iamroll token against Kong's token spec", () => {
  it("signs Kong's test host for us-east-1 without --region, with Kong's signature", async () => {
    const io = captureIo();
    const args = ['token', '--host', 'test_database.test_cluster.us-east-1.rds.amazonaws.com', '--port', '443'];
    const code = await main([...args, '--user', 'test_user'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const query = new URLSearchParams(io.out().trim().split('?')[1]);
    expect(query.get('X-Amz-Credential')).toBe('test_id/20221104/us-east-1/rds-db/aws4_request');
    expect(query.get('X-Amz-Signature')).toBe(KONG_SPEC_SIGNATURE);
  });
});
