import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveConfig } from './effective';
import { loadKongConf } from './load';
import { planStage, type IamStage } from './plan';
import { renderConf } from './render';
import { applyEnvEdits } from './render-env';
import { RDS_HOST, RDS_READER } from './testing';

const PASSWORD_NODE = [
  `pg_host = ${RDS_HOST}`,
  'pg_user = kong   # password user',
  'pg_password = hunter2',
  `pg_ro_host = ${RDS_READER}`,
  'pg_ssl = on',
  '',
].join('\n');
const SINGLE_NODE = [`pg_host = ${RDS_HOST}`, 'pg_password = hunter2', ''].join('\n');

function effectiveAfter(text: string, env: Record<string, string> = {}) {
  return effectiveConfig(loadKongConf({ confText: text, env }));
}

describe('planStage: password → ro_iam', () => {
  const plan = planStage({ confText: PASSWORD_NODE }, 'ro_iam');

  it('moves only the read-only connection to a dedicated IAM user', () => {
    expect(plan).toMatchObject({ from: 'password', to: 'ro_iam', error: null, blockers: [] });
    expect(plan.edits).toEqual([
      { op: 'set', key: 'pg_ro_user', value: 'kong_iam' },
      { op: 'set', key: 'pg_ro_iam_auth', value: 'on' },
    ]);
  });

  it('gives Kong the intended connections once applied', () => {
    const { rw, ro } = effectiveAfter(renderConf(PASSWORD_NODE, plan.edits));
    expect(rw).toMatchObject({ iam: false, user: 'kong', hasPassword: true });
    expect(ro).toMatchObject({ iam: true, user: 'kong_iam', ssl: true, sslRequired: true });
  });

  it('rolls back to the original effective configuration with the reverse edits', () => {
    const rolledBack = renderConf(renderConf(PASSWORD_NODE, plan.edits), plan.reverse);
    expect(effectiveAfter(rolledBack)).toEqual(effectiveAfter(PASSWORD_NODE));
  });

  it('keeps pg_password in the file', () => {
    expect(renderConf(PASSWORD_NODE, plan.edits)).toContain('pg_password = hunter2');
  });

  it('tells to create the IAM user and never to grant rds_iam to the password user', () => {
    expect(plan.notes.join('\n')).toContain('Do not grant rds_iam to kong');
  });
});

describe('planStage: password → rw_iam', () => {
  const plan = planStage({ confText: PASSWORD_NODE }, 'rw_iam');

  it('switches pg_user and sets pg_ro_iam_auth explicitly (it does not inherit)', () => {
    expect(plan.edits).toEqual([
      { op: 'set', key: 'pg_user', value: 'kong_iam' },
      { op: 'set', key: 'pg_iam_auth', value: 'on' },
      { op: 'set', key: 'pg_ro_iam_auth', value: 'on' },
    ]);
  });

  it('restores pg_user and turns IAM off on rollback', () => {
    expect(plan.reverse).toEqual([
      { op: 'unset', key: 'pg_ro_iam_auth' },
      { op: 'unset', key: 'pg_iam_auth' },
      { op: 'set', key: 'pg_user', value: 'kong' },
    ]);
  });

  it('uses --iam-user when given', () => {
    expect(planStage({ confText: SINGLE_NODE }, 'rw_iam', { iamUser: 'gateway' }).edits[0]).toEqual({
      op: 'set',
      key: 'pg_user',
      value: 'gateway',
    });
  });

  it('plans rw_iam for a node without a read-only connection', () => {
    expect(planStage({ confText: SINGLE_NODE }, 'rw_iam').edits.map((e) => e.key)).toEqual(['pg_user', 'pg_iam_auth']);
  });
});

