import { KONG_KEYS, envVarName } from '../../defaults';
import { describeKey, resolved } from '../../load';
import { isRecognizedBoolean } from '../../lua';
import type { LintFinding, LintRule } from '../types';

// Kong's boolean parsing is `value == "on" or value == "true"`: exact and
// case-sensitive. `yes`, `1`, `enabled`, `ON`, `True` are all silently false, so
// `pg_iam_auth = ON` leaves the node on passwords without any error.

export const booleans: LintRule = {
  ids: ['bool-not-recognized'],
  fact: 'Kong treats a boolean as true only when it is exactly "on" or "true"; any other value, including "ON" or "yes", is silently false.',
  check({ conf }) {
    const findings: LintFinding[] = [];
    for (const spec of KONG_KEYS.values()) {
      if (spec.type !== 'boolean') continue;
      const { value, source } = resolved(conf, spec.key);
      if (source === 'default' || value === null || isRecognizedBoolean(value)) continue;
      const lower = value.toLowerCase();
      const looksTrue = lower === 'on' || lower === 'true' || lower === 'yes' || lower === '1' || lower === 'enabled';
      const why =
        lower === 'on' || lower === 'true' || lower === 'off' || lower === 'false'
          ? 'Kong compares booleans case-sensitively'
          : 'Kong knows only on/off and true/false';
      const intended = looksTrue ? 'on' : 'off';
      findings.push({
        rule: 'bool-not-recognized',
        severity: 'warning',
        key: spec.key,
        message: `${describeKey(conf, spec.key)} is ${JSON.stringify(value)}: ${why}, so it reads this as off, without a warning${looksTrue ? ', although it looks like "on"' : ''}.`,
        fix:
          source === 'env' || source.startsWith('env-file')
            ? `Set ${envVarName(spec.key)}=${intended} (lower case).`
            : `Write ${spec.key} = ${intended} (lower case).`,
      });
    }
    return findings;
  },
};
