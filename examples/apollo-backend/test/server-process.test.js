// Runs `node src/server.js` as a child process, the way the Java build starts it, and reads
// its stdout: the line contract is what the Java end-to-end tests parse.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { graphql, startFakeIssuer } from '../testkit/fake-issuer.js';

const SERVER = fileURLToPath(new URL('../src/server.js', import.meta.url));
const WAIT_MS = 15000;

function startProcess(env, { stdin = 'ignore' } = {}) {
  const child = spawn(process.execPath, [SERVER], {
    // Bearer mode: these specify the process (configuration, lines, signals); DPoP is in dpop.test.js.
    env: { PATH: process.env.PATH, PORT: '0', BACKEND_DPOP: 'off', ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  const lines = [];
  const waiters = [];
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.matches(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(waiter.timer);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    /** Resolves with the first stdout line (past or future) matching, or fails after WAIT_MS. */
    waitForLine(matches) {
      const seen = lines.find(matches);
      if (seen) {
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const waiter = { matches, resolve };
        waiter.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching line within ${WAIT_MS} ms; stdout: ${lines.join(' | ')}; stderr: ${stderr}`));
        }, WAIT_MS);
        waiters.push(waiter);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      return exited;
    },
  };
}

const listeningUrl = (line) => /^APOLLO_BACKEND_LISTENING url=(http:\/\/127\.0\.0\.1:\d+\/graphql)$/.exec(line)?.[1];

describe('server process', () => {
  let issuer;
  let server;
  let url;

  before(async () => {
    issuer = await startFakeIssuer();
    server = startProcess({ BACKEND_ISSUER: issuer.issuer });
    url = listeningUrl(await server.waitForLine((line) => line.startsWith('APOLLO_BACKEND_LISTENING ')));
  });

  after(async () => {
    await server.stop();
    await issuer.close();
  });

  it('prints the listening line with the ephemeral port it got', () => {
    assert.ok(url, `unexpected listening line: ${server.lines.join(' | ')}`);
    assert.notEqual(new URL(url).port, '0');
  });

  it('prints an accepted audit line for a valid token', async () => {
    const token = await issuer.token({ sub: 'alice', azp: 'countries-mcp' });
    const { status, body } = await graphql(url, '{ country(code: "PT") { name } }', { token });
    assert.equal(status, 200);
    assert.equal(body.data.country.name, 'Portugal');
    await server.waitForLine(
      (line) =>
        line ===
        'APOLLO_AUDIT outcome=accepted sub=alice aud=backend scope="backend-api:read" client_id=countries-mcp operation=country',
    );
  });

  it('prints a rejected audit line for a token of the wrong audience', async () => {
    const token = await issuer.token({ aud: 'mcpserver', sub: 'alice' });
    const { status } = await graphql(url, '{ country(code: "PT") { name } }', { token });
    assert.equal(status, 401);
    await server.waitForLine(
      (line) => line === 'APOLLO_AUDIT outcome=rejected status=401 reason="audience mismatch" sub=- unverified_aud=mcpserver',
    );
  });

  it('prints a rejected audit line with the subject for a missing scope', async () => {
    const token = await issuer.token({ sub: 'dave', scope: 'openid' });
    const { status } = await graphql(url, '{ countries { code } }', { token });
    assert.equal(status, 403);
    await server.waitForLine(
      (line) => line === 'APOLLO_AUDIT outcome=rejected status=403 reason="insufficient scope" sub=dave unverified_aud=backend',
    );
  });
});

describe('server process with configured expectations', () => {
  it('takes the audience and scopes it requires from BACKEND_AUDIENCE and BACKEND_REQUIRED_SCOPES', async () => {
    const issuer = await startFakeIssuer();
    const server = startProcess({
      BACKEND_ISSUER: issuer.issuer,
      BACKEND_AUDIENCE: 'api://countries',
      BACKEND_REQUIRED_SCOPES: 'countries:read countries:list',
    });
    try {
      const url = listeningUrl(await server.waitForLine((line) => line.startsWith('APOLLO_BACKEND_LISTENING ')));
      const configured = await issuer.token({ aud: 'api://countries', scope: 'countries:read countries:list' });
      const defaults = await issuer.token();
      assert.equal((await graphql(url, '{ country(code: "PT") { name } }', { token: configured })).status, 200);
      assert.equal((await graphql(url, '{ country(code: "PT") { name } }', { token: defaults })).status, 401);
      await server.waitForLine(
        (line) => line === 'APOLLO_AUDIT outcome=rejected status=401 reason="audience mismatch" sub=- unverified_aud=backend',
      );
    } finally {
      await server.stop();
      await issuer.close();
    }
  });
});

describe('server process lifecycle', () => {
  it('exits with status 0 on SIGTERM', async () => {
    const issuer = await startFakeIssuer();
    const server = startProcess({ BACKEND_ISSUER: issuer.issuer });
    try {
      await server.waitForLine((line) => line.startsWith('APOLLO_BACKEND_LISTENING '));
      server.child.kill('SIGTERM');
      const [code, signal] = await server.exited;
      assert.equal(signal, null);
      assert.equal(code, 0);
    } finally {
      await server.stop();
      await issuer.close();
    }
  });

  it('exits with status 0 on SIGINT', async () => {
    const issuer = await startFakeIssuer();
    const server = startProcess({ BACKEND_ISSUER: issuer.issuer });
    try {
      await server.waitForLine((line) => line.startsWith('APOLLO_BACKEND_LISTENING '));
      server.child.kill('SIGINT');
      const [code] = await server.exited;
      assert.equal(code, 0);
    } finally {
      await server.stop();
      await issuer.close();
    }
  });

  it('exits with status 0 when its stdin closes and BATON_EXIT_ON_STDIN_EOF=1', async () => {
    const issuer = await startFakeIssuer();
    const server = startProcess({ BACKEND_ISSUER: issuer.issuer, BATON_EXIT_ON_STDIN_EOF: '1' }, { stdin: 'pipe' });
    try {
      await server.waitForLine((line) => line.startsWith('APOLLO_BACKEND_LISTENING '));
      // What the kernel does to the pipe when the parent JVM dies, even by SIGKILL.
      server.child.stdin.end();
      let timer;
      const [code, signal] = await Promise.race([
        server.exited,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`still running ${WAIT_MS} ms after stdin closed`)), WAIT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(signal, null);
      assert.equal(code, 0);
      assert.ok(server.lines.includes('APOLLO_BACKEND_STOPPING signal=stdin-eof'), server.lines.join(' | '));
    } finally {
      await server.stop();
      await issuer.close();
    }
  });

  it('starts and answers 401 while the issuer is unreachable', async () => {
    const issuer = await startFakeIssuer();
    const unreachable = issuer.issuer;
    await issuer.close();
    const server = startProcess({ BACKEND_ISSUER: unreachable });
    try {
      const url = listeningUrl(await server.waitForLine((line) => line.startsWith('APOLLO_BACKEND_LISTENING ')));
      await server.waitForLine((line) => line.startsWith(`APOLLO_BACKEND_DISCOVERY_FAILED issuer=${unreachable} `));
      const { status, body } = await graphql(url, '{ countries { code } }', { token: 'a.b.c' });
      assert.equal(status, 401);
      assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
    } finally {
      await server.stop();
    }
  });

  it('refuses to start without BACKEND_ISSUER', async () => {
    const server = startProcess({});
    const [code] = await server.exited;
    assert.equal(code, 2);
    assert.match(server.stderr(), /BACKEND_ISSUER is required/);
  });

  it('treats a blank BACKEND_ISSUER as unset', async () => {
    const server = startProcess({ BACKEND_ISSUER: ' ' });
    const [code] = await server.exited;
    assert.equal(code, 2);
    assert.match(server.stderr(), /BACKEND_ISSUER is required/);
  });
});