describe('planStage: expected failures are results, not exceptions', () => {
  it('explains that ro_iam needs pg_ro_host', () => {
    const plan = planStage({ confText: SINGLE_NODE }, 'ro_iam');
    expect(plan.edits).toEqual([]);
    expect(plan.error).toContain('pg_ro_host is not set');
  });

  it('refuses a data plane', () => {
    expect(planStage({ confText: 'role = data_plane\ndatabase = off\n' }, 'rw_iam').error).toContain('data_plane');
  });

  it('rejects an --iam-user that is not a database user name', () => {
    expect(planStage({ confText: SINGLE_NODE }, 'rw_iam', { iamUser: 'bad user' }).error).toContain('--iam-user');
  });

  it('reports the mTLS conflict as a blocker instead of removing the certificate', () => {
    const plan = planStage({ confText: `${SINGLE_NODE}pg_ssl_cert = /x.crt\npg_ssl_cert_key = /x.key\n` }, 'rw_iam');
    expect(plan.blockers.map((b) => b.rule)).toContain('iam-mtls-conflict');
    expect(plan.edits.map((e) => e.key)).not.toContain('pg_ssl_cert');
  });

  it('blocks an IAM user that is the password user (rds_iam would lock it out)', () => {
    expect(planStage({ confText: SINGLE_NODE }, 'rw_iam', { iamUser: 'kong' }).blockers.map((b) => b.rule)).toContain(
      'plan-iam-user-is-password-user',
    );
  });

  it('blocks a kong.conf edit that KONG_* would override', () => {
    const plan = planStage({ confText: SINGLE_NODE, env: { KONG_PG_USER: 'kong' } }, 'rw_iam');
    expect(plan.blockers).toContainEqual(expect.objectContaining({ rule: 'plan-env-override', key: 'pg_user' }));
  });

  it('needs --password-user to leave IAM when the old user is unknown', () => {
    const onIam = `pg_host = ${RDS_HOST}\npg_user = kong_iam\npg_iam_auth = on\n`;
    expect(planStage({ confText: onIam }, 'password').blockers.map((b) => b.rule)).toContain('plan-password-user');
    expect(planStage({ confText: onIam }, 'password', { passwordUser: 'kong' }).edits).toEqual([
      { op: 'set', key: 'pg_user', value: 'kong' },
      { op: 'set', key: 'pg_iam_auth', value: 'off' },
    ]);
  });
});

describe('planStage: environment target', () => {
  it('plans KONG_* changes that override kong.conf and reverses them', () => {
    const env = { KONG_PG_USER: 'kong' };
    const plan = planStage({ confText: SINGLE_NODE, env }, 'rw_iam', { target: 'env' });
    expect(plan.blockers).toEqual([]);
    expect(plan.reverse).toEqual([
      { op: 'unset', key: 'pg_iam_auth' },
      { op: 'set', key: 'pg_user', value: 'kong' },
    ]);
    const applied = applyEnvEdits(env, plan.edits);
    expect(effectiveAfter(SINGLE_NODE, applied as Record<string, string>).rw).toMatchObject({
      iam: true,
      user: 'kong_iam',
    });
  });
});

describe('planStage: current stage', () => {
  it("recognises the state Kong's docs lead to: rw on IAM, read-only still on a password", () => {
    expect(planStage({ confText: `${PASSWORD_NODE}pg_iam_auth = on\n` }, 'rw_iam').from).toBe('rw_iam_ro_password');
  });

  it('has nothing to do at the target stage', () => {
    const plan = planStage({ confText: SINGLE_NODE }, 'password');
    expect(plan.edits).toEqual([]);
    expect(plan.notes[0]).toContain('nothing to change');
  });
});

describe('planStage round trip (property)', () => {
  const line = fc.constantFrom(
    `pg_host = ${RDS_HOST}`,
    'pg_user = app',
    'pg_user = kong # c',
    'pg_password = pw',
    `pg_ro_host = ${RDS_READER}`,
    'pg_ro_user = reader',
    'pg_ro_user = app',
    'pg_iam_auth = off',
    'pg_ro_iam_auth = off',
    'pg_ssl = on',
    'pg_ro_ssl = on',
    '# comment',
    '',
  );
  const stage = fc.constantFrom<IamStage>('password', 'ro_iam', 'rw_iam');
  const environment = fc.constantFrom<Record<string, string>>(
    {},
    { KONG_PG_USER: 'envuser' },
    { KONG_PG_RO_IAM_AUTH: 'off', KONG_PG_RO_USER: 'r' },
  );

  it('applying a plan then its reverse gives back the original effective configuration', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 10 }),
        stage,
        fc.constantFrom<'conf' | 'env'>('conf', 'env'),
        environment,
        (lines, to, target, env) => {
          const text = lines.join('\n') + '\n';
          const plan = planStage({ confText: text, env }, to, { target });
          if (plan.error !== null) return;
          if (target === 'conf') {
            const rolledBack = renderConf(renderConf(text, plan.edits), plan.reverse);
            expect(effectiveAfter(rolledBack, env)).toEqual(effectiveAfter(text, env));
          } else {
            const rolledBack = applyEnvEdits(applyEnvEdits(env, plan.edits), plan.reverse) as Record<string, string>;
            expect(effectiveAfter(text, rolledBack)).toEqual(effectiveAfter(text, env));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reaches the target stage when nothing blocks it', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), stage, (lines, to) => {
        const text = lines.join('\n') + '\n';
        const plan = planStage({ confText: text }, to);
        if (plan.error !== null || plan.blockers.length > 0) return;
        expect(planStage({ confText: renderConf(text, plan.edits) }, to).edits).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
