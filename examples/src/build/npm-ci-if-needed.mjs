// Runs `npm ci` in the given directory with the machine's own npm, only when node_modules is
// missing or package-lock.json changed since the last successful install (a SHA-256 stamp of the
// lock file is kept inside node_modules). Called by the Maven build of examples/ (exec-maven-plugin).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = resolve(process.argv[2] ?? '.');
const lockFile = join(dir, 'package-lock.json');
const modules = join(dir, 'node_modules');
const stampFile = join(modules, '.baton-npm-ci.sha256');

if (!existsSync(lockFile)) {
  console.error(`[npm-ci] ${lockFile} is missing: cannot install the Apollo backend's dependencies`);
  process.exit(1);
}
const lockHash = createHash('sha256').update(readFileSync(lockFile)).digest('hex');
const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : null;
if (existsSync(modules) && stamp === lockHash) {
  process.exit(0);
}

console.log(`[npm-ci] installing the Apollo backend's dependencies in ${dir}`);
const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
  cwd: dir,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (result.error) {
  console.error(`[npm-ci] could not run npm: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  process.exit(result.status ?? 1);
}
writeFileSync(stampFile, lockHash + '\n');
