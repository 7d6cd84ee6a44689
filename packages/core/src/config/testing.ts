// Helpers for tests of this module: build a LoadedConf from literal lines and pick findings.
import { lintKongConf, type LintFinding } from './lint/index';
import { loadKongConf, type LoadedConf } from './load';

export const RDS_HOST = 'kong.abc123xyz.us-east-1.rds.amazonaws.com';
export const RDS_READER = 'kong-ro.abc123xyz.us-east-1.rds.amazonaws.com';

export function conf(lines: readonly string[], env: Record<string, string> = {}, envFileText?: string): LoadedConf {
  return loadKongConf({
    confText: lines.map((line) => `${line}\n`).join(''),
    env,
    ...(envFileText === undefined ? {} : { envFileText }),
  });
}

export function lint(lines: readonly string[], env: Record<string, string> = {}): LintFinding[] {
  return lintKongConf(conf(lines, env));
}

export function findings(lines: readonly string[], rule: string, env: Record<string, string> = {}): LintFinding[] {
  return lint(lines, env).filter((finding) => finding.rule === rule);
}
