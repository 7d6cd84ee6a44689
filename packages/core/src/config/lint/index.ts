import type { LoadedConf } from '../load';
import { lintContext } from './context';
import { notApplicable } from './rules/applicability';
import { assumeRoleArn, sessionName, stsEndpoint } from './rules/assume-role';
import { booleans } from './rules/booleans';
import { configParse } from './rules/config-parse';
import { hostRegion } from './rules/host-region';
import { keyNames } from './rules/key-names';
import { mtlsConflict } from './rules/mtls';
import { passwordIgnored } from './rules/password';
import { poolBurst } from './rules/pool-burst';
import { roNotInherited, roSessionName, roSslNotInherited, roWithoutHost } from './rules/read-only';
import { sslForced } from './rules/ssl-forced';
import { iamTls13, sslVersionValid } from './rules/ssl-version';
import { sslCaMissing, sslVerifyOff } from './rules/verify';
import type { LintFinding, LintRule, LintSeverity } from './types';

export type { IamConnection, LintContext, LintFinding, LintRule, LintSeverity } from './types';

/** Every rule, in the order findings of equal severity are listed. */
export const LINT_RULES: readonly LintRule[] = [
  configParse,
  keyNames,
  booleans,
  sslVersionValid,
  mtlsConflict,
  notApplicable,
  hostRegion,
  assumeRoleArn,
  sessionName,
  sslCaMissing,
  roNotInherited,
  roSslNotInherited,
  sslVerifyOff,
  iamTls13,
  passwordIgnored,
  stsEndpoint,
  sslForced,
  roSessionName,
  roWithoutHost,
  poolBurst,
];

const RANK: Readonly<Record<LintSeverity, number>> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then info; rule order within a severity. */
export function sortFindings(findings: readonly LintFinding[]): LintFinding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

export function lintKongConf(conf: LoadedConf): LintFinding[] {
  const context = lintContext(conf);
  return sortFindings(LINT_RULES.flatMap((rule) => rule.check(context)));
}

export function countBySeverity(findings: readonly LintFinding[]): Readonly<Record<LintSeverity, number>> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}
