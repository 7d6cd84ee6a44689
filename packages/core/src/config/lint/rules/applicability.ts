import { valueOf } from '../../load';
import { kongBoolean } from '../../lua';
import type { LintRule } from '../types';

// In hybrid mode only control planes connect to PostgreSQL; data planes (and DB-less
// nodes, database = off) never do, so IAM settings change nothing there.

export const notApplicable: LintRule = {
  ids: ['iam-not-applicable'],
  fact: 'Only control-plane and traditional nodes with database = postgres connect to PostgreSQL; role = data_plane and database = off nodes never do.',
  check({ conf, applicability }) {
    if (applicability.isApplicable) return [];
    const iamOn = ['pg_iam_auth', 'pg_ro_iam_auth'].filter((key) => kongBoolean(valueOf(conf, key)));
    return [
      {
        rule: 'iam-not-applicable',
        severity: 'info',
        key: valueOf(conf, 'role') === 'data_plane' ? 'role' : 'database',
        message: `${applicability.reason ?? 'this node does not connect to PostgreSQL'}, so IAM settings have no effect on this node${iamOn.length > 0 ? ` (${iamOn.join(' and ')} ${iamOn.length > 1 ? 'are' : 'is'} on)` : ''}.`,
        fix: 'Nothing to change here: roll IAM out on the control-plane or traditional nodes that connect to PostgreSQL.',
      },
    ];
  },
};
