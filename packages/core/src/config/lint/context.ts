import { connectionOrigins, effectiveConfig, iamApplicability } from '../effective';
import type { LoadedConf } from '../load';
import type { IamConnection, LintContext } from './types';

export function lintContext(conf: LoadedConf): LintContext {
  const effective = effectiveConfig(conf);
  const applicability = iamApplicability(conf);
  const iamConnections: IamConnection[] = [];
  if (applicability.isApplicable) {
    if (effective.rw.iam) {
      iamConnections.push({
        which: 'rw',
        label: 'read-write',
        iamKey: 'pg_iam_auth',
        settings: effective.rw,
        origins: connectionOrigins(conf, 'rw'),
      });
    }
    if (effective.ro?.iam) {
      iamConnections.push({
        which: 'ro',
        label: 'read-only',
        iamKey: 'pg_ro_iam_auth',
        settings: effective.ro,
        origins: connectionOrigins(conf, 'ro'),
      });
    }
  }
  return { conf, effective, applicability, iamConnections };
}

/** Connections that take a field from the same setting (the read-only one inheriting it). */
export interface ConnectionGroup {
  readonly key: string;
  readonly connections: readonly IamConnection[];
  /** "read-write", "read-only" or "read-write and read-only". */
  readonly label: string;
}

/**
 * Groups IAM connections by the setting a field comes from, so a value the read-only
 * connection inherits is reported once, for both connections.
 */
export function groupByOrigin(
  connections: readonly IamConnection[],
  field: keyof IamConnection['origins'],
  include: (connection: IamConnection) => boolean = () => true,
): ConnectionGroup[] {
  const groups = new Map<string, IamConnection[]>();
  for (const connection of connections) {
    if (!include(connection)) continue;
    const key = connection.origins[field];
    groups.set(key, [...(groups.get(key) ?? []), connection]);
  }
  return [...groups].map(([key, members]) => ({
    key,
    connections: members,
    label: members.map((c) => c.label).join(' and '),
  }));
}
