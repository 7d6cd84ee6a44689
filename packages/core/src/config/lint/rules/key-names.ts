import { IGNORED_KEYS, KONG_KEYS } from '../../defaults';
import type { ConfEntry } from '../../parse';
import type { LintFinding, LintRule } from '../types';

// Kong only reads the settings it knows, by exact name: kong.conf keys are matched
// case-sensitively (pl.config keeps the case) and KONG_* variables are read with
// os.getenv("KONG_" .. key:upper()). Anything else is dropped without a warning, so a
// typo in pg_iam_auth leaves the node on passwords.

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

function closestKey(key: string): string | null {
  let best: string | null = null;
  let bestDistance = 4;
  for (const known of KONG_KEYS.keys()) {
    const d = distance(key, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

function fileFinding(entry: ConfEntry): LintFinding | null {
  const { key, rawKey, line } = entry;
  const where = `"${rawKey}" (kong.conf line ${line})`;
  const ignoredBecause = IGNORED_KEYS.get(key);
  if (ignoredBecause !== undefined) {
    return {
      rule: 'unknown-key',
      severity: 'warning',
      key,
      message: `${where} is ignored: ${ignoredBecause}.`,
      fix: `Remove ${key}.`,
    };
  }
  const lower = key.toLowerCase();
  if (lower !== key && (KONG_KEYS.has(lower) || IGNORED_KEYS.has(lower))) {
    return {
      rule: 'key-case',
      severity: 'warning',
      key: lower,
      message: `${where} is ignored: Kong matches setting names exactly and case-sensitively, so ${lower} keeps its other value.`,
      fix: `Write the name in lower case: ${lower} = ...`,
    };
  }
  if (!lower.startsWith('pg_')) return null;
  const suggestion = closestKey(lower);
  return {
    rule: 'unknown-key',
    severity: 'warning',
    key,
    message: `${where} is not a Kong setting: Kong ignores it without a warning.`,
    fix:
      suggestion !== null
        ? `Did you mean ${suggestion}? Rename the key.`
        : 'Check the name against kong.conf.default, or remove the line.',
  };
}

function envFinding(name: string, where: string): LintFinding | null {
  const upper = name.toUpperCase();
  if (!upper.startsWith('KONG_PG_')) return null;
  const key = upper.slice('KONG_'.length).toLowerCase();
  if (name !== upper && KONG_KEYS.has(key)) {
    return {
      rule: 'key-case',
      severity: 'warning',
      key,
      message: `${where} ${name} is ignored: Kong reads exactly ${upper} (upper case).`,
      fix: `Rename the variable to ${upper}.`,
    };
  }
  if (name !== upper || KONG_KEYS.has(key)) return null;
  const suggestion = closestKey(key);
  return {
    rule: 'unknown-key',
    severity: 'warning',
    key,
    message: `${where} ${name} matches no Kong setting: Kong ignores it.`,
    fix:
      suggestion !== null
        ? `Did you mean KONG_${suggestion.toUpperCase()}?`
        : 'Check the name against kong.conf.default, or remove it.',
  };
}

export const keyNames: LintRule = {
  ids: ['key-case', 'unknown-key'],
  fact: 'Kong reads only settings it knows, by exact lower-case name in kong.conf and exact KONG_<NAME> environment variables; anything else is ignored silently.',
  check({ conf }) {
    const lastByKey = new Map<string, ConfEntry>();
    for (const entry of conf.parsed.entries)
      if (entry.section === null && !KONG_KEYS.has(entry.key)) lastByKey.set(entry.key, entry);
    const findings = [...lastByKey.values()].map(fileFinding);
    for (const name of conf.envNames) findings.push(envFinding(name, 'environment variable'));
    for (const entry of conf.envFile?.entries.values() ?? [])
      findings.push(envFinding(entry.name, `env file line ${entry.line}:`));
    return findings.filter((f): f is LintFinding => f !== null);
  },
};
