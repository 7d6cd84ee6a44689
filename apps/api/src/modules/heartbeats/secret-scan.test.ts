import { describe, expect, it } from 'vitest';
import { HeartbeatBody } from '@iamroll/contracts';
import { TYPED_HEARTBEAT_FIELDS } from './heartbeat-service';
import { findSecret, secretIn } from './secret-scan';

describe('secret scan', () => {
  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['using ASIAY34FZKBOKMUTVV7A for STS', 'an AWS access key id'],
    ['db.example.com:5432/?Action=connect&DBUser=kong&X-Amz-Signature=abc', 'a signed RDS IAM token or presigned URL'],
    ['header X-Amz-Security-Token=IQoJb3JpZ2luX2Vj', 'a signed RDS IAM token or presigned URL'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
    ['secret key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
    ['pg_password = hunter2', 'a password or secret'],
    ['login failed with password: "s3cr3t!"', 'a password or secret'],
    ['postgres://kong:hunter2@db.example.com:5432/kong', 'a URL with a password'],
    ['agent uses iamagent_AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'an iamroll token'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload', 'a bearer token'],
    ['token=abcdefghijklmnop1234', 'a token'],
    ['Server=db;Uid=kong;PWD=Tr0ub4dor', 'a password or secret'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'a private key'],
  ])('flags %s', (text, looksLike) => {
    expect(secretIn(text)).toBe(looksLike);
  });

  it.each([
    'kong-db.abc123xyz.us-east-1.rds.amazonaws.com',
    '3.9.1.0',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'Remove pg_password: with pg_iam_auth = on Kong replaces it with a token.',
    'pg_password = <unset>',
    'set pg_password = ${KONG_PG_PASSWORD}',
    'pg_iam_auth_assume_role_arn = arn:aws:iam::123456789012:role/kong-rds',
    'IAM token: expired 3 s ago',
    'token cache hit rate 98%',
    'pg_iam_auth',
    'boot-7f3a9c2e-1b4d',
    'pwd: /etc/kong',
    'password authentication failed for user "kong"',
  ])('lets %s through', (text) => {
    expect(secretIn(text)).toBeUndefined();
  });

  it('names the field, never the value', () => {
    const hit = findSecret({ status: 'ok', findings: [{ message: 'fine' }, { message: 'fix: pg_password=hunter2' }] });
    expect(hit).toEqual({ path: 'body.findings.1.message', looksLike: 'a password or secret' });
  });
});

/** Issue 8, finding 8: secrets hidden by encoding or phrasing. */
describe('secret scan after normalising', () => {
  it.each([
    ['kong:hunter2@db.example.com', 'a user and password before a host'],
    ['connect to kong:hunter2@db.example.com failed', 'a user and password before a host'],
    ['db.example.com/?X-Amz-Signature%3Dabcdef0123456789', 'a signed RDS IAM token or presigned URL'],
    ['X-Amz-Signature%253Dabcdef0123456789', 'a signed RDS IAM token or presigned URL'],
    ['pg_password is hunter2', 'a password or secret'],
    ['the pg_password was "correct horse"', 'a password or secret'],
    ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
    ['creds: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end', 'an AWS secret access key'],
    ['ＡＫＩＡＩＯＳＦＯＤＮＮ７ＥＸＡＭＰＬＥ', 'an AWS access key id'],
    ['AKIA\u200BIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['pg_pass\u200Bword = hunter2', 'a password or secret'],
    ['pg_password\uFF1Dhunter2', 'a password or secret'],
  ])('flags %j', (text, looksLike) => {
    expect(secretIn(text)).toBe(looksLike);
  });

  it.each([
    'pg_password is required when pg_iam_auth is off',
    'pg_password is not used: IAM is on',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'kong@db.example.com',
    '100% of connections use IAM',
    'user kong connected to db.example.com:5432',
    'pg_host = kong-db.abc123xyz.us-east-1.rds.amazonaws.com',
  ])('lets %j through', (text) => {
    expect(secretIn(text)).toBeUndefined();
  });
});

describe('secret scan of repeated strings (the hot path keeps clean verdicts)', () => {
  it('flags a secret every time it is sent, beside clean strings seen before', () => {
    const clean = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const body = { config: { hash: clean }, findings: [{ message: 'pg_password = hunter2' }] };
    for (let beat = 0; beat < 3; beat++) {
      expect(secretIn(clean)).toBeUndefined();
      expect(findSecret(body)).toEqual({ path: 'body.findings.0.message', looksLike: 'a password or secret' });
    }
  });
});

describe('secret scan of a body whose config passed before', () => {
  const body = { statusMessage: 'fine', config: { rw: { user: 'AKIAIOSFODNN7EXAMPLE' } }, findings: [] };

  it('skips only the key named unchanged', () => {
    expect(findSecret(body)).toEqual({ path: 'body.config.rw.user', looksLike: 'an AWS access key id' });
    expect(findSecret(body, 'body', new Set(['config']))).toBeUndefined();
    expect(findSecret({ ...body, statusMessage: 'pg_password = hunter2' }, 'body', new Set(['config']))).toEqual({
      path: 'body.statusMessage',
      looksLike: 'a password or secret',
    });
    expect(findSecret(body, 'body', new Set(['findings']))).toEqual({
      path: 'body.config.rw.user',
      looksLike: 'an AWS access key id',
    });
  });
});

/** A schema that admits no free text: numbers, `date-time` strings, enums, null, closed objects of those. */
function admitsNoText(schema: Record<string, unknown>): boolean {
  if (Array.isArray(schema.enum)) return true;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Record<string, unknown>[]).every(admitsNoText);
  switch (schema.type) {
    case 'integer':
    case 'number':
    case 'null':
      return true;
    case 'string':
      return schema.format === 'date-time' && schema.pattern === undefined;
    case 'object':
      return (
        schema.additionalProperties === false &&
        Object.values(schema.properties as Record<string, Record<string, unknown>>).every(admitsNoText)
      );
    default:
      return false;
  }
}

describe('the heartbeat fields the scan skips', () => {
  const properties = HeartbeatBody.properties as unknown as Record<string, Record<string, unknown>>;

  it.each(TYPED_HEARTBEAT_FIELDS)('%s admits no free text in the contract', (field) => {
    expect(properties[field], field).toBeDefined();
    expect(admitsNoText(properties[field]!)).toBe(true);
  });

  it('the check would catch a field that holds text', () => {
    expect(admitsNoText(properties.kongVersion!)).toBe(false);
    expect(admitsNoText(properties.findings!)).toBe(false);
    expect(admitsNoText({ type: 'object', properties: { at: { type: 'integer' } } })).toBe(false);
  });
});
