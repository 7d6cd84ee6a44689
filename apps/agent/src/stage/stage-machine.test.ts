import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Applier } from '../appliers/applier';
import { kongConfFiles } from '../appliers/node-files';
import { StateDir } from '../files/state-dir';
import { readJournal, type JournalStep } from './journal';
import { StageMachine, type StageMachineOptions } from './stage-machine';

// An original kong.conf with comments, odd spacing and a read-only connection: every byte of
// it must come back after a failure, a crash or a rollback.
const ORIGINAL = [
  '# Kong, production',
  'pg_host = kong.abcdefghijkl.us-east-1.rds.amazonaws.com   # writer',
  'pg_ro_host = kong-ro.abcdefghijkl.us-east-1.rds.amazonaws.com',
  'pg_user = kong',
  'pg_password = s3cr3t-Passw0rd!   # rotated yearly',
  'pg_ssl = on',
  'pg_ssl_verify = on',
  '',
  'nginx_worker_processes = 4',
  '',
].join('\n');

class Crash extends Error {}

interface Recorder extends Applier {
  readonly calls: string[];
  failRestart: boolean;
  failHealth: boolean;
}

function recorder(): Recorder {
  const applier: Recorder = {
    calls: [],
    failRestart: false,
    failHealth: false,
    restart() {
      applier.calls.push('restart');
      return applier.failRestart
        ? Promise.reject(new Error('kong exited 1: nginx: [emerg] bind()'))
        : Promise.resolve();
    },
    checkHealth() {
      applier.calls.push('health');
      return applier.failHealth ? Promise.reject(new Error('/status answered 503')) : Promise.resolve();
    },
  };
  return applier;
}

let root: string;
let confPath: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'iamroll-agent-stage-'));
  confPath = join(root, 'kong.conf');
  await writeFile(confPath, ORIGINAL, { mode: 0o640 });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function machine(applier: Applier, extra: Partial<StageMachineOptions> = {}): StageMachine {
  return new StageMachine({
    stateDir: new StateDir(join(root, 'state')),
    files: kongConfFiles(confPath),
    applier,
    ...extra,
  });
}

const conf = (): Promise<string> => readFile(confPath, 'utf8');

