// `npm start`: build the server (dist/) and the web inbox (web/dist/) when missing or older than
// their sources, then run the server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'main.js');

function newestMtime(target) {
  if (!statSync(target).isDirectory()) return statSync(target).mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

const webEntry = path.join(root, 'web', 'dist', 'index.html');
const webSources = ['src', 'index.html', 'vite.config.mjs'].map((p) => path.join(root, 'web', p));

const isStale = (output, sources) =>
  !existsSync(output) || Math.max(...sources.map(newestMtime)) > statSync(output).mtimeMs;

function run(script) {
  const build = spawnSync('npm', ['run', '--silent', script], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** One line per step, so a first start (a minute or more on a small machine) is never silent. */
function step(message, script) {
  const started = Date.now();
  console.log(`ApiCeChat: ${message}...`);
  run(script);
  console.log(`ApiCeChat: ${message}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (isStale(entry, [path.join(root, 'src')]))
  step('building the server (TypeScript -> dist/)', 'build:server');
if (isStale(webEntry, webSources)) step('building the web inbox (web/ -> web/dist/)', 'build:web');
console.log('ApiCeChat: starting the server');

// Same process, so SIGTERM reaches the server's graceful shutdown directly. Without NODE_ENV the
// server runs as a development install (generated secrets, admin/admin123); set NODE_ENV=production
// and the secrets for a real deployment.
process.env.NODE_ENV ??= 'development';
process.setSourceMapsEnabled?.(true);
await import(pathToFileURL(entry).href);
