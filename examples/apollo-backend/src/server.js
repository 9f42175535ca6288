// Entry point: `npm start`. Configuration comes from environment variables (README.md).
import { configFromEnv, createBackend } from './app.js';

let backend;
try {
  backend = createBackend(configFromEnv(process.env));
} catch (error) {
  process.stderr.write(`APOLLO_BACKEND_CONFIG_ERROR ${error.message}\n`);
  process.exit(2);
}

let stopping = false;
async function shutdown(signal) {
  if (stopping) {
    // A second signal while draining: leave now.
    process.exit(1);
  }
  stopping = true;
  process.stdout.write(`APOLLO_BACKEND_STOPPING signal=${signal}\n`);
  try {
    await backend.stop();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`APOLLO_BACKEND_ERROR stop failed: ${error.message}\n`);
    process.exit(1);
  }
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

// A parent that dies without signalling (SIGKILL, a crashed JVM) cannot stop this process, but
// its end of our stdin pipe closes with it. With BATON_EXIT_ON_STDIN_EOF=1 the parent keeps
// that pipe open for our whole life, so end-of-file on stdin means the parent is gone.
if (process.env.BATON_EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', () => shutdown('stdin-eof'));
  process.stdin.on('error', () => shutdown('stdin-error'));
  process.stdin.resume();
}

try {
  await backend.start();
} catch (error) {
  process.stderr.write(`APOLLO_BACKEND_START_ERROR ${error.message}\n`);
  process.exit(1);
}
