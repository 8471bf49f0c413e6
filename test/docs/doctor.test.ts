// docs/doctor.md documents exactly the findings @baton/doctor can report.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FINDING_IDS } from '@baton/doctor';

test('docs/doctor.md has one table row per finding id, and no other', () => {
  const doc = readFileSync(new URL('../../docs/doctor.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([a-z-]+)` \[(error|warning)/gm)].map((m) => m[1]);
  assert.deepEqual([...documented].sort(), [...FINDING_IDS].sort());
});
