// docs/errors.md lists exactly the error codes each package exports (fastify's errors test).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as fernet from '@baton/fernet';
import * as tokens from '@baton/tokens';
import * as config from '@baton/config';
import * as identity from '@baton/identity';
import * as authToken from '@baton/auth-token';
import * as session from '@baton/session';
import * as doctor from '@baton/doctor';
import * as cloud from '@baton/cloud';

const packages: Record<string, { errors: Record<string, unknown> }> = {
  '@baton/fernet': fernet,
  '@baton/tokens': tokens,
  '@baton/config': config,
  '@baton/identity': identity,
  '@baton/auth-token': authToken,
  '@baton/session': session,
  '@baton/doctor': doctor,
  '@baton/cloud': cloud,
};

/** code → class name, for every error class of a package that has a code of its own. */
function exportedCodes(errors: Record<string, unknown>): Map<string, string> {
  const codes = new Map<string, string>();
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
    const code = (value as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    assert.ok(!codes.has(code), `${name} reuses ${code} (already ${codes.get(code)})`);
    codes.set(code, name);
  }
  return codes;
}

/** code → class name, from the tables of one `## <package>` section of docs/errors.md. */
function documentedCodes(doc: string, pkg: string): Map<string, string> {
  const section = doc.split(/^## /m).find((s) => s.startsWith(pkg));
  assert.ok(section, `docs/errors.md has no section for ${pkg}`);
  const codes = new Map<string, string>();
  for (const match of section.matchAll(/^\| `(ERR_[A-Z_]+)` \| `(\w+)` \|/gm)) codes.set(match[1] as string, match[2] as string);
  return codes;
}

describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const [pkg, mod] of Object.entries(packages)) {
    it(`lists exactly the codes ${pkg} exports, each with its class`, () => {
      const exported = exportedCodes(mod.errors);
      assert.ok(exported.size > 0, `${pkg} exports no coded errors`);
      assert.deepEqual(Object.fromEntries([...documentedCodes(doc, pkg)].sort()), Object.fromEntries([...exported].sort()));
    });
  }
  it('instances carry the same code as their class', () => {
    const invalid = new tokens.TokenInvalidError({ cause: null });
    assert.equal(invalid.code, tokens.TokenInvalidError.code);
  });
});
