import { keySpec } from '../../defaults';
import { describeKey, isExplicit, valueOf } from '../../load';
import { groupByOrigin } from '../context';
import type { LintFinding, LintRule } from '../types';

// pg_ssl_version is an enum in Kong's CONF_PARSERS: any other value (including a
// different case such as TLSv1_2) stops Kong at start-up. pg_ro_ssl_version inherits it.
// With IAM: Kong's IAM documentation says Amazon RDS does not support TLS 1.3 for this
// setup, and Kong's own RDS test job excludes tlsv1_3.

export const sslVersionValid: LintRule = {
  ids: ['pg-ssl-version-invalid'],
  fact: 'pg_ssl_version and pg_ro_ssl_version accept only tlsv1_1, tlsv1_2, tlsv1_3 or any; Kong refuses to start on anything else.',
  check({ conf }) {
    const findings: LintFinding[] = [];
    for (const key of ['pg_ssl_version', 'pg_ro_ssl_version']) {
      const value = valueOf(conf, key);
      const allowed = keySpec(key)?.values ?? [];
      if (!isExplicit(conf, key) || value === null || allowed.includes(value)) continue;
      findings.push({
        rule: 'pg-ssl-version-invalid',
        severity: 'error',
        key,
        message: `${describeKey(conf, key)} is ${JSON.stringify(value)}: Kong refuses to start with "${key} has an invalid value: '${value}' (${allowed.join(', ')})".`,
        fix: `Set ${key} = tlsv1_2.`,
      });
    }
    return findings;
  },
};

export const iamTls13: LintRule = {
  ids: ['iam-tls13'],
  fact: "Kong's IAM documentation says Amazon RDS does not support TLS 1.3 for IAM connections; Kong's RDS test job runs only tlsv1_2.",
  check({ conf, iamConnections }) {
    const findings: LintFinding[] = [];
    for (const version of ['tlsv1_3', 'any'] as const) {
      for (const group of groupByOrigin(iamConnections, 'sslVersion', (c) => c.settings.sslVersion === version)) {
        const subject = `The ${group.label} connection${group.connections.length > 1 ? 's use' : ' uses'} IAM with ${describeKey(conf, group.key)} = ${version}`;
        findings.push(
          version === 'tlsv1_3'
            ? {
                rule: 'iam-tls13',
                severity: 'warning',
                key: group.key,
                message: `${subject}: Kong's documentation says Amazon RDS does not support TLS 1.3 here, and Kong tests RDS only with tlsv1_2, so the handshake and every login can fail.`,
                fix: `Set ${group.key} = tlsv1_2 (Kong's default).`,
              }
            : {
                rule: 'iam-tls13',
                severity: 'info',
                key: group.key,
                message: `${subject}: Kong negotiates the highest TLS version the server offers, while Kong's tested RDS setup pins tlsv1_2.`,
                fix: `Optional: set ${group.key} = tlsv1_2 to match Kong's tested setup.`,
              },
        );
      }
    }
    return findings;
  },
};
