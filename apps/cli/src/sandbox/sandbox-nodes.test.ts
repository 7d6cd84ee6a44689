import { lintKongConf, loadKongConf } from '@iamroll/core/config';
import { describe, expect, it } from 'vitest';
import { nodeName, profileOf, sandboxKongConf } from './sandbox-nodes';

const endpoints = {
  primary: { host: 'sandbox-primary.abcdefghijkl.us-east-1.rds.amazonaws.com', port: 40001 },
  replica: { host: 'sandbox-replica.abcdefghijkl.us-east-1.rds.amazonaws.com', port: 40002 },
};

function confOf(index: number): string {
  return sandboxKongConf({
    name: nodeName(index),
    profile: profileOf(index),
    ...endpoints,
    password: 'kong-password-for-tests',
    caFile: '/tmp/ca.pem',
  });
}

function rulesOf(index: number): string[] {
  return lintKongConf(loadKongConf({ confText: confOf(index), env: {} })).map((finding) => finding.rule);
}

describe('the sandbox fleet', () => {
  it('has traditional nodes, control planes and data planes in the default 24', () => {
    const roles = Array.from({ length: 24 }, (_, index) => profileOf(index).role);
    expect(roles.filter((role) => role === 'traditional')).toHaveLength(16);
    expect(roles.filter((role) => role === 'control_plane')).toHaveLength(4);
    expect(roles.filter((role) => role === 'data_plane')).toHaveLength(4);
    expect(nodeName(0)).toBe('kong-001');
  });

  it('writes kong.conf files some of which have findings to fix', () => {
    expect(rulesOf(3)).toContain('bool-not-recognized');
    expect(rulesOf(10)).toContain('iam-not-applicable');
    expect(rulesOf(2)).toEqual([]);
  });

  it('points every database node at the simulated endpoints, with its password only in kong.conf', () => {
    const conf = sandboxKongConf({
      name: 'kong-003',
      profile: profileOf(2),
      ...endpoints,
      password: 'kong-password-for-tests',
      caFile: '/tmp/ca.pem',
    });
    expect(conf).toContain(`pg_host = ${endpoints.primary.host}`);
    expect(conf).toContain(`pg_ro_host = ${endpoints.replica.host}`);
    expect(conf).toContain('pg_password = kong-password-for-tests');
  });

  it('starts every node on passwords, with read-only connections that close after 1 s idle (IAM churn once switched)', () => {
    for (const index of [0, 1, 2, 5]) {
      const confText = confOf(index);
      expect(confText).not.toMatch(/^pg_(ro_)?iam_auth\s*=\s*on/m);
      if (profileOf(index).hasReplica) expect(confText).toMatch(/^pg_ro_keepalive_timeout = 1000$/m);
    }
  });
});
