import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV_SCHEMAS } from '../../src/config.js';
import { ROOT } from '../setup/paths.js';

/**
 * `.env.example`'s variables: `NAME=value` lines, whose value must be the default, and commented
 * `# NAME=example` lines, for variables that must stay unset in a copied file. Prose never matches:
 * a variable line holds nothing but the assignment.
 */
function exampleVariables(text: string): Map<string, { value: string; commented: boolean }> {
  const variables = new Map<string, { value: string; commented: boolean }>();
  for (const line of text.split('\n')) {
    const match = /^(# )?([A-Z][A-Z0-9_]*)=(\S*)$/.exec(line);
    if (match) variables.set(match[2]!, { value: match[3]!, commented: Boolean(match[1]) });
  }
  return variables;
}

/** The default a schema field fills in, as it would be written in a .env file; '' when there is none. */
function schemaDefault(field: z.ZodType): string {
  return field instanceof z.ZodDefault ? String(field.def.defaultValue) : '';
}

const example = exampleVariables(readFileSync(join(ROOT, '.env.example'), 'utf8'));
const schema = new Map(Object.values(ENV_SCHEMAS).flatMap((part) => Object.entries(part.shape) as [string, z.ZodType][]));

describe('.env.example', () => {
  it('lists every variable the config schema reads, and no other', () => {
    expect([...example.keys()].sort()).toEqual([...schema.keys()].sort());
  });

  it('shows each default as the schema has it, and leaves variables without one empty', () => {
    const written = [...example].filter(([, v]) => !v.commented).map(([name, v]) => [name, v.value]);
    expect(written).toEqual(written.map(([name]) => [name, schemaDefault(schema.get(name!)!)]));
  });

  it('comments out only variables with no default', () => {
    for (const [name, { commented }] of example) if (commented) expect(schemaDefault(schema.get(name)!), name).toBe('');
  });

});
