import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file';

describe('parseEnvFile', () => {
  it('reads NAME=value lines with line numbers', () => {
    expect(parseEnvFile('KONG_PG_USER=kong\n').entries.get('KONG_PG_USER')).toEqual({
      name: 'KONG_PG_USER',
      value: 'kong',
      line: 1,
    });
  });

  it('accepts an export prefix and strips one pair of matching quotes', () => {
    const { entries } = parseEnvFile('export KONG_PG_HOST="db host"\nKONG_PG_USER=\'kong\'\n');
    expect(entries.get('KONG_PG_HOST')?.value).toBe('db host');
    expect(entries.get('KONG_PG_USER')?.value).toBe('kong');
  });

  it('skips comment and blank lines but keeps # inside a value', () => {
    const { entries, diagnostics } = parseEnvFile('# comment\n\nKONG_PG_PASSWORD=a#b\n');
    expect(entries.get('KONG_PG_PASSWORD')?.value).toBe('a#b');
    expect(diagnostics).toEqual([]);
  });

  it('lets a later assignment win', () => {
    expect(parseEnvFile('KONG_PG_USER=a\nKONG_PG_USER=b\n').entries.get('KONG_PG_USER')?.line).toBe(2);
  });

  it('reports lines that are not assignments without echoing them', () => {
    const { diagnostics } = parseEnvFile('KONG_PG_USER=kong\nsecret-value\n');
    expect(diagnostics).toEqual([expect.objectContaining({ line: 2, code: 'env-syntax' })]);
    expect(JSON.stringify(diagnostics)).not.toContain('secret-value');
  });
});
