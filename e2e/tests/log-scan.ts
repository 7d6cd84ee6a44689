// The secrets scan over what an e2e run printed and logged: the controller's and the sandbox's
// output and log files. The rules are the controller's own heartbeat scan (tokens with
// X-Amz-Signature / X-Amz-Credential, AWS keys, passwords and secrets in assignments), plus
// the exact values the run knows to be secret. A hit names the file and the line, never the value.
import { secretIn } from '../../apps/api/src/modules/heartbeats/secret-scan';

export interface ScannedText {
  /** What the text is: a file path, or "iamroll start stdout". */
  readonly name: string;
  readonly text: string;
}

export interface KnownSecret {
  readonly what: string;
  readonly value: string;
  /** A line where it may appear by design (the sandbox banner prints the admin password). */
  readonly isAllowedOn?: (line: string) => boolean;
}

export interface SecretFinding {
  readonly name: string;
  readonly line: number;
  readonly looksLike: string;
}

export function scanForSecrets(texts: readonly ScannedText[], known: readonly KnownSecret[] = []): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { name, text } of texts) {
    text.split('\n').forEach((line, index) => {
      const secret = known.find((item) => item.value && line.includes(item.value) && !item.isAllowedOn?.(line));
      const looksLike = secret ? `the ${secret.what}` : secretIn(line);
      if (looksLike) findings.push({ name, line: index + 1, looksLike });
    });
  }
  return findings;
}

/** "api.log:12: an AWS access key id": what a failing run prints (no value). */
export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings.map((finding) => `${finding.name}:${finding.line}: ${finding.looksLike}`).join('\n');
}
