import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BEGIN_MARKER,
  END_MARKER,
  defineGroup,
  intOpt,
  keystoneGroups,
  multiStrOpt,
  parseIni,
  renderMarkdown,
  renderSample,
  spliceGeneratedSection,
  strOpt,
  serviceGroups,
  serviceLoggingGroup,
  SERVICE_SAMPLE_TITLE,
} from '@baton/config';

const root = new URL('../../../', import.meta.url);
const REGENERATE = 'stale: run `node --import tsx scripts/gen-config-docs.ts` and commit the result';

const sampleGroup = defineGroup('demo', {
  help: 'Demo group.',
  options: {
    size: intOpt({
      default: 5,
      min: 1,
      max: 9,
      deprecatedName: 'old_size',
      deprecatedGroup: 'DEFAULT',
      help: 'A size with a help text that is long enough to need wrapping at seventy columns, like oslo does.',
    }),
    dirs: multiStrOpt({ default: ['a', 'b'], help: 'Dirs | with a pipe.' }),
    mode: strOpt({ default: ' padded ', choices: [' padded ', 'x'], secret: true, help: 'Mode.' }),
    gone: strOpt({ default: null, deprecatedSince: 'Zed', deprecatedReason: 'Replaced.', help: 'Old.' }),
  },
});

describe('renderSample', () => {
  it('writes commented options with wrapped help, limits, aliases and defaults', () => {
    const sample = renderSample([sampleGroup]);
    assert.ok(sample.includes(
      [
        '[demo]',
        '',
        '#',
        '# Demo group.',
        '#',
        '',
        '# A size with a help text that is long enough to need wrapping at',
        '# seventy columns, like oslo does. (integer value)',
        '# Minimum value: 1',
        '# Maximum value: 9',
        '# Deprecated group/name - [DEFAULT]/old_size',
        '#size = 5',
        '',
        '# Dirs | with a pipe. (multi valued)',
        '#dirs = a',
        '#dirs = b',
        '',
        '# Mode. (string value)',
        '# Possible values:',
        '#  padded ',
        '# x',
        '# Secret: its value is shown as **** in errors and warnings.',
        '#mode = " padded "',
        '',
        '# Old. (string value)',
        '# Deprecated since Zed; it may be ignored in a later release.',
        '# Reason: Replaced.',
        '#gone = <None>',
      ].join('\n'),
    ), sample);
    assert.ok(sample.split('\n').every((line) => line.length <= 70 || !line.includes(' ', 2)));
  });

  it('is valid INI whose only settings are commented out', () => {
    const doc = parseIni(renderSample(keystoneGroups), 'sample');
    assert.deepEqual([...doc.sections.keys()], keystoneGroups.map((g) => g.name));
    assert.ok([...doc.sections.values()].every((s) => s.entries.size === 0));
  });
});

describe('renderMarkdown', () => {
  it('writes one table per group with type, default, env name and escaped description', () => {
    const md = renderMarkdown([sampleGroup]);
    assert.ok(md.startsWith('### [demo]\n\nDemo group.\n\n| Option | Type | Default | Environment | Description |\n|---|---|---|---|---|\n'));
    assert.ok(md.includes('| `size` | integer value | `5` | `OS_DEMO__SIZE` | A size with a help text that is long enough to need wrapping at seventy columns, like oslo does. Minimum: 1. Maximum: 9. Deprecated alias: `[DEFAULT] old_size`. |'));
    assert.ok(md.includes('| `dirs` | multi valued | `a`, `b` | `OS_DEMO__DIRS` | Dirs \\| with a pipe. |'));
  });
});

describe('generated files', () => {
  it('etc/keystone.conf.sample matches the declarations', () => {
    const onDisk = readFileSync(new URL('etc/keystone.conf.sample', root), 'utf8');
    assert.equal(onDisk, renderSample(keystoneGroups), `etc/keystone.conf.sample is ${REGENERATE}`);
  });

  it('etc/service.conf.sample matches the [DEFAULT] logging, [keystone_authtoken] and [service_user] declarations', () => {
    const onDisk = readFileSync(new URL('etc/service.conf.sample', root), 'utf8');
    assert.equal(onDisk, renderSample(serviceGroups, SERVICE_SAMPLE_TITLE), `etc/service.conf.sample is ${REGENERATE}`);
  });

  it('docs/configuration.md holds the current option reference between its markers', () => {
    const onDisk = readFileSync(new URL('docs/configuration.md', root), 'utf8');
    const all = [...keystoneGroups, ...serviceGroups.filter((group) => group !== serviceLoggingGroup)];
    assert.equal(onDisk, spliceGeneratedSection(onDisk, renderMarkdown(all)), `docs/configuration.md is ${REGENERATE}`);
  });

  it('spliceGeneratedSection replaces only the marked block and needs both markers', () => {
    const doc = `intro\n${BEGIN_MARKER}\nold\n${END_MARKER}\noutro\n`;
    assert.equal(spliceGeneratedSection(doc, 'new\n'), `intro\n${BEGIN_MARKER}\n\nnew\n\n${END_MARKER}\noutro\n`);
    assert.throws(() => spliceGeneratedSection('no markers', 'x'), TypeError);
  });
});
