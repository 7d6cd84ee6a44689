import { describe, expect, it } from 'vitest';
import { TokenError } from './errors';
import { regionFromRdsHost, resolveSigningRegion } from './region';

describe('regionFromRdsHost', () => {
  it.each([
    ['mydb.abcdefghijkl.us-east-1.rds.amazonaws.com', 'us-east-1'],
    ['my-cluster.cluster-abcdefghijkl.eu-west-3.rds.amazonaws.com', 'eu-west-3'],
    ['my-cluster.cluster-ro-abcdefghijkl.ap-southeast-2.rds.amazonaws.com', 'ap-southeast-2'],
    ['my-proxy.proxy-abcdefghijkl.us-west-2.rds.amazonaws.com', 'us-west-2'],
    ['mydb.abcdefghijkl.cn-north-1.rds.amazonaws.com.cn', 'cn-north-1'],
    ['mydb.abcdefghijkl.us-gov-west-1.rds.amazonaws.com', 'us-gov-west-1'],
    ['mydb.abcdefghijkl.us-iso-east-1.rds.c2s.ic.gov', 'us-iso-east-1'],
    ['mydb.abcdefghijkl.us-isob-east-1.rds.sc2s.sgov.gov', 'us-isob-east-1'],
    ['test_database.test_cluster.us-east-1.rds.amazonaws.com', 'us-east-1'],
  ])('reads the region of %s as Kong does', (host, region) => {
    expect(regionFromRdsHost(host)).toBe(region);
  });

  it.each([
    '10.0.0.12',
    '127.0.0.1',
    'localhost',
    'db.internal.example.com',
    'kong-db.example.rds.amazonaws.com.evil.example',
    'abcdefghijkl.rds.amazonaws.com',
    'mydb.abcdefghijkl.us-east-1.rds.amazonaws.co',
    'MyDB.ABCDEFGHIJKL.US-EAST-2.RDS.AMAZONAWS.COM.',
    'mydb.abcdefghijkl.rds.cn-north-1.amazonaws.com.cn',
    'mydb.abcdefghijkl.af-south-1.rds.amazonaws.com',
  ])('finds no region in %s, where Kong finds none', (host) => {
    expect(regionFromRdsHost(host)).toBeUndefined();
  });
});

describe('resolveSigningRegion', () => {
  it('prefers an explicit region over the hostname', () => {
    expect(resolveSigningRegion('mydb.abcdefghijkl.us-east-1.rds.amazonaws.com', 'eu-central-1')).toBe('eu-central-1');
  });

  it('lets an explicit region sign for an IP address', () => {
    expect(resolveSigningRegion('127.0.0.1', 'us-east-1')).toBe('us-east-1');
  });

  it('rejects an explicit region that is not a region name', () => {
    expect(() => resolveSigningRegion('127.0.0.1', 'virginia')).toThrow(/not an AWS region name/);
  });

  it('fails for a custom name with a message naming the host and --region', () => {
    let caught: unknown;
    try {
      resolveSigningRegion('db.internal.example.com');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TokenError);
    expect((caught as TokenError).failureCause).toBe('region');
    expect((caught as TokenError).message).toContain('"db.internal.example.com"');
    expect((caught as TokenError).message).toContain('--region');
  });
});

describe('resolveSigningRegion where Kong fails on a real RDS endpoint', () => {
  it.each([
    ['mydb.abcdefghijkl.rds.cn-north-1.amazonaws.com.cn', "China's form", 'cn-north-1'],
    ['mydb.abcdefghijkl.il-central-1.rds.amazonaws.com', "a region Kong's patterns do not know", 'il-central-1'],
    ['MYDB.ABCDEFGHIJKL.US-EAST-2.RDS.AMAZONAWS.COM', 'lower case', 'us-east-2'],
  ])('refuses %s, saying %s and offering --region %s', (host, says, region) => {
    expect(() => resolveSigningRegion(host)).toThrow(says);
    expect(() => resolveSigningRegion(host)).toThrow(`--region ${region}`);
  });
});
