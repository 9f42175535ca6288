// The countries GraphQL backend: Apollo Server behind a small node:http front that serves
// only /graphql, caps request bodies and authenticates every request in the context function.
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, Kind, parse } from 'graphql';
import { acceptedLine, listeningLine, nonceLine, rejectedLine } from './audit.js';
import { AuthenticationError, createAuthenticator, unverifiedAudience } from './auth.js';
import { resolvers, typeDefs } from './schema.js';

const GRAPHQL_PATH = '/graphql';
const MAX_BODY_BYTES = 1024 * 1024;

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** An environment variable, trimmed; undefined when unset or blank (blank means unset, as in the Java example). */
function setting(env, name) {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Reads configuration from environment variables (see README.md).
 * @param {NodeJS.ProcessEnv} env
 */
export function configFromEnv(env) {
  const portValue = setting(env, 'PORT');
  const port = portValue === undefined ? 4000 : Number(portValue);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535: ${env.PORT}`);
  }
  if (setting(env, 'BACKEND_REQUIRED_SCOPES') && setting(env, 'BACKEND_REQUIRED_SCOPE')) {
    throw new Error('set BACKEND_REQUIRED_SCOPES or its alias BACKEND_REQUIRED_SCOPE, not both');
  }
  const scopes = setting(env, 'BACKEND_REQUIRED_SCOPES') ?? setting(env, 'BACKEND_REQUIRED_SCOPE') ?? 'backend-api:read';
  const requiredScopes = [...new Set(scopes.split(/[\s,]+/).filter((s) => s.length > 0))];
  const invalid = requiredScopes.find((s) => !SCOPE_TOKEN.test(s));
  if (invalid !== undefined || requiredScopes.length === 0) {
    throw new Error(`BACKEND_REQUIRED_SCOPES must list scope tokens (RFC 6749 §3.3): ${scopes}`);
  }
  const dpopSetting = setting(env, 'BACKEND_DPOP') ?? 'required';
  if (dpopSetting !== 'required' && dpopSetting !== 'off') {
    throw new Error(`BACKEND_DPOP must be required or off: ${dpopSetting}`);
  }
  const nonceSetting = setting(env, 'BACKEND_DPOP_NONCE') ?? 'off';
  if (nonceSetting !== 'required' && nonceSetting !== 'off') {
    throw new Error(`BACKEND_DPOP_NONCE must be required or off: ${nonceSetting}`);
  }
  const publicUrl = setting(env, 'BACKEND_PUBLIC_URL');
  if (publicUrl !== undefined) {
    let parsed;
    try {
      parsed = new URL(publicUrl);
    } catch {
      throw new Error(`BACKEND_PUBLIC_URL is not a URL: ${publicUrl}`);
    }
    if (!['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
      throw new Error(`BACKEND_PUBLIC_URL must be an http(s) URL without query or fragment: ${publicUrl}`);
    }
  }
  return {
    port,
    host: setting(env, 'HOST') ?? '127.0.0.1',
    issuer: setting(env, 'BACKEND_ISSUER'),
    audience: setting(env, 'BACKEND_AUDIENCE') ?? 'backend',
    requiredScopes,
    dpop: dpopSetting === 'required',
    dpopNonce: nonceSetting === 'required',
    ...(publicUrl === undefined ? {} : { publicUrl }),
  };
}

/**
 * The operation to name in the audit line: the request's operationName, else the first
 * root field of the (single) operation in the document, else null.
 */
export function operationOf(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return null;
  }
  if (typeof body.operationName === 'string' && body.operationName.length > 0) {
    return body.operationName;
  }
  if (typeof body.query !== 'string') {
    return null;
  }
  let document;
  try {
    document = parse(body.query, { noLocation: true, maxTokens: 10000 });
  } catch {
    return null;
  }
  const fragments = new Map(
    document.definitions
      .filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const seen = new Set();
  const firstField = (selectionSet) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        return selection.name.value;
      }
      let nested = null;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        nested = selection.selectionSet;
      } else if (!seen.has(selection.name.value)) {
        // A fragment spread; `seen` stops fragment cycles (invalid, but not yet validated here).
        seen.add(selection.name.value);
        nested = fragments.get(selection.name.value)?.selectionSet;
      }
      const found = nested ? firstField(nested) : null;
      if (found) {
        return found;
      }
    }
    return null;
  };
  return operation ? firstField(operation.selectionSet) : null;
}

function searchParamsBody(url) {
  const params = url.searchParams;
  return { operationName: params.get('operationName'), query: params.get('query') };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let total = 0;
    const collect = (chunk) => {
      total += chunk.length;
      if (total > MAX_BODY_BYTES) {
        // Keep nothing more: the rest is read and dropped so the 413 reaches the client.
        req.off('data', collect);
        req.resume();
        chunks.length = 0;
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', collect);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJsonError(res, status, message, code) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * Creates the backend. Nothing listens until `start()`.
 *
 * @param {{port: number, host: string, issuer: string, audience: string, requiredScopes: string[],
 *          dpop?: boolean, dpopNonce?: boolean, publicUrl?: string}} config `dpop` (default true):
 *   only DPoP-bound tokens with a valid proof; `dpopNonce` (default false): proofs must carry the
 *   server's nonce (RFC 9449 §9); `publicUrl`: the GraphQL URL clients address (a proof's `htu`), when a
 *   proxy stands in front; default the listening URL
 * @param {{log?: (line: string) => void, retryCooldownMs?: number}} [options]
 *   `log` receives every status and audit line (default: stdout).
 */
export function createBackend(config, options = {}) {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const authenticator = createAuthenticator({
    issuer: config.issuer,
    audience: config.audience,
    requiredScopes: config.requiredScopes,
    retryCooldownMs: options.retryCooldownMs,
    log,
    dpop: config.dpop ?? true,
    dpopNonce: config.dpopNonce ?? false,
  });

  const httpServer = http.createServer();
  const apollo = new ApolloServer({
    typeDefs,
    resolvers,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });

  /**
   * The Apollo context function: authenticates before anything executes. A rejection is a
   * GraphQLError whose `extensions.http` Apollo turns into the response status and headers.
   */
  async function context(req, body) {
    try {
      const principal = await authenticator.authenticate(req.headers.authorization, {
        proofs: req.headersDistinct.dpop ?? [],
        method: req.method,
        // RFC 9449 §4.3: htu is compared with the URL the client addressed, without query.
        url: config.publicUrl ?? url,
      });
      log(acceptedLine(principal, operationOf(body)));
      return { principal };
    } catch (error) {
      const rejection =
        error instanceof AuthenticationError
          ? error
          : new AuthenticationError(401, 'token verification failed', 'Bearer error="invalid_token"');
      const aud = unverifiedAudience(req.headers.authorization);
      // A nonce challenge is a step of the protocol, not a verdict on the caller: its own line.
      log(
        rejection.headers['dpop-nonce']
          ? nonceLine()
          : rejectedLine(rejection.status, rejection.reason, rejection.sub, aud),
      );
      throw new GraphQLError(rejection.message, {
        extensions: {
          code: rejection.status === 403 ? 'FORBIDDEN' : 'UNAUTHENTICATED',
          http: {
            status: rejection.status,
            headers: new HeaderMap([
              ['www-authenticate', rejection.wwwAuthenticate],
              ...Object.entries(rejection.headers),
            ]),
          },
        },
      });
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== GRAPHQL_PATH) {
      sendJsonError(res, 404, `Not found: the GraphQL endpoint is ${GRAPHQL_PATH}`, 'NOT_FOUND');
      return;
    }
    let body;
    if (req.method === 'POST') {
      let text;
      try {
        text = await readBody(req);
      } catch (error) {
        res.setHeader('connection', 'close');
        sendJsonError(
          res,
          error.status ?? 400,
          error.status === 413 ? `The request body exceeds ${MAX_BODY_BYTES} bytes` : 'Could not read the request body',
          'BAD_REQUEST',
        );
        return;
      }
      const contentType = req.headers['content-type'] ?? '';
      if (/^application\/(graphql-response\+)?json\b/i.test(contentType)) {
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          sendJsonError(res, 400, 'The request body is not valid JSON', 'BAD_REQUEST');
          return;
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) {
        headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: url.search, body },
      context: () => context(req, req.method === 'GET' ? searchParamsBody(url) : body),
    });
    for (const [key, value] of response.headers) {
      res.setHeader(key, value);
    }
    const nonce = authenticator.nonce();
    if (nonce && !res.hasHeader('dpop-nonce')) {
      // RFC 9449 §9: the current nonce on every answer, so a client learns of a new one in time.
      res.setHeader('dpop-nonce', nonce);
    }
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) {
      res.write(chunk);
    }
    res.end();
  }

  httpServer.on('request', (req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`APOLLO_BACKEND_ERROR ${String(error?.message ?? error).split('\n')[0]}\n`);
      if (!res.headersSent) {
        sendJsonError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
      } else {
        res.destroy();
      }
    });
  });

  let url = null;
  return {
    /** Starts Apollo, listens, prints the listening line and returns the GraphQL URL. */
    async start() {
      await apollo.start();
      await new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port: config.port, host: config.host }, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const { port } = httpServer.address();
      url = `http://${connectHost(config.host)}:${port}${GRAPHQL_PATH}`;
      log(listeningLine(url));
      // Discover the issuer's keys now rather than on the first request; a failure is logged
      // and retried lazily, the server keeps running either way.
      authenticator.ready();
      return url;
    },
    /** Stops accepting requests, drains the ones in flight and stops Apollo. */
    async stop() {
      await apollo.stop();
    },
    get url() {
      return url;
    },
  };
}

/** The host to put in a URL that clients on this machine can connect to. */
function connectHost(host) {
  if (host === '0.0.0.0' || host === '::' || host === '') {
    return '127.0.0.1';
  }
  return host.includes(':') ? `[${host}]` : host;
}
