// Entry point of the server and the command line: `node src/main.ts <command>`
// (`npm start` = serve; `npm run cli -- <command>`; src/cli/main.ts).
//
// Node keeps V8's compiled code of every module it loads (the TypeScript
// stripped and compiled once) in its compile cache (NODE_COMPILE_CACHE, or a
// directory under the system's temporary one), so a start after the first
// skips most of that work: about a third of the time to the first request.
// It must be turned on before the rest of the service is imported.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./cli/main.ts');
