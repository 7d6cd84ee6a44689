import { describe, expect, it } from 'vitest';
import { isIpAddress, kongSigningRegion, partitionOfRegion, rdsRegionByAwsNaming, signingRegion } from './region';

describe('kongSigningRegion (Kong iam_token_handler patterns)', () => {
  it.each([
    ['kong.abc123.us-east-1.rds.amazonaws.com', 'us-east-1'],
    ['kong.cluster-abc.eu-west-3.rds.amazonaws.com', 'eu-west-3'],
    ['kong.proxy-abc.ap-southeast-2.rds.amazonaws.com', 'ap-southeast-2'],
    ['kong.abc.cn-north-1.rds.amazonaws.com.cn', 'cn-north-1'],
    ['kong.abc.us-gov-west-1.rds.amazonaws.com', 'us-gov-west-1'],
    ['kong.abc.us-iso-east-1.rds.c2s.ic.gov', 'us-iso-east-1'],
    ['kong.abc.us-isob-east-1.rds.sc2s.sgov.gov', 'us-isob-east-1'],
  ])('finds the region in %s', (host, region) => {
    expect(kongSigningRegion(host)).toBe(region);
  });

  it.each([
    ['10.0.0.12', 'an IPv4 address'],
    ['fd00::12', 'an IPv6 address'],
    ['db.internal.example.com', 'a custom DNS name'],
    ['KONG.ABC.US-EAST-1.RDS.AMAZONAWS.COM', 'an upper-case host (Kong matches case-sensitively)'],
    ['kong.abc.af-south-1.rds.amazonaws.com', 'a region prefix Kong does not know (af-)'],
    ['kong.abc.il-central-1.rds.amazonaws.com', 'a region prefix Kong does not know (il-)'],
  ])('finds none for %s (%s)', (host) => {
    expect(kongSigningRegion(host)).toBeNull();
  });

  it('matches anywhere in the name, as the unanchored pattern does', () => {
    expect(kongSigningRegion('kong.abc.us-east-1.rds.amazonaws.com.internal.example')).toBe('us-east-1');
  });
});

describe('helpers', () => {
  it('recognises IP addresses', () => {
    expect(isIpAddress('192.168.1.10')).toBe(true);
    expect(isIpAddress('::1')).toBe(true);
    expect(isIpAddress('db.example.com')).toBe(false);
  });

  it('reads the region by AWS naming even where Kong does not', () => {
    expect(rdsRegionByAwsNaming('kong.abc.af-south-1.rds.amazonaws.com')).toBe('af-south-1');
    expect(rdsRegionByAwsNaming('db.example.com')).toBeNull();
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('puts %s in partition %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe('signingRegion (the one rule for lint, token, probe and preflight)', () => {
  it.each([
    ['test_database.test_cluster.us-east-1.rds.amazonaws.com', { ok: true, region: 'us-east-1' }],
    ['kong.abc.us-east-1.rds.amazonaws.com.internal.example', { ok: true, region: 'us-east-1' }],
    ['10.0.0.12', { ok: false, problem: 'ip-address', awsRegion: null }],
    ['KONG.ABC.US-EAST-1.RDS.AMAZONAWS.COM', { ok: false, problem: 'upper-case', awsRegion: 'us-east-1' }],
    [
      'kong.abc.rds.cn-north-1.amazonaws.com.cn',
      { ok: false, problem: 'china-endpoint-form', awsRegion: 'cn-north-1' },
    ],
    [
      'kong.abc.mx-central-1.rds.amazonaws.com',
      { ok: false, problem: 'region-unknown-to-kong', awsRegion: 'mx-central-1' },
    ],
    ['db.internal.example.com', { ok: false, problem: 'not-an-rds-endpoint', awsRegion: null }],
  ])('judges %s', (host, verdict) => {
    expect(signingRegion(host)).toEqual(verdict);
  });
});
