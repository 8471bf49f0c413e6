// Regenerates etc/keystone.conf.sample, etc/service.conf.sample and the option reference in
// docs/configuration.md from the declarations in packages/config.
// Run: node --import tsx scripts/gen-config-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { BLOCK_STORAGE_SAMPLE_TITLE, blockStorageFileGroups, blockStorageGroups, COMPUTE_GROUPS, COMPUTE_SAMPLE_TITLE, computeFileGroups, IMAGE_OWN_GROUPS, IMAGE_SAMPLE_TITLE, imageFileGroups, NETWORK_OWN_GROUPS, NETWORK_SAMPLE_TITLE, networkFileGroups } from '@baton/cloud';
import { keystoneGroups, renderMarkdown, renderSample, SERVICE_SAMPLE_TITLE, serviceGroups, serviceLoggingGroup, spliceGeneratedSection } from '@baton/config';

const root = new URL('..', import.meta.url);
const docPath = new URL('docs/configuration.md', root);

writeFileSync(new URL('etc/keystone.conf.sample', root), renderSample(keystoneGroups));
writeFileSync(new URL('etc/service.conf.sample', root), renderSample(serviceGroups, SERVICE_SAMPLE_TITLE));
// A service's [DEFAULT] holds two of identity's [DEFAULT] options, already in the reference.
const referenceGroups = [...keystoneGroups, ...serviceGroups.filter((group) => group !== serviceLoggingGroup)];
writeFileSync(docPath, spliceGeneratedSection(readFileSync(docPath, 'utf8'), renderMarkdown(referenceGroups)));
console.log('wrote etc/keystone.conf.sample, etc/service.conf.sample and docs/configuration.md');

// The image and network services: their files' samples, and their own options in their docs pages.
for (const [sample, title, groups, doc, own] of [
  ['etc/glance-api.conf.sample', IMAGE_SAMPLE_TITLE, imageFileGroups(), 'docs/image.md', IMAGE_OWN_GROUPS],
  ['etc/neutron.conf.sample', NETWORK_SAMPLE_TITLE, networkFileGroups(), 'docs/network.md', NETWORK_OWN_GROUPS],
  ['etc/nova.conf.sample', COMPUTE_SAMPLE_TITLE, computeFileGroups(), 'docs/compute.md', COMPUTE_GROUPS],
  ['etc/cinder.conf.sample', BLOCK_STORAGE_SAMPLE_TITLE, blockStorageFileGroups(), 'docs/block-storage.md', blockStorageGroups],
] as const) {
  writeFileSync(new URL(sample, root), renderSample(groups, title));
  const page = new URL(doc, root);
  writeFileSync(page, spliceGeneratedSection(readFileSync(page, 'utf8'), renderMarkdown(own)));
  console.log(`wrote ${sample} and ${doc}`);
}
