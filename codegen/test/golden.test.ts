/** The whole real schema's output, kept as files so a review shows every generated change. */
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.ts';
import { fileText, protocol } from './spec-fixtures.ts';

describe('golden output of the real schema', () => {
  const files = generate(protocol);
  it('TypeScript: server/src/generated/protocol.ts', async () => {
    await expect(fileText(files, 'protocol.ts')).toMatchFileSnapshot('./__golden__/protocol.ts.golden');
  });
  it('GDScript: protocol.gd', async () => {
    await expect(fileText(files, 'protocol.gd')).toMatchFileSnapshot('./__golden__/protocol.gd.golden');
  });
  it('GDScript: hole_punch_base.gd', async () => {
    await expect(fileText(files, 'hole_punch_base.gd')).toMatchFileSnapshot('./__golden__/hole_punch_base.gd.golden');
  });
});
