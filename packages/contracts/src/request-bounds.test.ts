import { describe, expect, it } from 'vitest';
import * as contracts from './index';

type Schema = Record<string, unknown>;

/** Every number and string a client can send, with what bounds it lacks. */
function unbounded(schema: unknown, path: string, problems: string[] = []): string[] {
  if (typeof schema !== 'object' || schema === null) return problems;
  const s = schema as Schema;
  if (s.type === 'integer' || s.type === 'number') {
    const hasMin = typeof s.minimum === 'number' || typeof s.exclusiveMinimum === 'number';
    const hasMax = typeof s.maximum === 'number' || typeof s.exclusiveMaximum === 'number';
    if (!hasMin || !hasMax) problems.push(`${path}: ${String(s.type)} without minimum and maximum`);
    const max = Number(s.maximum ?? s.exclusiveMaximum);
    if (s.type === 'integer' && max > Number.MAX_SAFE_INTEGER) problems.push(`${path}: maximum beyond 2^53`);
  }
  if (s.type === 'string' && typeof s.maxLength !== 'number' && !s.format && !s.enum && s.const === undefined)
    problems.push(`${path}: string without maxLength`);
  for (const [key, child] of Object.entries(s)) {
    if (key === 'properties' && typeof child === 'object' && child !== null)
      for (const [name, property] of Object.entries(child)) unbounded(property, `${path}.${name}`, problems);
    else if (Array.isArray(child)) child.forEach((item, index) => unbounded(item, `${path}[${index}]`, problems));
    else if (key === 'items') unbounded(child, `${path}[]`, problems);
  }
  return problems;
}

/** Issue 8, finding 6: every integer a client sends has bounds the database can take. */
describe('request schemas', () => {
  const requests = Object.entries(contracts).filter(
    ([name]) => /(Body|Query|Params)$/.test(name) && name !== 'ErrorBody',
  );

  it('are found', () => {
    expect(requests.map(([name]) => name)).toEqual(
      expect.arrayContaining(['PageQuery', 'HeartbeatBody', 'NodesQuery']),
    );
  });

  it('bound every number (minimum and maximum, within 2^53) and every free string (maxLength)', () => {
    expect(requests.flatMap(([name, schema]) => unbounded(schema, name))).toEqual([]);
  });
});
