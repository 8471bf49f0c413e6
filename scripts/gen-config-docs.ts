// Regenerates etc/keystone.conf.sample and the option reference in docs/configuration.md
// from the declarations in packages/config. Run: node --import tsx scripts/gen-config-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { keystoneGroups, renderMarkdown, renderSample, spliceGeneratedSection } from '@baton/config';

const root = new URL('..', import.meta.url);
const samplePath = new URL('etc/keystone.conf.sample', root);
const docPath = new URL('docs/configuration.md', root);

writeFileSync(samplePath, renderSample(keystoneGroups));
writeFileSync(docPath, spliceGeneratedSection(readFileSync(docPath, 'utf8'), renderMarkdown(keystoneGroups)));
console.log(`wrote ${samplePath.pathname} and ${docPath.pathname}`);
