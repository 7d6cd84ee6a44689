import { readFile } from 'node:fs/promises';
import { envVarName, quoteEnvValue, renderConf, type ConfEdit } from '@iamroll/core/config';
import type { NodeFiles } from './applier';

/** kong.conf is the edited file. Kong's environment is taken as empty: pass an env file when it is not. */
export function kongConfFiles(confPath: string): NodeFiles {
  return {
    edited: confPath,
    target: 'conf',
    input: (text) => Promise.resolve({ confText: text, env: {} }),
    render: renderConf,
  };
}

/** The env file is the edited file; kong.conf is read fresh each time, never written. */
export function envFileFiles(envFilePath: string, confPath: string): NodeFiles {
  return {
    edited: envFilePath,
    target: 'env',
    input: async (text) => ({ confText: await readFile(confPath, 'utf8').catch(() => ''), env: {}, envFileText: text }),
    render: renderEnvFile,
  };
}

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;

/**
 * Applies edits to env-file text the way an operator would: a set rewrites the last
 * assignment of the variable (dropping earlier ones, which it overrides anyway) or appends
 * one; an unset removes every assignment. Other lines stay byte-identical.
 */
export function renderEnvFile(text: string, edits: readonly ConfEdit[]): string {
  const endsWithNewline = text === '' || text.endsWith('\n');
  let lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  for (const edit of edits) {
    const name = envVarName(edit.key);
    const matching = lines.flatMap((line, index) => (ASSIGNMENT.exec(line)?.[1] === name ? [index] : []));
    if (edit.op === 'unset') {
      lines = lines.filter((_, index) => !matching.includes(index));
      continue;
    }
    const assignment = `${name}=${quoteEnvValue(edit.value)}`;
    const last = matching.at(-1);
    if (last === undefined) lines.push(assignment);
    else
      lines = lines.flatMap((line, index) => (index === last ? [assignment] : matching.includes(index) ? [] : [line]));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}${endsWithNewline ? '\n' : ''}`;
}
