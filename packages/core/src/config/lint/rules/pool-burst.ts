import { isExplicit, valueOf, type LoadedConf } from '../../load';
import { luaToNumber } from '../../lua';
import { groupByOrigin } from '../context';
import type { LintRule } from '../types';
import { RDS_IAM_BUDGET_PER_SECOND } from '../../../rates/budget';

// Every new PostgreSQL connection is one IAM login (pooled connections do not
// re-authenticate). AWS recommends IAM database authentication only below 200 new IAM
// connections per second per instance; above that, logins are throttled and the limit
// cannot be raised. Kong pools per nginx worker: up to pg_pool_size connections each
// (default lua_socket_pool_size, 30), and nginx_worker_processes = auto is one worker
// per CPU core. A restart of many nodes at once opens all of them together.

/** nginx_main_worker_processes wins; Kong copies nginx_worker_processes into it when only that one is set. */
function workerSetting(conf: LoadedConf): { key: string; value: string } {
  const key =
    !isExplicit(conf, 'nginx_main_worker_processes') && isExplicit(conf, 'nginx_worker_processes')
      ? 'nginx_worker_processes'
      : 'nginx_main_worker_processes';
  return { key, value: valueOf(conf, key) ?? 'auto' };
}

export const poolBurst: LintRule = {
  ids: ['iam-pool-burst'],
  fact: 'AWS recommends fewer than 200 new IAM database connections per second per instance; each Kong node can open nginx workers × pg_pool_size connections when it starts.',
  check({ conf, iamConnections }) {
    const workers = workerSetting(conf);
    const workerCount = luaToNumber(workers.value);
    return groupByOrigin(iamConnections, 'poolSize').map((group) => {
      const pool = group.connections[0]?.settings.poolSize ?? 30;
      const each = group.connections.length > 1 ? ' (each, to its own instance)' : '';
      const perNode = workerCount !== null ? workerCount * pool : null;
      const estimate =
        perNode !== null
          ? `${workerCount} nginx workers (${workers.key}) × ${pool} (${group.key}) = up to ${perNode} ${group.label} connections per node${each}`
          : `${workers.key} = ${workers.value} (one worker per CPU core) × ${pool} (${group.key}): e.g. ${4 * pool} ${group.label} connections for a 4-core node${each}`;
      const fleet =
        perNode === null
          ? ''
          : perNode >= RDS_IAM_BUDGET_PER_SECOND
            ? ' One node alone can exceed that.'
            : ` About ${Math.floor(RDS_IAM_BUDGET_PER_SECOND / perNode)} nodes starting in the same second reach it.`;
      return {
        rule: 'iam-pool-burst',
        severity: 'info' as const,
        key: group.key,
        message: `Each new connection is one IAM login: ${estimate}. AWS recommends staying under ${RDS_IAM_BUDGET_PER_SECOND} new IAM connections per second per DB instance (more are throttled, the limit cannot be raised).${fleet} This is an estimate: without pg_backlog, Kong does not cap open connections at the pool size.`,
        fix: `Restart or roll nodes in batches small enough to stay under ${RDS_IAM_BUDGET_PER_SECOND} new logins per second; set nginx_worker_processes to a fixed number, and consider RDS Proxy if the fleet needs more.`,
      };
    });
  },
};
