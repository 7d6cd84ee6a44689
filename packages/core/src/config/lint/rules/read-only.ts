import { describeKey, isExplicit, valueOf } from '../../load';
import { kongBoolean } from '../../lua';
import type { LintFinding, LintRule } from '../types';

// Where Kong's code and Kong's docs disagree about the read-only connection
// (kong/db/strategies/postgres/connector.lua merges pg_ro_* over pg_*; unset booleans
// are `false`, not nil, so they override instead of inheriting):
//  - docs: pg_iam_auth = on "enables read-write and read-only"; code: pg_ro_iam_auth has
//    its own default (off), so a separate pg_ro_host keeps logging in with a password;
//  - pg_ro_iam_auth_role_session_name defaults to KongPostgres instead of inheriting;
//  - kong.conf.default documents pg_ro_ssl = <pg_ssl>, but an unset pg_ro_ssl is off.

export const roNotInherited: LintRule = {
  ids: ['iam-ro-not-inherited'],
  fact: "pg_ro_iam_auth defaults to off and does not inherit pg_iam_auth, although Kong's docs say pg_iam_auth enables IAM for both connections.",
  check({ conf, effective, applicability }) {
    const ro = effective.ro;
    if (!applicability.isApplicable || ro === null || !effective.rw.iam || ro.iam) return [];
    return [
      {
        rule: 'iam-ro-not-inherited',
        severity: 'warning',
        key: 'pg_ro_iam_auth',
        message: `pg_iam_auth is on but pg_ro_iam_auth is not (${describeKey(conf, 'pg_ro_iam_auth')}), and pg_ro_host is set: the read-only connection to ${ro.host ?? ''} keeps logging in with a password as ${ro.user ?? '(no user)'}. Kong's docs say pg_iam_auth enables IAM for read-write and read-only connections, but Kong's code gives pg_ro_iam_auth its own default (off) and never copies pg_iam_auth into it.`,
        fix: 'Set pg_ro_iam_auth = on (and pg_ro_user to an IAM-enabled user if the read-only user differs), e.g. with `iamroll plan --to rw_iam`.',
      },
    ];
  },
};

export const roSessionName: LintRule = {
  ids: ['iam-ro-session-name-not-inherited'],
  fact: 'pg_ro_iam_auth_role_session_name defaults to KongPostgres; it does not inherit pg_iam_auth_role_session_name (the read-only role ARN and STS URL do inherit).',
  check({ conf, effective, applicability }) {
    const ro = effective.ro;
    if (!applicability.isApplicable || ro === null || !ro.iam) return [];
    const rwName = valueOf(conf, 'pg_iam_auth_role_session_name');
    if (
      !isExplicit(conf, 'pg_iam_auth_role_session_name') ||
      isExplicit(conf, 'pg_ro_iam_auth_role_session_name') ||
      rwName === ro.roleSessionName
    )
      return [];
    const impact =
      ro.assumeRoleArn !== null
        ? `AssumeRole calls for the read-only connection run as session ${JSON.stringify(ro.roleSessionName)}, which is what CloudTrail and any sts:RoleSessionName condition will see.`
        : 'It matters once an assume-role ARN is set; today no role is assumed.';
    return [
      {
        rule: 'iam-ro-session-name-not-inherited',
        severity: 'info',
        key: 'pg_ro_iam_auth_role_session_name',
        message: `${describeKey(conf, 'pg_iam_auth_role_session_name')} is ${JSON.stringify(rwName)}, but the read-only connection uses ${JSON.stringify(ro.roleSessionName)}: Kong gives pg_ro_iam_auth_role_session_name its own default instead of inheriting. ${impact}`,
        fix: `Set pg_ro_iam_auth_role_session_name = ${rwName ?? 'KongPostgres'} if both connections should use the same session name.`,
      },
    ];
  },
};

export const roWithoutHost: LintRule = {
  ids: ['iam-ro-without-host'],
  fact: 'Kong opens a read-only connection only when pg_ro_host is set; without it pg_ro_iam_auth changes nothing (except the start-up mTLS check).',
  check({ conf, applicability }) {
    if (
      !applicability.isApplicable ||
      !kongBoolean(valueOf(conf, 'pg_ro_iam_auth')) ||
      valueOf(conf, 'pg_ro_host') !== null
    )
      return [];
    return [
      {
        rule: 'iam-ro-without-host',
        severity: 'info',
        key: 'pg_ro_iam_auth',
        message: `${describeKey(conf, 'pg_ro_iam_auth')} is on but pg_ro_host is not set: Kong opens no read-only connection, so every query uses pg_host${kongBoolean(valueOf(conf, 'pg_iam_auth')) ? ' with IAM' : ' with the password'}.`,
        fix: 'Set pg_iam_auth = on to move the only connection to IAM, or set pg_ro_host to a reader endpoint to use a separate read-only connection.',
      },
    ];
  },
};

export const roSslNotInherited: LintRule = {
  ids: ['ro-ssl-not-inherited'],
  fact: 'kong.conf.default documents pg_ro_ssl = <pg_ssl>, but Kong turns an unset boolean into false, and false overrides the read-write value: unset pg_ro_ssl, pg_ro_ssl_required and pg_ro_ssl_verify are off.',
  check({ conf, effective, applicability }) {
    const ro = effective.ro;
    if (!applicability.isApplicable || ro === null || ro.iam) return [];
    const lost = (['ssl', 'ssl_required', 'ssl_verify'] as const).filter(
      (suffix) => kongBoolean(valueOf(conf, `pg_${suffix}`)) && !isExplicit(conf, `pg_ro_${suffix}`),
    );
    if (lost.length === 0) return [];
    const finding: LintFinding = {
      rule: 'ro-ssl-not-inherited',
      severity: 'warning',
      key: `pg_ro_${lost[0] ?? 'ssl'}`,
      message: `${lost.map((s) => `pg_${s}`).join(', ')} ${lost.length > 1 ? 'are' : 'is'} on, but the read-only connection to ${ro.host ?? ''} does not get ${lost.length > 1 ? 'them' : 'it'}: Kong reads an unset ${lost.map((s) => `pg_ro_${s}`).join(', ')} as off (an unset boolean is false, which overrides the read-write value; kong.conf.default says it inherits).`,
      fix: `Set ${lost.map((s) => `pg_ro_${s} = on`).join(' and ')} explicitly.`,
    };
    return [finding];
  },
};
