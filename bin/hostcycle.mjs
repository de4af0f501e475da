#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx hostcycle …` works without a build step.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
// The pinned AWS SDK warns once per process that releases after January 2027 need Node 22 (the README
// says so); on a command's stderr it would read like a problem with the command.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env };
const run = spawnSync(process.execPath, [tsx, join(root, 'functions/cli/hostcycle.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
