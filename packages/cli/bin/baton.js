#!/usr/bin/env node
// The `baton` command. Sources are TypeScript run through tsx's loader, so there is
// no build step between a checkout and a working command. The repository's tsconfig maps
// `@baton/*` to each package's src/ (its `paths`), whatever directory baton runs in;
// without it Node would resolve them to the built dist/ that only `npm run build` makes.
import { register } from 'tsx/esm/api';

register({ tsconfig: new URL('../../../tsconfig.json', import.meta.url).pathname });
await import('../src/main.ts');
