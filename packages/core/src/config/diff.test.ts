import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './diff';

describe('unifiedDiff', () => {
  it('is empty for identical texts', () => {
    expect(unifiedDiff('a\n', 'a\n')).toBe('');
  });

  it('shows a changed line with three lines of context', () => {
    const before = ['1', '2', '3', '4', 'pg_user = kong', '6', '7', '8', '9'].join('\n') + '\n';
    const after = before.replace('pg_user = kong', 'pg_user = kong_iam');
    expect(unifiedDiff(before, after)).toBe(
      [
        '--- a/kong.conf',
        '+++ b/kong.conf',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-pg_user = kong',
        '+pg_user = kong_iam',
        ' 6',
        ' 7',
        ' 8',
        '',
      ].join('\n'),
    );
  });

  it('shows an appended line', () => {
    expect(unifiedDiff('a\n', 'a\nb\n', { fromName: 'x', toName: 'y' })).toBe(
      '--- x\n+++ y\n@@ -1,1 +1,2 @@\n a\n+b\n',
    );
  });

  it('makes separate hunks for changes far apart', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const after = before.replace('l1\n', 'L1\n').replace('l18', 'L18');
    expect(unifiedDiff(before, after).match(/^@@/gm)).toHaveLength(2);
  });

  it('never shows a password, even as context', () => {
    const diff = unifiedDiff('pg_password = hunter2\npg_user = kong\n', 'pg_password = hunter2\npg_user = kong_iam\n');
    expect(diff).not.toContain('hunter2');
    expect(diff).toContain(' pg_password = ******');
  });
});
