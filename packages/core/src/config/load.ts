import { KONG_KEYS, envVarName } from './defaults';
import { parseEnvFile, type ParsedEnvFile } from './env-file';
import { luaStrip } from './lua';
import { effectiveEntries, parseKongConf, type ParsedConf } from './parse';

// Kong's precedence (conf_loader `overrides`): the environment variable KONG_<KEY>
// beats kong.conf, which beats the defaults. The variable is read with os.getenv, so
// its name must be exactly upper-case; its value is only stripped of surrounding
// whitespace (no comment removal), and an empty value unsets the setting even when
// kong.conf sets it.
//
// iamroll adds one layer Kong does not know: an env file given with --env-file stands
// for the environment the Kong process really gets (systemd EnvironmentFile, docker
// --env-file), so it wins over the environment iamroll itself runs in.

export type ValueSource = 'default' | `file:${number}` | 'env' | `env-file:${number}`;

export interface ResolvedValue {
  readonly key: string;
  /** The value Kong works with, or null when unset (NONE, or an empty value). */
  readonly value: string | null;
  readonly source: ValueSource;
}

export interface LoadInput {
  /** kong.conf text; pass '' when the node has no file. */
  readonly confText: string;
  /** The process environment (only KONG_* names matter). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Text of an env file holding the environment Kong starts with. */
  readonly envFileText?: string;
}

export interface LoadedConf {
  /** Every setting iamroll knows, resolved as Kong would. */
  readonly values: ReadonlyMap<string, ResolvedValue>;
  readonly parsed: ParsedConf;
  readonly envFile: ParsedEnvFile | null;
  /** Names (never values) of KONG_* variables in the process environment, for name checks. */
  readonly envNames: readonly string[];
}

function orNull(value: string): string | null {
  return value === '' ? null : value;
}

export function loadKongConf(input: LoadInput): LoadedConf {
  const parsed = parseKongConf(input.confText);
  const envFile = input.envFileText === undefined ? null : parseEnvFile(input.envFileText);
  const fromFile = effectiveEntries(parsed);
  const values = new Map<string, ResolvedValue>();

  for (const spec of KONG_KEYS.values()) {
    let resolved: ResolvedValue = { key: spec.key, value: spec.default, source: 'default' };
    const entry = fromFile.get(spec.key);
    if (entry) resolved = { key: spec.key, value: orNull(entry.value), source: `file:${entry.line}` };
    const name = envVarName(spec.key);
    const fromEnv = input.env?.[name];
    if (fromEnv !== undefined) resolved = { key: spec.key, value: orNull(luaStrip(fromEnv)), source: 'env' };
    const fromEnvFile = envFile?.entries.get(name);
    if (fromEnvFile) {
      resolved = { key: spec.key, value: orNull(luaStrip(fromEnvFile.value)), source: `env-file:${fromEnvFile.line}` };
    }
    values.set(spec.key, resolved);
  }
  const envNames = Object.keys(input.env ?? {}).filter((name) => name.toUpperCase().startsWith('KONG_'));
  return { values, parsed, envFile, envNames };
}

export function resolved(conf: LoadedConf, key: string): ResolvedValue {
  return conf.values.get(key) ?? { key, value: null, source: 'default' };
}

export function valueOf(conf: LoadedConf, key: string): string | null {
  return resolved(conf, key).value;
}

/** True when the operator set the key (file or environment), not Kong's default. */
export function isExplicit(conf: LoadedConf, key: string): boolean {
  return resolved(conf, key).source !== 'default';
}

/** Where a value came from, in words an operator can act on. */
export function describeSource(key: string, source: ValueSource): string {
  if (source === 'default') return "Kong's default";
  if (source === 'env') return `environment variable ${envVarName(key)}`;
  const [kind, line] = source.split(':');
  if (kind === 'file') return `kong.conf line ${line}`;
  return `env file line ${line} (${envVarName(key)})`;
}

export function describeKey(conf: LoadedConf, key: string): string {
  return `${key} (${describeSource(key, resolved(conf, key).source)})`;
}
