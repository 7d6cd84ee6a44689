import { availableParallelism } from 'node:os';
import type { ConnectionConfig, Finding, HeartbeatConfig, KongRole, PoolShape } from '@iamroll/contracts';
import {
  currentStage,
  effectiveConfig,
  iamApplicability,
  lintKongConf,
  loadKongConf,
  luaToNumber,
  valueOf,
  type ConnectionSettings,
  type LoadInput,
  type LoadedConf,
} from '@iamroll/core/config';
import { sha256 } from '../files/atomic-file';

/** Kong's defaults where the settings are unset (kong/templates/kong_defaults.lua). */
const KONG_DEFAULT_KEEPALIVE_MS = 60_000;
const KONG_DEFAULT_POOL_SIZE = 30;
const MAX_FINDINGS = 200;

export interface NodeDescription {
  readonly role: KongRole;
  readonly config: HeartbeatConfig;
  readonly findings: Finding[];
}

/** nginx_worker_processes (`auto` = one per core, as nginx counts them). */
export function workersOf(conf: LoadedConf): number {
  const value = valueOf(conf, 'nginx_worker_processes') ?? valueOf(conf, 'nginx_main_worker_processes') ?? 'auto';
  const n = value === 'auto' ? availableParallelism() : Number.parseInt(value, 10);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 4_096) : 1;
}

function roleOf(conf: LoadedConf): KongRole {
  const role = valueOf(conf, 'role');
  return role === 'control_plane' || role === 'data_plane' ? role : 'traditional';
}

function connection(settings: ConnectionSettings): ConnectionConfig {
  return {
    host: (settings.host ?? '127.0.0.1').slice(0, 255),
    port: settings.port !== null && settings.port >= 1 && settings.port <= 65_535 ? settings.port : 5432,
    database: (settings.database ?? 'kong').slice(0, 255),
    user: (settings.user ?? 'kong').slice(0, 255),
    iam: settings.iam,
    ssl: settings.ssl,
    sslVerify: settings.sslVerify,
    region: settings.region,
  };
}

function pool(settings: ConnectionSettings, workers: number, keepalive: number | null): PoolShape {
  return {
    workers,
    poolSize: Math.min(Math.max(Math.trunc(settings.poolSize ?? KONG_DEFAULT_POOL_SIZE), 0), 100_000),
    keepaliveTimeoutMs: Math.trunc(keepalive ?? KONG_DEFAULT_KEEPALIVE_MS),
  };
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * What the heartbeat says about the node's configuration, computed by the core exactly as
 * Kong reads it. Only settings and findings travel: never pg_password (the core's effective
 * config exposes `hasPassword`, not the value) nor anything from the backups.
 */
export function describeNode(input: LoadInput): NodeDescription {
  const conf = loadKongConf(input);
  const effective = effectiveConfig(conf);
  const workers = workersOf(conf);
  const hasDatabase = iamApplicability(conf).isApplicable;
  const rwKeepalive = luaToNumber(valueOf(conf, 'pg_keepalive_timeout'));
  const roKeepalive = luaToNumber(valueOf(conf, 'pg_ro_keepalive_timeout')) ?? rwKeepalive;
  const stage = currentStage(effective);
  const pools = {
    rw: pool(effective.rw, workers, rwKeepalive),
    ro: effective.ro ? pool(effective.ro, workers, roKeepalive) : null,
  };
  const body = {
    workers,
    poolSize: pools.rw.poolSize,
    stage: stage === 'rw_iam_ro_password' ? ('rw_iam' as const) : stage,
    rw: hasDatabase ? connection(effective.rw) : null,
    ro: hasDatabase && effective.ro ? connection(effective.ro) : null,
    pools,
  };
  const findings = lintKongConf(conf)
    .slice(0, MAX_FINDINGS)
    .map((f) => ({
      rule: clip(f.rule, 100),
      severity: f.severity,
      key: clip(f.key, 100),
      message: clip(f.message, 1_000),
      fix: clip(f.fix, 1_000),
    }));
  const hash = sha256(JSON.stringify({ body, findings: findings.map((f) => `${f.rule}:${f.key}`) }));
  return { role: roleOf(conf), config: { hash, ...body }, findings };
}