describe('StageMachine', () => {
  it('applies ro_iam then rw_iam with backups kept at 0600, and returns to password byte-identical', async () => {
    const applier = recorder();
    const m = machine(applier);
    await m.open();
    expect(await m.apply('ro_iam')).toEqual({ outcome: 'completed' });
    expect(await conf()).toContain('pg_ro_iam_auth = on');
    expect(await conf()).toContain('pg_ro_user = kong_iam');
    expect(applier.calls).toEqual(['restart', 'health']);
    expect(await m.apply('rw_iam')).toEqual({ outcome: 'completed' });
    expect(await conf()).toMatch(/^pg_user = kong_iam$/m);
    expect(await conf()).toContain('pg_iam_auth = on');
    const original = new StateDir(join(root, 'state')).original;
    expect(await readFile(original, 'utf8')).toBe(ORIGINAL);
    expect((await stat(original)).mode & 0o777).toBe(0o600);
    expect((await stat(confPath)).mode & 0o777).toBe(0o640); // Kong still reads it
    expect(await m.apply('password')).toEqual({ outcome: 'completed' });
    expect(await conf()).toBe(ORIGINAL);
    expect(m.report()).toMatchObject({ status: 'idle', completedSwitches: 3, failedSwitches: 0, hasBackup: true });
  });

  it('a node that started mixed moves to rw_iam, and restoreOriginal puts its mixed file back byte-identical', async () => {
    // Where Kong's docs lead: pg_iam_auth on, the read-only connection still on its password.
    const mixed = ORIGINAL.replace('pg_user = kong', 'pg_user = kong_iam\npg_iam_auth = on');
    await writeFile(confPath, mixed);
    const applier = recorder();
    const m = machine(applier);
    await m.open();
    expect(await m.currentStage()).toBe('rw_iam');
    expect(await m.isMixed()).toBe(true);
    expect(await m.apply('rw_iam')).toEqual({ outcome: 'completed' });
    expect(await conf()).toContain('pg_ro_iam_auth = on');
    expect(await m.isMixed()).toBe(false);
    expect(await m.restoreOriginal()).toEqual({ outcome: 'completed' });
    expect(await conf()).toBe(mixed);
    expect(applier.calls).toEqual(['restart', 'health', 'restart', 'health']);
    expect(await m.restoreOriginal()).toEqual({ outcome: 'unchanged' });
    // Forward again after the rollback: rw_iam is planned from the mixed original, not taken for it.
    expect(await m.apply('rw_iam')).toEqual({ outcome: 'completed' });
    expect(await m.isMixed()).toBe(false);
  });

  it('does nothing when the node is already on the desired stage', async () => {
    const applier = recorder();
    const m = machine(applier);
    await m.open();
    expect(await m.apply('password')).toEqual({ outcome: 'unchanged' });
    expect(applier.calls).toEqual([]);
  });

  it('restores the backup byte-identical and restarts again when the restart fails', async () => {
    const applier = recorder();
    applier.failRestart = true;
    const m = machine(applier);
    await m.open();
    const result = await m.apply('ro_iam');
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/^restart failed: kong exited 1/);
    expect(await conf()).toBe(ORIGINAL);
    expect(applier.calls).toEqual(['restart', 'restart']);
    expect(m.report()).toMatchObject({ status: 'failed', toStage: 'ro_iam', failedSwitches: 1 });
  });

  it('undoes a switch whose health check fails', async () => {
    const applier = recorder();
    applier.failHealth = true;
    const m = machine(applier);
    await m.open();
    expect((await m.apply('rw_iam')).reason).toMatch(/^health check failed: \/status answered 503/);
    expect(await conf()).toBe(ORIGINAL);
    expect(applier.calls).toEqual(['restart', 'health', 'restart']);
  });

  it('undoes a switch whose probe login fails', async () => {
    const applier = recorder();
    const m = machine(applier, { probeLogin: () => Promise.reject(new Error('PAM authentication failed')) });
    await m.open();
    expect((await m.apply('ro_iam')).reason).toContain('PAM authentication failed');
    expect(await conf()).toBe(ORIGINAL);
  });

  it('reports a blocked plan as a failure without touching the file', async () => {
    await writeFile(confPath, ORIGINAL.replace('pg_ro_host', '# pg_ro_host'));
    const applier = recorder();
    const m = machine(applier);
    await m.open();
    expect((await m.apply('ro_iam')).reason).toMatch(/pg_ro_host is not set/);
    expect(applier.calls).toEqual([]);
    expect(m.report().status).toBe('failed');
  });

  it('finalize removes the password keys without a restart; a rollback still restores the original', async () => {
    const applier = recorder();
    const m = machine(applier);
    await m.open();
    expect((await m.finalize()).outcome).toBe('failed'); // not on IAM yet
    await m.apply('rw_iam');
    applier.calls.length = 0;
    expect(await m.finalize()).toEqual({ outcome: 'completed' });
    expect(await conf()).not.toContain('pg_password');
    expect(applier.calls).toEqual([]);
    expect(m.report().isPasswordRemoved).toBe(true);
    expect(await m.apply('password')).toEqual({ outcome: 'completed' });
    expect(await conf()).toBe(ORIGINAL);
  });

  it('deletes the backups only on rw_iam', async () => {
    const m = machine(recorder());
    await m.open();
    await m.apply('ro_iam');
    expect((await m.deleteBackups()).outcome).toBe('failed');
    await m.apply('rw_iam');
    expect(await m.deleteBackups()).toEqual({ outcome: 'completed' });
    expect(m.report().hasBackup).toBe(false);
  });

  // A crash right after each journal write (the step that completed last), then a new
  // agent process on the same state directory: one consistent stage, the original intact.
  const crashes: ReadonlyArray<{ step: JournalStep; failing?: 'restart'; ends: 'password' | 'ro_iam' }> = [
    { step: 'backed-up', ends: 'password' },
    { step: 'written', ends: 'password' },
    { step: 'restarted', ends: 'ro_iam' },
    { step: 'verified', ends: 'ro_iam' },
    { step: 'restoring', failing: 'restart', ends: 'password' },
    { step: 'restored', failing: 'restart', ends: 'password' },
    { step: 'reverted', failing: 'restart', ends: 'password' },
  ];

  it.each(crashes)('recovers from a crash after step $step: ends on $ends', async ({ step, failing, ends }) => {
    const first = recorder();
    first.failRestart = failing === 'restart';
    const dying = machine(first, {
      onStep: (reached) => {
        if (reached === step) throw new Crash(`killed after ${step}`);
      },
    });
    await dying.open();
    await expect(dying.apply('ro_iam')).rejects.toBeInstanceOf(Crash);
    expect(await readJournal(join(root, 'state', 'journal.json'))).toMatchObject({ step });

    const second = recorder();
    const restarted = machine(second);
    const recovered = await restarted.open();
    expect(recovered?.outcome).toBe(ends === 'ro_iam' ? 'completed' : 'failed');
    expect(await readJournal(join(root, 'state', 'journal.json'))).toBeUndefined();
    expect(await restarted.currentStage()).toBe(ends);
    if (ends === 'password') expect(await conf()).toBe(ORIGINAL);
    expect(await readFile(new StateDir(join(root, 'state')).original, 'utf8')).toBe(ORIGINAL);
    // Kong is restarted on recovery only if it may have read the new file.
    if (step === 'backed-up') expect(second.calls).toEqual([]);
    if (step === 'written') expect(second.calls).toEqual(['restart']);
    if (step === 'restarted') expect(second.calls).toEqual(['health']);
    // Counted exactly once, whichever side of the crash recorded it.
    const report = restarted.report();
    expect(report.completedSwitches + report.failedSwitches).toBe(1);
  });

  it('leaves a file edited by someone else during a switch alone and keeps the backup', async () => {
    const dying = machine(recorder(), {
      onStep: (reached) => {
        if (reached === 'written') throw new Crash('killed');
      },
    });
    await dying.open();
    await expect(dying.apply('ro_iam')).rejects.toBeInstanceOf(Crash);
    await writeFile(confPath, `${ORIGINAL}# hand edit\n`);
    const restarted = machine(recorder());
    expect((await restarted.open())?.reason).toMatch(/changed by someone else/);
    expect(await conf()).toBe(`${ORIGINAL}# hand edit\n`);
    expect(await readFile(new StateDir(join(root, 'state')).before, 'utf8')).toBe(ORIGINAL);
  });
});
