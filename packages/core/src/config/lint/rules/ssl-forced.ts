import { describeKey, isExplicit, valueOf } from '../../load';
import { kongBoolean } from '../../lua';
import type { LintFinding, LintRule } from '../types';

// Kong Enterprise sets pg_ssl and pg_ssl_required to true whenever pg_iam_auth is on
// (pg_ro_ssl / pg_ro_ssl_required for pg_ro_iam_auth), over an explicit `off`: RDS
// only accepts IAM logins over TLS. The catch is rollback: turn IAM off and the
// forcing goes away, so a file that says pg_ssl = off falls back to plain text.

export const sslForced: LintRule = {
  ids: ['iam-ssl-forced'],
  fact: 'With pg_iam_auth on, Kong forces pg_ssl and pg_ssl_required on, even over an explicit off (the same for pg_ro_iam_auth and the pg_ro_ twins).',
  check({ conf, iamConnections }) {
    const findings: LintFinding[] = [];
    for (const connection of iamConnections) {
      const prefix = connection.which === 'rw' ? 'pg' : 'pg_ro';
      const keys = [`${prefix}_ssl`, `${prefix}_ssl_required`];
      const notOn = keys.filter((key) => !kongBoolean(valueOf(conf, key)));
      if (notOn.length === 0) continue;
      const explicitOff = notOn.filter((key) => isExplicit(conf, key));
      const detail =
        explicitOff.length > 0
          ? `, overriding ${explicitOff.map((key) => describeKey(conf, key)).join(' and ')}`
          : ` (${notOn.join(' and ')} ${notOn.length > 1 ? 'are' : 'is'} not set, so off by default)`;
      findings.push({
        rule: 'iam-ssl-forced',
        severity: 'info',
        key: notOn[0] ?? keys[0] ?? '',
        message: `${connection.iamKey} = on makes Kong force ${keys.join(' and ')} on for the ${connection.label} connection${detail}: RDS accepts IAM logins only over TLS. If IAM is turned off again, the forcing goes with it.`,
        fix: `Set ${notOn.map((key) => `${key} = on`).join(' and ')} so kong.conf says what Kong does and TLS stays on after a rollback to passwords.`,
      });
    }
    return findings;
  },
};
