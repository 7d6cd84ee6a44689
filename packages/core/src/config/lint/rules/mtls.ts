import { describeKey, valueOf } from '../../load';
import { kongBoolean } from '../../lua';
import type { LintFinding, LintRule } from '../types';

// Kong Enterprise conf_loader (validate_postgres_iam_auth) refuses to start when an
// IAM flag is on and a client certificate is configured. The read-only check looks at
// the main pg_ssl_cert / pg_ssl_cert_key (there is no read-only certificate setting),
// and runs even when pg_ro_host is unset or the node is a data plane: it is a
// start-up check, not a connection check. Amazon RDS for PostgreSQL has no mTLS anyway.

function conflict(iamKey: string): string {
  return `mTLS connection to postgres cannot be used when ${iamKey} is enabled, so pg_ssl_cert and pg_ssl_cert_key must not be specified`;
}

export const mtlsConflict: LintRule = {
  ids: ['iam-mtls-conflict'],
  fact: `With pg_iam_auth (or pg_ro_iam_auth) on and pg_ssl_cert or pg_ssl_cert_key set, Kong refuses to start: "${conflict('pg_iam_auth')}".`,
  check({ conf }) {
    const certKeys = ['pg_ssl_cert', 'pg_ssl_cert_key'].filter((key) => valueOf(conf, key) !== null);
    const [firstCertKey] = certKeys;
    if (firstCertKey === undefined) return [];
    const findings: LintFinding[] = [];
    for (const iamKey of ['pg_iam_auth', 'pg_ro_iam_auth']) {
      if (!kongBoolean(valueOf(conf, iamKey))) continue;
      const readOnlyNote =
        iamKey === 'pg_ro_iam_auth'
          ? ` Kong checks the read-only IAM flag against the main client certificate, because there is no read-only certificate setting${valueOf(conf, 'pg_ro_host') === null ? ', and it does so even though pg_ro_host is not set' : ''}.`
          : '';
      findings.push({
        rule: 'iam-mtls-conflict',
        severity: 'error',
        key: firstCertKey,
        message: `Kong refuses to start: "${conflict(iamKey)}". ${describeKey(conf, iamKey)} is on and ${certKeys.map((key) => describeKey(conf, key)).join(' and ')} ${certKeys.length > 1 ? 'are' : 'is'} set.${readOnlyNote} Amazon RDS for PostgreSQL does not use client certificates; the IAM token is the credential.`,
        fix: `Remove ${certKeys.join(' and ')} (or comment ${certKeys.length > 1 ? 'them' : 'it'} out) before turning ${iamKey} on.`,
      });
    }
    return findings;
  },
};
