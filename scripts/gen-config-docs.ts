// Regenerates etc/keystone.conf.sample, etc/service.conf.sample and the option reference in
// docs/configuration.md from the declarations in packages/config.
// Run: node --import tsx scripts/gen-config-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { keystoneGroups, renderMarkdown, renderSample, SERVICE_SAMPLE_TITLE, serviceGroups, spliceGeneratedSection } from '@baton/config';

const root = new URL('..', import.meta.url);
const docPath = new URL('docs/configuration.md', root);

writeFileSync(new URL('etc/keystone.conf.sample', root), renderSample(keystoneGroups));
writeFileSync(new URL('etc/service.conf.sample', root), renderSample(serviceGroups, SERVICE_SAMPLE_TITLE));
writeFileSync(docPath, spliceGeneratedSection(readFileSync(docPath, 'utf8'), renderMarkdown([...keystoneGroups, ...serviceGroups])));
console.log('wrote etc/keystone.conf.sample, etc/service.conf.sample and docs/configuration.md');
