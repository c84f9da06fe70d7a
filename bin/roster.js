#!/usr/bin/env node
// `roster <command>`, as `npm link` or a global install from a checkout puts it
// on the PATH: the same entry point as `npm run cli -- <command>`. Node 24 runs
// the TypeScript sources directly.
import '../src/main.ts';
