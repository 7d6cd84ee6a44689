import { describe, expect, it } from 'vitest';
import { conf } from '../../testing';
import { lintKongConf } from '../index';

describe('config-parse', () => {
  it('reports a line Kong ignores as a warning with its line number', () => {
    const [finding] = lintKongConf(conf(['pg_iam_auth on'])).filter((f) => f.rule === 'config-parse');
    expect(finding).toMatchObject({ severity: 'warning', key: 'kong.conf' });
    expect(finding?.message).toMatch(/^kong\.conf line 1: /);
  });

  it('reports an unclosed [ as an error', () => {
    expect(lintKongConf(conf(['[kong'])).filter((f) => f.rule === 'config-parse')[0]?.severity).toBe('error');
  });

  it('reports env file lines it cannot read', () => {
    expect(lintKongConf(conf([], {}, 'KONG PG USER\n')).filter((f) => f.rule === 'config-parse')[0]?.key).toBe(
      'env file',
    );
  });
});
