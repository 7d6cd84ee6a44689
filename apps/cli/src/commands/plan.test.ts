import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

const dir = mkdtempSync(join(tmpdir(), 'iamroll-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const NODE = [
  '# Kong node',
  'pg_host = kong.abc123xyz.us-east-1.rds.amazonaws.com',
  'pg_user = kong   # password user',
  'pg_password = hunter2',
  'pg_ro_host = kong-ro.abc123xyz.us-east-1.rds.amazonaws.com',
  '',
].join('\n');
const NODE_FILE = file('kong.conf', NODE);
const SINGLE_FILE = file('single.conf', 'pg_host = kong.abc123xyz.us-east-1.rds.amazonaws.com\n');

describe('iamroll plan', () => {
  it('prints the new kong.conf with comments kept (--format conf)', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['plan', NODE_FILE, '--to', 'rw_iam', '--format', 'conf'], io)).toBe(0);
    expect(io.out()).toBe(
      NODE.replace('pg_user = kong   #', 'pg_user = kong_iam   #') + 'pg_iam_auth = on\npg_ro_iam_auth = on\n',
    );
  });

  it('prints KONG_ lines (--format env)', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['plan', NODE_FILE, '--to', 'ro_iam', '--format', 'env', '--iam-user', 'gw_iam'], io)).toBe(0);
    expect(io.out()).toBe('KONG_PG_RO_USER=gw_iam\nKONG_PG_RO_IAM_AUTH=on\n');
  });

  it('prints a diff by default, with the password masked', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['plan', NODE_FILE, '--to', 'ro_iam'], io)).toBe(0);
    expect(io.out()).toContain('--- a/kong.conf\n+++ b/kong.conf\n');
    expect(io.out()).toContain('+pg_ro_iam_auth = on');
    expect(io.out() + io.err()).not.toContain('hunter2');
  });

  it('explains the edits, the rollback and the notes on stderr', async () => {
    const io = captureIo({ cwd: dir });
    await main(['plan', NODE_FILE, '--to', 'rw_iam'], io);
    expect(io.err()).toContain('plan: password -> rw_iam');
    expect(io.err()).toContain('rollback (apply these to undo):\n  remove pg_ro_iam_auth');
    expect(io.err()).toContain('  pg_user = kong\n');
  });

  it('exits 1 and prints blockers on stderr when Kong would refuse the result', async () => {
    const io = captureIo({ cwd: dir });
    const blocked = file('blocked.conf', 'pg_host = 10.0.0.5\npg_ssl_cert = /x.crt\n');
    expect(await main(['plan', blocked, '--to', 'rw_iam'], io)).toBe(1);
    expect(io.err()).toContain('blocked: fix these 2 problems before applying:');
    expect(io.err()).toContain('iam-mtls-conflict');
  });

  it('exits 1 with a clear message when ro_iam has no read-only connection', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['plan', SINGLE_FILE, '--to', 'ro_iam'], io)).toBe(1);
    expect(io.err()).toMatch(/^iamroll: Stage ro_iam .*pg_ro_host is not set/);
  });

  it('exits 1 when KONG_* overrides the kong.conf edit, and 0 with --format env', async () => {
    expect(
      await main(['plan', SINGLE_FILE, '--to', 'rw_iam'], captureIo({ cwd: dir, env: { KONG_PG_USER: 'kong' } })),
    ).toBe(1);
    expect(
      await main(
        ['plan', SINGLE_FILE, '--to', 'rw_iam', '--format', 'env'],
        captureIo({ cwd: dir, env: { KONG_PG_USER: 'kong' } }),
      ),
    ).toBe(0);
  });

  it('exits 2 without --to or with an unknown stage', async () => {
    expect(await main(['plan', NODE_FILE], captureIo({ cwd: dir }))).toBe(2);
    expect(await main(['plan', NODE_FILE, '--to', 'all_iam'], captureIo({ cwd: dir }))).toBe(2);
  });

  it('explains the stages in --help', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['plan', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/ro_iam: only the read-only\s+connection/);
  });
});
