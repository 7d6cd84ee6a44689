import { describeKey } from '../../load';
import { groupByOrigin } from '../context';
import type { LintRule } from '../types';

// Kong does not reject pg_password when IAM is on: the connector replaces it with the
// IAM token when it connects. Kong's docs tell operators to remove it. During a staged
// rollout it is still the way back (the password user), so the advice is: keep it until
// every node is on IAM, then remove it.

export const passwordIgnored: LintRule = {
  ids: ['iam-password-ignored'],
  fact: "With IAM on, Kong replaces pg_password (pg_ro_password) with the IAM token at connect time; the password is never sent. Kong's docs say to remove it.",
  check({ conf, iamConnections }) {
    return groupByOrigin(iamConnections, 'hasPassword', (c) => c.settings.hasPassword).map((group) => {
      const iamKeys = group.connections.map((c) => `${c.iamKey} = on`).join(' and ');
      const inherited =
        group.connections.some((c) => c.which === 'ro') && group.key === 'pg_password'
          ? ' (the read-only connection inherits it)'
          : '';
      return {
        rule: 'iam-password-ignored',
        severity: 'warning' as const,
        key: group.key,
        message: `${describeKey(conf, group.key)} is set while ${iamKeys}${inherited}: Kong replaces the password with an IAM token when it connects, so it is never used. Kong's docs say to remove it.`,
        fix: `Keep ${group.key} while you stage the rollout (rolling back to the password user needs it), then remove it once every node runs on IAM.`,
      };
    });
  },
};
