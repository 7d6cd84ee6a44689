import { describeKey, valueOf } from '../../load';
import { kongBoolean } from '../../lua';
import type { LintFinding, LintRule } from '../types';

// An IAM token is a presigned URL that works for any login until it expires (15 min).
// Sent over TLS without certificate verification, anyone in the path can take it and
// log in as the Kong user. Verification needs the Amazon RDS certificate authorities,
// which are private CAs: they are not in the operating-system bundle Kong's default
// `lua_ssl_trusted_certificate = system` points to.

const RDS_BUNDLE = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

export const sslVerifyOff: LintRule = {
  ids: ['iam-ssl-verify-off'],
  fact: 'pg_ssl_verify defaults to off (and an unset pg_ro_ssl_verify is off even when pg_ssl_verify is on): the IAM token then goes to a server Kong has not authenticated.',
  check({ conf, iamConnections }) {
    return iamConnections
      .filter((connection) => !connection.settings.sslVerify)
      .map((connection) => {
        const key = connection.origins.sslVerify;
        const notInherited =
          connection.which === 'ro' && kongBoolean(valueOf(conf, 'pg_ssl_verify'))
            ? ' pg_ssl_verify = on does not carry over: Kong reads an unset pg_ro_ssl_verify as off.'
            : '';
        return {
          rule: 'iam-ssl-verify-off',
          severity: 'warning' as const,
          key,
          message: `The ${connection.label} connection sends its IAM token to a server whose certificate Kong does not check (${describeKey(conf, key)} is off): whoever can intercept the connection can reuse the token for up to 15 minutes to log in as ${connection.settings.user ?? 'the Kong user'}.${notInherited}`,
          fix: `Set ${key} = on and add the Amazon RDS CA bundle to lua_ssl_trusted_certificate (${RDS_BUNDLE}).`,
        };
      });
  },
};

export const sslCaMissing: LintRule = {
  ids: ['iam-ssl-ca-missing'],
  fact: "With certificate verification on, Kong checks the RDS server certificate against lua_ssl_trusted_certificate; the Amazon RDS CAs are not in the OS bundle that Kong's default `system` uses.",
  check({ conf, iamConnections }) {
    const verifying = iamConnections.filter((connection) => connection.settings.sslVerify);
    const [first] = verifying;
    if (first === undefined) return [];
    const verifyKeys = verifying.map((connection) => connection.origins.sslVerify).join(' and ');
    const trusted = valueOf(conf, 'lua_ssl_trusted_certificate');
    const entries = (trusted ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const fix = `Download the Amazon RDS CA bundle (${RDS_BUNDLE}) and set lua_ssl_trusted_certificate = system,/path/to/global-bundle.pem.`;
    const findings: LintFinding[] = [];
    if (entries.length === 0) {
      findings.push({
        rule: 'iam-ssl-ca-missing',
        severity: 'error',
        key: 'lua_ssl_trusted_certificate',
        message: `${verifyKeys} ${verifying.length > 1 ? 'are' : 'is'} on but ${describeKey(conf, 'lua_ssl_trusted_certificate')} is empty: Kong has no CA to check the RDS server certificate against, so the TLS handshake fails.`,
        fix,
      });
    } else if (entries.every((entry) => entry === 'system')) {
      findings.push({
        rule: 'iam-ssl-ca-missing',
        severity: 'warning',
        key: 'lua_ssl_trusted_certificate',
        message: `${verifyKeys} ${verifying.length > 1 ? 'are' : 'is'} on and ${describeKey(conf, 'lua_ssl_trusted_certificate')} is only "system": the operating-system bundle does not contain the Amazon RDS certificate authorities, so verification fails unless you added them to the system store.`,
        fix,
      });
    }
    return findings;
  },
};
