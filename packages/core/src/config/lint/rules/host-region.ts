import { describeKey, type LoadedConf } from '../../load';
import { KONG_REGION_PATTERN_RELEASES, signingRegion } from '../../region';
import type { IamConnection, LintFinding, LintRule } from '../types';

// Kong takes the signing region from the database host name, never from AWS_REGION,
// with unanchored, case-sensitive patterns that know only some region prefixes (see
// ../../region.ts). No region: every login fails with "cannot fetch IAM token because
// extract region from db endpoint failed". AWS also says a custom DNS name (Route 53
// CNAME) cannot be used to generate a token.

const KONG_FAILURE = '"cannot fetch IAM token because extract region from db endpoint failed"';

function regionFinding(conf: LoadedConf, connection: IamConnection, host: string): LintFinding {
  const key = connection.origins.host;
  const where = describeKey(conf, key);
  const base = { rule: 'iam-region-undetectable', severity: 'error' as const, key };
  const verdict = signingRegion(host);
  const problem = verdict.ok ? 'not-an-rds-endpoint' : verdict.problem;
  const awsRegion = verdict.ok ? null : verdict.awsRegion;
  switch (problem) {
    case 'ip-address':
      return {
        ...base,
        message: `${where} is the IP address ${host}: Kong takes the IAM token's signing region from the RDS host name, so every ${connection.label} login fails with ${KONG_FAILURE}.`,
        fix: `Set ${key} to the RDS endpoint name (<name>.<id>.<region>.rds.amazonaws.com).`,
      };
    case 'upper-case':
      return {
        ...base,
        message: `${where} is ${host}: Kong matches the region in the host name case-sensitively, so it finds none and every ${connection.label} login fails with ${KONG_FAILURE}.`,
        fix: `Write ${key} in lower case: ${host.toLowerCase()}.`,
      };
    case 'china-endpoint-form':
      return {
        ...base,
        message: `${where} is ${host}, a real RDS endpoint in ${awsRegion} written in China's form (<name>.<id>.rds.${awsRegion}.amazonaws.com.cn), but Kong's pattern for China expects <region>.rds.amazonaws.com.cn, so it finds no region and every ${connection.label} login fails with ${KONG_FAILURE}. This concerns ${KONG_REGION_PATTERN_RELEASES}.`,
        fix: `Kong has no setting to give the region: keep this connection on passwords until your Kong release recognises China's endpoint form (ask Kong support), or reach the database through an endpoint name Kong can parse.`,
      };
    case 'region-unknown-to-kong':
      return {
        ...base,
        message: `${where} is ${host} in ${awsRegion}, but Kong's region patterns only know regions starting with us-, eu-, ap-, sa-, ca-, me- (plus cn-, us-gov-, us-iso-, us-isob-), so every ${connection.label} login fails with ${KONG_FAILURE}. This concerns ${KONG_REGION_PATTERN_RELEASES}.`,
        fix: `Kong has no setting to give the region: check your Kong release for ${awsRegion} support before moving this node to IAM.`,
      };
    case 'not-an-rds-endpoint':
      return {
        ...base,
        message: `${where} is ${host}, not an RDS endpoint name (a custom DNS name or CNAME?): Kong takes the signing region from the host name and finds none, so every ${connection.label} login fails with ${KONG_FAILURE}. AWS also does not accept tokens generated for a custom name.`,
        fix: `Set ${key} to the RDS endpoint name itself (the CNAME target, <name>.<id>.<region>.rds.amazonaws.com).`,
      };
  }
}

export const hostRegion: LintRule = {
  ids: ['iam-no-host', 'iam-region-undetectable'],
  fact: 'Kong derives the IAM signing region from the database host name (<name>.<id>.<region>.rds.amazonaws.com and the .com.cn, us-gov and iso variants); IP addresses and custom names fail.',
  check({ conf, iamConnections }) {
    return iamConnections.flatMap((connection): LintFinding[] => {
      const host = connection.settings.host;
      if (host === null) {
        return [
          {
            rule: 'iam-no-host',
            severity: 'error',
            key: connection.origins.host,
            message: `${connection.iamKey} = on but ${describeKey(conf, connection.origins.host)} is empty: Kong has no database endpoint to sign an IAM token for.`,
            fix: `Set ${connection.origins.host} to the RDS endpoint name (<name>.<id>.<region>.rds.amazonaws.com).`,
          },
        ];
      }
      return connection.settings.region === null ? [regionFinding(conf, connection, host)] : [];
    });
  },
};
