import type { ConfDiagnostic, DiagnosticCode } from '../../parse';
import type { LintFinding, LintRule } from '../types';

// Kong reads kong.conf with Penlight's pl.config, which skips what it cannot read
// without a word: a typo like a missing "=" silently leaves a setting at its default.

const FIXES: Readonly<Record<DiagnosticCode, string>> = {
  'no-separator': 'Write the setting as "key = value", or comment the line out with "#".',
  'no-key': 'Put the setting name before "=", or comment the line out with "#".',
  section:
    'kong.conf has no sections: remove the "[...]" line (or comment it out) so the settings below it take effect.',
  'bad-section': 'Remove the line or comment it out with "#": Kong cannot start until it is gone.',
  'dangling-continuation': 'Remove the trailing "\\" or finish the value on the next line.',
  'env-syntax': 'Write NAME=value (optionally "export NAME=value"), or comment the line out with "#".',
};

function toFinding(diagnostic: ConfDiagnostic, file: string): LintFinding {
  return {
    rule: 'config-parse',
    severity: diagnostic.severity,
    key: file,
    message: `${file} line ${diagnostic.line}: ${diagnostic.message}.`,
    fix: FIXES[diagnostic.code],
  };
}

export const configParse: LintRule = {
  ids: ['config-parse'],
  fact: 'Kong (pl.config) silently ignores lines without "=", settings after a "[section]" line and an unfinished "\\" continuation; a "[" line without "]" stops Kong from loading the file.',
  check({ conf }) {
    return [
      ...conf.parsed.diagnostics.map((d) => toFinding(d, 'kong.conf')),
      ...(conf.envFile?.diagnostics ?? []).map((d) => toFinding(d, 'env file')),
    ];
  },
};
