import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

const RDS_HOST = 'kong.abc123xyz.us-east-1.rds.amazonaws.com';
const dir = mkdtempSync(join(tmpdir(), 'iamroll-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}

const SOUND = file('sound.conf', [
  `pg_host = ${RDS_HOST}`,
  'pg_iam_auth = on',
  'pg_ssl_verify = on',
  'lua_ssl_trusted_certificate = /etc/kong/rds.pem',
  'pg_user = kong_iam',
]);
const MTLS = file('mtls.conf', [
  `pg_host = ${RDS_HOST}`,
  'pg_iam_auth = on',
  'pg_ssl_cert = /x.crt',
  'pg_password = hunter2',
]);

describe('iamroll lint', () => {
  it('exits 0 and prints a summary when there is no error finding', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['lint', SOUND], io)).toBe(0);
    expect(io.out()).toMatch(
      /read-write {2}kong\.abc123xyz\.us-east-1\.rds\.amazonaws\.com:5432 .*IAM on \(signing region us-east-1\)/,
    );
    expect(io.out().trimEnd().split('\n').at(-1)).toMatch(/^0 errors, 0 warnings, \d+ info in /);
  });

  it('exits 1 and reports rule, severity, key, message and fix for an error', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['lint', MTLS], io)).toBe(1);
    expect(io.out()).toContain('error   iam-mtls-conflict  pg_ssl_cert');
    expect(io.out()).toContain('fix: Remove pg_ssl_cert');
  });

  it('prints exactly findings and effective settings as JSON', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['lint', MTLS, '--format', 'json'], io)).toBe(1);
    const report = JSON.parse(io.out()) as {
      findings: { rule: string; severity: string; key: string; message: string; fix: string }[];
      effective: { rw: Record<string, unknown>; ro: unknown };
    };
    expect(Object.keys(report)).toEqual(['findings', 'effective']);
    expect(Object.keys(report.effective)).toEqual(['rw', 'ro']);
    expect(report.effective.ro).toBeNull();
    expect(report.effective.rw).toMatchObject({ iam: true, ssl: true, hasPassword: true, region: 'us-east-1' });
    expect(Object.keys(report.findings[0] ?? {})).toEqual(['rule', 'severity', 'key', 'message', 'fix']);
  });

  it('never prints the password', async () => {
    const io = captureIo({ cwd: dir });
    await main(['lint', MTLS, '--format', 'json'], io);
    await main(['lint', MTLS], io);
    expect(io.out() + io.err()).not.toContain('hunter2');
  });

  it('reads KONG_* from the environment over kong.conf', async () => {
    const io = captureIo({ cwd: dir, env: { KONG_PG_IAM_AUTH: 'off' } });
    expect(await main(['lint', MTLS], io)).toBe(0);
  });

  it('reads an env file over the environment', async () => {
    const envFile = file('kong.env', ['KONG_PG_IAM_AUTH=on']);
    const io = captureIo({ cwd: dir, env: { KONG_PG_IAM_AUTH: 'off' } });
    expect(await main(['lint', MTLS, '--env-file', envFile], io)).toBe(1);
  });

  it('exits 2 naming the file and the fix when kong.conf is missing', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['lint', 'missing.conf'], io)).toBe(2);
    expect(io.err()).toMatch(/^iamroll: cannot read kong\.conf ".*missing\.conf": no such file\. Pass the path/);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a missing env file', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['lint', SOUND, '--env-file', 'nope.env'], io)).toBe(2);
    expect(io.err()).toContain('cannot read env file');
  });

  it('exits 2 for an unknown format', async () => {
    expect(await main(['lint', SOUND, '--format', 'yaml'], captureIo({ cwd: dir }))).toBe(2);
  });

  it('explains its options in --help', async () => {
    const io = captureIo({ cwd: dir });
    expect(await main(['lint', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--env-file <file>');
    expect(io.out()).toContain('Exit status: 0 no error finding, 1 at least one error finding, 2 usage or I/O error.');
  });
});

describe('the iamroll binary', () => {
  const bin = resolve(import.meta.dirname, '../../bin/iamroll.js');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('KONG_')),
  );
  const cert = file('bin-mtls.conf', ['pg_iam_auth = on', 'pg_ssl_cert = /x.crt']);

  it('reports iam-mtls-conflict with exit 1, and exit 2 on bad usage', () => {
    const run = spawnSync(process.execPath, [bin, 'lint', cert], { encoding: 'utf8', env, timeout: 60_000 });
    expect(run.stdout).toContain('iam-mtls-conflict');
    expect(run.status).toBe(1);
    const bad = spawnSync(process.execPath, [bin, 'lint'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("missing required argument 'kong.conf'");
  }, 120_000);
});
