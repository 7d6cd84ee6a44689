import { describeKey } from '../../load';
import { partitionOfRegion } from '../../region';
import { groupByOrigin } from '../context';
import type { LintFinding, LintRule } from '../types';

// With an assume-role ARN (Kong 3.8+), Kong calls STS AssumeRole with the session name
// before signing tokens. STS rejects a malformed ARN, a role in another partition, and a
// RoleSessionName outside 2-64 characters of [\w+=,.@-]; the custom STS endpoint URL
// receives requests signed with the node's credentials and returns new credentials.

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\x21-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export const assumeRoleArn: LintRule = {
  ids: ['iam-assume-role-arn-invalid'],
  fact: "Kong passes pg_iam_auth_assume_role_arn (and the read-only one, which inherits it) to STS AssumeRole; STS accepts only arn:<partition>:iam::<12-digit account>:role/<path/name> in the database's partition.",
  check({ conf, iamConnections }) {
    return groupByOrigin(iamConnections, 'assumeRoleArn', (c) => c.settings.assumeRoleArn !== null).flatMap(
      (group): LintFinding[] => {
        const arn = group.connections[0]?.settings.assumeRoleArn ?? '';
        const base = { rule: 'iam-assume-role-arn-invalid', severity: 'error' as const, key: group.key };
        const match = ROLE_ARN.exec(arn);
        if (!match) {
          return [
            {
              ...base,
              message: `${describeKey(conf, group.key)} is ${JSON.stringify(arn)}, not an IAM role ARN: STS AssumeRole rejects it, so Kong cannot make IAM tokens for the ${group.label} connection.`,
              fix: 'Use arn:aws:iam::<12-digit account id>:role/<role name> (arn:aws-cn:… or arn:aws-us-gov:… in those partitions).',
            },
          ];
        }
        const partition = match[1] ?? 'aws';
        const region = group.connections
          .map((c) => c.settings.region)
          .find((r) => r !== null && partitionOfRegion(r) !== partition);
        if (region === undefined || region === null) return [];
        return [
          {
            ...base,
            message: `${describeKey(conf, group.key)} is a role in partition ${partition}, but the database is in ${region} (partition ${partitionOfRegion(region)}): a role cannot be assumed across partitions.`,
            fix: `Use a role ARN starting with arn:${partitionOfRegion(region)}:iam::.`,
          },
        ];
      },
    );
  },
};

export const sessionName: LintRule = {
  ids: ['iam-session-name-invalid'],
  fact: 'STS requires RoleSessionName to be 2-64 characters of letters, digits and +=,.@_-; Kong sends pg_iam_auth_role_session_name (pg_ro_iam_auth_role_session_name) with every AssumeRole.',
  check({ conf, iamConnections }) {
    return iamConnections.flatMap((connection): LintFinding[] => {
      const name = connection.settings.roleSessionName;
      if (name !== null && SESSION_NAME.test(name)) return [];
      const key = connection.origins.roleSessionName;
      const isUsed = connection.settings.assumeRoleArn !== null;
      return [
        {
          rule: 'iam-session-name-invalid',
          severity: isUsed ? 'error' : 'warning',
          key,
          message: `${describeKey(conf, key)} is ${name === null ? 'empty' : JSON.stringify(name)}: STS accepts only 2-64 characters of letters, digits and +=,.@_-${isUsed ? ', so AssumeRole fails and Kong cannot make IAM tokens' : '. No role is assumed today, but AssumeRole will fail as soon as an assume-role ARN is set'}.`,
          fix: `Set ${key} = KongPostgres (Kong's default) or another valid name.`,
        },
      ];
    });
  },
};

export const stsEndpoint: LintRule = {
  ids: ['iam-sts-endpoint-not-https'],
  fact: "pg_iam_auth_sts_endpoint_url (inherited by the read-only connection) receives AssumeRole requests signed with the node's AWS credentials and answers with temporary credentials: it must be https.",
  check({ conf, iamConnections }) {
    return groupByOrigin(iamConnections, 'stsEndpointUrl', (c) => c.settings.stsEndpointUrl !== null).flatMap(
      (group): LintFinding[] => {
        const first = group.connections[0];
        const url = first?.settings.stsEndpointUrl ?? '';
        let protocol: string | null = null;
        try {
          protocol = new URL(url).protocol;
        } catch {
          protocol = null;
        }
        if (protocol === 'https:') return [];
        const problem =
          protocol === null
            ? 'is not a URL'
            : `uses ${protocol.replace(/:$/, '')}, so credentials travel in clear text`;
        const unused = group.connections.every((c) => c.settings.assumeRoleArn === null)
          ? ' (Kong calls it only once an assume-role ARN is set.)'
          : '';
        return [
          {
            rule: 'iam-sts-endpoint-not-https',
            severity: 'warning',
            key: group.key,
            message: `${describeKey(conf, group.key)} is ${JSON.stringify(url)} and ${problem}: Kong sends the ${group.label} connection's AssumeRole requests there and receives temporary AWS credentials back.${unused}`,
            fix: `Use an https:// STS endpoint, e.g. https://sts.${first?.settings.region ?? '<region>'}.amazonaws.com or your STS VPC endpoint's https URL.`,
          },
        ];
      },
    );
  },
};
