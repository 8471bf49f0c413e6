// etc/nova.conf.sample and the option table of docs/compute.md are generated from the
// declarations: this fails when they are stale.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { renderMarkdown, renderSample, spliceGeneratedSection } from '@baton/config';
import { COMPUTE_GROUPS, COMPUTE_SAMPLE_TITLE, computeFileGroups } from '../../src/compute/config.ts';

const root = new URL('../../../../', import.meta.url);
const REGENERATE = 'stale: run `node --import tsx scripts/gen-config-docs.ts` and commit the result';

it('etc/nova.conf.sample and docs/compute.md match the declarations', () => {
  assert.equal(readFileSync(new URL('etc/nova.conf.sample', root), 'utf8'), renderSample(computeFileGroups(), COMPUTE_SAMPLE_TITLE), `etc/nova.conf.sample is ${REGENERATE}`);
  const page = readFileSync(new URL('docs/compute.md', root), 'utf8');
  assert.equal(page, spliceGeneratedSection(page, renderMarkdown(COMPUTE_GROUPS)), `docs/compute.md is ${REGENERATE}`);
});
