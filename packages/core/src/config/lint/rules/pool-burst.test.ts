import { describe, expect, it } from 'vitest';
import { RDS_HOST, findings } from '../../testing';

const IAM = [`pg_host = ${RDS_HOST}`, 'pg_iam_auth = on'];

describe('iam-pool-burst', () => {
  it('multiplies fixed workers by pg_pool_size', () => {
    const [finding] = findings([...IAM, 'nginx_worker_processes = 4', 'pg_pool_size = 20'], 'iam-pool-burst');
    expect(finding).toMatchObject({ severity: 'info', key: 'pg_pool_size' });
    expect(finding?.message).toContain('4 nginx workers (nginx_worker_processes) × 20 (pg_pool_size) = up to 80');
    expect(finding?.message).toContain('About 2 nodes');
  });

  it('prefers nginx_main_worker_processes over its alias', () => {
    expect(
      findings([...IAM, 'nginx_worker_processes = 4', 'nginx_main_worker_processes = 2'], 'iam-pool-burst')[0]?.message,
    ).toContain('2 nginx workers (nginx_main_worker_processes) × 30');
  });

  it('explains auto as one worker per core with lua_socket_pool_size', () => {
    expect(findings(IAM, 'iam-pool-burst')[0]?.message).toContain('one worker per CPU core');
  });

  it('says when one node alone exceeds 200 logins', () => {
    expect(findings([...IAM, 'nginx_worker_processes = 16'], 'iam-pool-burst')[0]?.message).toContain('One node alone');
  });

  it('is quiet without IAM', () => {
    expect(findings(['nginx_worker_processes = 16'], 'iam-pool-burst')).toEqual([]);
  });
});
