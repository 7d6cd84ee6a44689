import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH } from './schema-diff';

const CLASS_FILE = join(dirname(fileURLToPath(import.meta.url)), '../generated/prisma/internal/class.ts');

describe('the committed Prisma client', () => {
  it('was generated from the current schema.prisma (else run `npm run -w @iamroll/api prisma:generate`)', async () => {
    const generated = await readFile(CLASS_FILE, 'utf8');
    const line = generated.split('\n').find((text) => text.trimStart().startsWith('"inlineSchema":'));
    expect(line, 'no inlineSchema in the generated client').toBeDefined();
    const inlineSchema = JSON.parse(
      line!
        .trim()
        .replace(/^"inlineSchema":\s*/, '')
        .replace(/,$/, ''),
    ) as string;
    expect(inlineSchema).toBe(await readFile(SCHEMA_PATH, 'utf8'));
  });
});
