// etc/glance-api.conf.sample, etc/neutron.conf.sample and the option tables of docs/image.md
// and docs/network.md are generated from the declarations: this fails when they are stale.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderMarkdown, renderSample, spliceGeneratedSection } from '@baton/config';
import { IMAGE_OWN_GROUPS, IMAGE_SAMPLE_TITLE, imageFileGroups } from '../../src/image/config.ts';
import { NETWORK_OWN_GROUPS, NETWORK_SAMPLE_TITLE, networkFileGroups } from '../../src/network/config.ts';

const root = new URL('../../../../', import.meta.url);
const REGENERATE = 'stale: run `node --import tsx scripts/gen-config-docs.ts` and commit the result';

describe('image and network config docs', () => {
  for (const [sample, title, groups, doc, own] of [
    ['etc/glance-api.conf.sample', IMAGE_SAMPLE_TITLE, imageFileGroups(), 'docs/image.md', IMAGE_OWN_GROUPS],
    ['etc/neutron.conf.sample', NETWORK_SAMPLE_TITLE, networkFileGroups(), 'docs/network.md', NETWORK_OWN_GROUPS],
  ] as const) {
    it(`${sample} and ${doc} match the declarations`, () => {
      assert.equal(readFileSync(new URL(sample, root), 'utf8'), renderSample(groups, title), `${sample} is ${REGENERATE}`);
      const page = readFileSync(new URL(doc, root), 'utf8');
      assert.equal(page, spliceGeneratedSection(page, renderMarkdown(own)), `${doc} is ${REGENERATE}`);
    });
  }
});
