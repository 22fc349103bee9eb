import { randomBytes } from 'node:crypto';
import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, ServedApp } from '../src/runtime/context.js';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Model } from 'mongoose';
import type * as JsonWebToken from 'jsonwebtoken';

// ---------------------------------------------------------------------------------------------
// Code shown to the user (kept beside the demo so the text and the running code do not drift).
// ---------------------------------------------------------------------------------------------

const guardsCode = `// Who are you? 401: nobody, or a token we did not
// sign. A 401 must name the scheme it wants
// (RFC 9110), so clients know to log in again.
function authenticate(req, res, next) {
  const [scheme, token] =
    (req.get('authorization') ?? '').split(' ');
  // the scheme name is case-insensitive
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    return res.status(401)
      .set('WWW-Authenticate', 'Bearer realm="api"')
      .json({ error: 'login required' });
  }
  try {
    // Pin the algorithm: the token must not choose it.
    res.locals.auth = jwt.verify(token, JWT_SECRET,
      { algorithms: ['HS256'] });
    next();
  } catch {
    res.status(401).set('WWW-Authenticate',
      'Bearer realm="api", error="invalid_token"')
      .json({ error: 'invalid token' });
  }
}

// May you do this? 403: we know you, and it is no.
function requireAdmin(req, res, next) {
  if (res.locals.auth?.role !== 'admin') {
    return res.status(403)
      .json({ error: 'admin only' });
  }
  next();
}`;

const naiveRoutesCode = `app.get('/products', listProducts);      // public
app.get('/products/:id', getProduct);    // public
app.post('/products',
  authenticate, requireAdmin, addProduct);
// added later, guards forgotten:
app.patch('/products/:id', changeProduct);
app.delete('/products/:id',
  authenticate, requireAdmin, removeProduct);`;

const fixedRoutesCode = `const writeGuards = [authenticate, requireAdmin];
app.get('/products', listProducts);
app.get('/products/:id', getProduct);
app.post('/products', writeGuards, addProduct);
app.patch('/products/:id', writeGuards, changeProduct);
app.delete('/products/:id',
  writeGuards, removeProduct);`;

const auditCode = `// Express 5: app.router (app._router is gone).
// A route layer has layer.route = { path, stack };
// each handler layer in route.stack has .method
// and .handle.
const WRITES = ['post', 'put', 'patch', 'delete'];
function auditWriteRoutes(app, guards /* fn Set */) {
  const rows = [];
  const appGuards = []; // app.use(guard) so far
  for (const layer of app.router.stack) {
    if (!layer.route) {
      if (guards.has(layer.handle)) {
        appGuards.push(layer);
      }
      continue;
    }
    const { path, stack } = layer.route;
    for (const m of WRITES) {
      const chain = stack.filter((h) =>
        h.method === m || h.method === undefined);
      if (!chain.some((h) => h.method === m)) continue;
      // approximate: a mount path against the
      // route's pattern, not against a real URL
      const found = appGuards
        .filter((g) => g.match(path))
        .map((g) => g.name);
      // only guards BEFORE the handler count
      for (const h of chain) {
        if (!guards.has(h.handle)) break;
        found.push(h.name);
      }
      rows.push({
        route: m.toUpperCase() + ' ' + path,
        guards: found,
        unguarded: found.length === 0,
      });
    }
  }
  return rows;
}`;

const methodGateCode = `// Fail closed: every unsafe method needs an admin,
// whatever a route itself forgets.
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
function adminForUnsafeMethods(req, res, next) {
  if (SAFE.has(req.method)) return next();
  authenticate(req, res,
    () => requireAdmin(req, res, next));
}
// before the routes, scoped to the admin-owned
// resource: POST /login must stay open
app.use('/products', adminForUnsafeMethods);`;


// ---------------------------------------------------------------------------------------------
// The demo's building blocks.
// ---------------------------------------------------------------------------------------------

type Jwt = Pick<typeof JsonWebToken, 'sign' | 'verify'>;
type Role = 'admin' | 'user';

interface ProductFields {
  name: string;
  price: number;
}

/** Structural view of what Express 5 (router 2) keeps on app.router.stack. */
interface HandlerLayer {
  name: string;
  handle: unknown;
  /** Lower-case HTTP method; undefined for route.all(). */
  method?: string;
}
interface RouterLayer {
  name: string;
  handle: unknown;
  route?: { path: unknown; stack: HandlerLayer[] };
  match(path: string): unknown;
}

interface RouteAudit {
  route: string;
  guards: string[];
  unguarded: boolean;
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;

/**
 * Walks the app's router stack and lists every write route with the guards that run before its
 * handler. Guards are recognised by identity (a Set of the guard functions), not by name, so a
 * renamed or wrapped handler cannot pass for a guard.
 */
function auditWriteRoutes(app: Express, guards: ReadonlySet<unknown>): RouteAudit[] {
  const stack = (app.router as unknown as { stack: RouterLayer[] }).stack;
  const rows: RouteAudit[] = [];
  const appGuards: RouterLayer[] = [];
  for (const layer of stack) {
    if (!layer.route) {
      if (guards.has(layer.handle)) appGuards.push(layer);
      continue;
    }
    const path = String(layer.route.path);
    for (const method of WRITE_METHODS) {
      const chain = layer.route.stack.filter((h) => h.method === method || h.method === undefined);
      if (!chain.some((h) => h.method === method)) continue;
      const leading: string[] = [];
      for (const handler of chain) {
        if (!guards.has(handler.handle)) break;
        leading.push(handler.name);
      }
      const inherited = appGuards.filter((g) => g.match(path) !== false).map((g) => g.name);
      const all = [...inherited, ...leading];
      rows.push({ route: `${method.toUpperCase()} ${path}`, guards: all, unguarded: all.length === 0 });
    }
  }
  return rows;
}

function auditTable(rows: RouteAudit[]): string {
  return rows
    .map((r) => `${r.unguarded ? '!!' : 'ok'} ${r.route.padEnd(22)} ${r.unguarded ? 'NO GUARD' : r.guards.join(' > ')}`)
    .join('\n');
}

interface Guards {
  authenticate: RequestHandler;
  requireAdmin: RequestHandler;
  adminForUnsafeMethods: RequestHandler;
  set: ReadonlySet<unknown>;
}

function makeGuards(jwt: Jwt, secret: string): Guards {
  function authenticate(req: Request, res: Response, next: NextFunction): void {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    // RFC 9110: a 401 carries a challenge naming the scheme; the scheme name is case-insensitive.
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="api"').json({ error: 'login required' });
      return;
    }
    try {
      res.locals.auth = jwt.verify(token, secret, { algorithms: ['HS256'] });
      next();
    } catch {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"').json({ error: 'invalid token' });
    }
  }
  function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
    const auth = res.locals.auth as { role?: unknown } | undefined;
    if (auth?.role !== 'admin') {
      res.status(403).json({ error: 'admin only' });
      return;
    }
    next();
  }
  const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
  function adminForUnsafeMethods(req: Request, res: Response, next: NextFunction): void {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    authenticate(req, res, () => requireAdmin(req, res, next));
  }
  return {
    authenticate,
    requireAdmin,
    adminForUnsafeMethods,
    set: new Set<unknown>([authenticate, requireAdmin, adminForUnsafeMethods]),
  };
}

type Variant = 'naive' | 'fixed' | 'method-gate';

function buildProductApi(ctx: DemoContext, Product: Model<ProductFields>, guards: Guards, variant: Variant): Express {
  const app = ctx.express();
  app.use(ctx.express.json());
  // Scoped to /products: mounted on the whole app it would demand an admin for POST /login too.
  if (variant === 'method-gate') app.use('/products', guards.adminForUnsafeMethods);

  const listProducts: RequestHandler = async (_req, res) => {
    res.json(await Product.find().sort({ name: 1 }).lean());
  };
  const getProduct: RequestHandler = async (req, res) => {
    const product = ctx.mongoose.isValidObjectId(req.params.id) ? await Product.findById(req.params.id).lean() : null;
    if (!product) res.status(404).json({ error: 'not found' });
    else res.json(product);
  };
  const addProduct: RequestHandler = async (req, res) => {
    const body = req.body as Partial<ProductFields>;
    res.status(201).json(await Product.create({ name: body.name, price: body.price }));
  };
  const changeProduct: RequestHandler = async (req, res) => {
    const body = req.body as Partial<ProductFields>;
    const updated = await Product.findByIdAndUpdate(req.params.id, { $set: { price: body.price } }, { returnDocument: 'after', runValidators: true });
    if (!updated) res.status(404).json({ error: 'not found' });
    else res.json(updated);
  };
  const removeProduct: RequestHandler = async (req, res) => {
    const deleted = await Product.findByIdAndDelete(req.params.id);
    if (!deleted) res.status(404).json({ error: 'not found' });
    else res.status(204).end();
  };

  const writeGuards = variant === 'fixed' ? [guards.authenticate, guards.requireAdmin] : [];
  app.get('/products', listProducts);
  app.get('/products/:id', getProduct);
  if (variant === 'naive') {
    // The bug under discussion: two write routes carry the guards, one was added later without them.
    app.post('/products', guards.authenticate, guards.requireAdmin, addProduct);
    app.patch('/products/:id', changeProduct);
    app.delete('/products/:id', guards.authenticate, guards.requireAdmin, removeProduct);
  } else {
    app.post('/products', ...writeGuards, addProduct);
    app.patch('/products/:id', ...writeGuards, changeProduct);
    app.delete('/products/:id', ...writeGuards, removeProduct);
  }
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err instanceof Error ? err.message : 'internal error' });
  });
  return app;
}

function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

interface WriteOutcome {
  post: number;
  patch: number;
  delete: number;
}

/** One POST, one PATCH and one DELETE as the given caller; each write targets its own product. */
async function tryWrites(api: ServedApp, token: string | undefined, patchId: string, deleteId: string, price: number): Promise<WriteOutcome> {
  const headers = bearer(token);
  const post = await api.request({ method: 'POST', path: '/products', json: { name: `new-${price}`, price }, headers });
  const patch = await api.request({ method: 'PATCH', path: `/products/${patchId}`, json: { price }, headers });
  const del = await api.request({ method: 'DELETE', path: `/products/${deleteId}`, headers });
  return { post: post.status, patch: patch.status, delete: del.status };
}

async function readStatuses(api: ServedApp, tokens: Record<string, string | undefined>, id: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [who, token] of Object.entries(tokens)) {
    const list = await api.request({ path: '/products', headers: bearer(token) });
    const one = await api.request({ path: `/products/${id}`, headers: bearer(token) });
    out[who] = list.status === one.status ? list.status : -1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export const scenario = defineScenario({
  id: 26,
  slug: 'public-read-admin-write',
  title: 'Public read, admin-only write',
  tags: ['security', 'express', 'auth'],
  summary: 'Anyone may read products; only admins may change them. One forgotten guard opens the door.',
  question:
    'Your product catalogue API must be readable by anyone, including visitors who are not logged in, ' +
    'but only administrators may create, change or delete products. How do you build that in Express, ' +
    'which status codes do the different callers get, and how do you make sure a new write route ' +
    'cannot ship without the protection?',
  answer: {
    short:
      'Two middlewares with separate jobs: authentication answers 401, with a WWW-Authenticate challenge, when '
      + 'there is no valid token, and an admin check answers 403 to a known user without the role; reads get '
      + 'neither, every write gets both before its handler. Since the real risk is the one route someone forgets, '
      + 'I make protection the default (a shared guard array, a write router or a fail-closed gate for unsafe '
      + 'methods) and audit app.router.stack in CI so an unguarded write route fails the build.',
    reasoning: [
      'I separate two questions and give each its own middleware. Authentication answers "who is calling?": it reads the Bearer token, verifies its signature with a server-side secret and a pinned algorithm (HS256 here), and stores the claims for later handlers. When there is no token, or it is forged or expired, the answer is 401 Unauthorized. Authorization answers "may this caller do this?": a role check that runs after authentication and answers 403 Forbidden when a known user lacks the admin role.',
      'GET routes get neither middleware, so reads work for everyone with 200. POST, PUT, PATCH and DELETE get both, in that order, before the handler: an anonymous write is 401, a regular user\'s write is 403, an admin creates with 201 and updates with 200 (or deletes with 204). The order matters because the role check relies on what authentication stored, and a guard placed after the handler never runs in time.',
      'The real failure mode is not the pattern but the one route where somebody forgot it. Express runs exactly the handlers listed on a route, so a PATCH registered without the guards is fully public, and nothing warns you. I therefore make the safe path the default: group the guards in one array or apply them to a router that holds only write routes, or add a fail-closed gate, mounted on the admin-owned resource (app.use(\'/products\', gate)), that demands an admin for every unsafe method there. Mounted on the whole app it would also lock POST /login, so public writes would need an explicit exemption.',
      'Then I verify it mechanically. In Express 5 the app\'s router is app.router (Express 4\'s app._router is gone); each route is a layer whose route has a path and a stack of handler layers, each with a method and the handler function. A short audit walks that stack, lists every write route with the guards that run before its handler, and fails the test suite if any write route has none. Combined with request-level tests per role (anonymous, user, admin) this catches the forgotten route before it reaches production.',
    ],
    keyPoints: [
      {
        text: 'Reads stay public; every write route runs an authentication middleware and then a role check before the handler.',
        terms: [['middleware', 'guard', 'router.use', 'app.use', 'wrap'], ['authenticat', 'jwt', 'token'], ['admin', 'role']],
        provenBy: 'Fixed: guards',
      },
      {
        text: '401 (with a WWW-Authenticate challenge) means the caller is not authenticated: no, forged or expired token; 403 means authenticated but not allowed.',
        terms: [['401', 'unauthorized'], ['403', 'forbidden']],
        provenBy: 'Fixed: guards',
      },
      {
        text: 'Verify the token\'s signature with a server-side secret and pin the algorithm; never trust a role the client could set.',
        terms: [['verify', 'signature'], ['algorithm', 'hs256', 'secret']],
        provenBy: 'Fixed: guards',
      },
      {
        text: 'A single route registered without the guards is public for writes; Express does not warn.',
        terms: [['forgot', 'forget', 'unguarded', 'unprotected', 'missed'], ['route', 'endpoint']],
        provenBy: 'Naive: one write route open',
      },
      {
        text: 'Make protection the default: guard arrays, a write-only router with router.use(), or a fail-closed gate for unsafe methods.',
        terms: [['fail closed', 'fail-closed', 'deny by default', 'secure by default', 'protected by default', 'router.use(authenticate', 'guard array', 'all write routes']],
        provenBy: 'Senior: fail closed',
      },
      {
        text: 'Audit the routes automatically: walk app.router.stack and fail the build when a write route has no guard; test each role.',
        terms: [['audit', 'router.stack', 'app.router', 'route test', 'tests per role', 'automated test'], ['write route', 'unguarded', 'guard']],
        provenBy: 'Audit',
      },
    ],
    code: [
      { title: 'Authentication (401) and authorization (403)', language: 'js', code: guardsCode },
      { title: 'Naive: one write route without guards', language: 'js', code: naiveRoutesCode },
      { title: 'Fixed: the same guard array on every write', language: 'js', code: fixedRoutesCode },
      { title: 'Audit: walk the Express 5 router stack', language: 'js', code: auditCode },
      { title: 'Fail closed: a gate for unsafe methods', language: 'js', code: methodGateCode },
    ],
    seniorNotes: [
      'Fail closed rather than open: a gate in front of every unsafe method, or a router that only holds write routes with router.use(authenticate, requireAdmin), means a forgotten per-route guard still answers 401/403 instead of writing.',
      'Run the route audit in CI next to request tests per role. Identify guards by function identity, not by name, and remember nested routers (recurse into a layer whose handle has its own stack) and app-level middleware that precedes the routes.',
      'A role inside a JWT is frozen until the token expires: keep access tokens short-lived, or load the user and role from the database for admin actions so a demotion takes effect immediately.',
      'jwt.verify checks the signature and exp, not who issued the token or whom it is for: pin issuer and audience in its options too, so a token minted for another service with the same key is refused.',
      'A 401 must carry a WWW-Authenticate challenge (RFC 9110): Bearer realm="api" when no token came, with error="invalid_token" added when it was forged or expired (RFC 6750), so clients know to log in again rather than retry.',
      'Pin the JWT algorithm (algorithms: [\'HS256\']) because of algorithm confusion: a verifier that lets the token\'s header choose could be handed an HS256 token signed with the server\'s RS256 public key as the HMAC secret. jsonwebtoken 9 already limits algorithms by key type and refuses alg "none" when a key is given, so the pin is belt and braces (the demo\'s forged and "none" tokens would fail without it too), but it states the contract and survives a change of library or key. Keep the secret out of code and logs.',
      'Public reads still deserve protection of a different kind: rate limits, pagination caps and response projections, so "public" does not mean "dump the collection" or "free denial of service".',
      'Log every admin write with the actor (token subject) and the change; an audit trail is what tells you whether the forgotten route was ever abused.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A logged-in customer (role "user") sends PATCH /products/42 to a route guarded by authenticate and requireAdmin. Which status is correct?',
        options: [
          { text: '401 Unauthorized', correct: false, explanation: '401 says "I do not know who you are". The token is valid, so the caller is authenticated.' },
          { text: '403 Forbidden', correct: true, explanation: 'The caller is identified but lacks the admin role: that is exactly what 403 means.' },
          { text: '404 Not Found', correct: false, explanation: 'Hiding the resource is a choice for private data; the product is publicly readable, so pretending it is missing only confuses clients.' },
          { text: '405 Method Not Allowed', correct: false, explanation: '405 says the resource never supports PATCH; it does, just not for this caller.' },
        ],
      },
      {
        prompt: 'Why did the anonymous PATCH in the naive app change the product although POST and DELETE were protected?',
        options: [
          { text: 'The PATCH route was registered without the guards.', correct: true, explanation: 'Express runs exactly the handlers listed on each app.METHOD call. Leave the guards out once and that method is public, with no warning.' },
          { text: 'Guards on POST protect every method of the same path.', correct: false, explanation: 'Route-level middleware belongs to that route and method only; nothing is inherited between app.post and app.patch.' },
          { text: 'CORS should have refused the cross-origin PATCH.', correct: false, explanation: 'CORS only stops a browser page from reading responses (and preflights some requests); curl or a script ignores it entirely.' },
          { text: 'authenticate lets requests without a token pass.', correct: false, explanation: 'The same authenticate refused the anonymous POST and DELETE with 401; it simply never ran for PATCH.' },
        ],
      },
      {
        prompt: 'In Express 5, where does a route audit find the registered routes?',
        options: [
          { text: 'app._router.stack, as in Express 4, each layer with a regexp', correct: false, explanation: 'That is Express 4. Express 5 exposes app.router (built on router 2), and app._router is undefined, as the demo prints.' },
          { text: 'app.router.stack: route layers carry path and handlers', correct: true, explanation: 'Each route layer has layer.route with a path and a stack of handler layers, each with method and handle: every method, path and exact handler chain, which is what the audit checks.' },
          { text: 'app.routes, an object that lists routes per HTTP method', correct: false, explanation: 'app.routes existed in Express 3 and was removed long ago.' },
          { text: 'Nowhere: routes compile into one matcher and cannot be listed', correct: false, explanation: 'The router keeps its stack as plain objects; the demo walks it.' },
        ],
      },
      {
        prompt: 'Which design makes a forgotten per-route guard fail closed?',
        options: [
          { text: 'Checking req.body.role === "admin" inside each write handler', correct: false, explanation: 'The client controls the body; this is not a guard at all, and it is still per route.' },
          { text: 'A gate before the routes: unsafe methods need an admin', correct: true, explanation: 'New write routes under the gate are protected by default; the demo shows the unguarded PATCH answering 401 and 403 behind it. Scope it to the admin-owned paths so login stays open.' },
          { text: 'Hiding write routes behind an unguessable URL prefix', correct: false, explanation: 'Obscurity is not authorization; routes are found by scanners and by reading client code.' },
          { text: 'CORS that only lets the admin front-end\'s origin call writes', correct: false, explanation: 'CORS restricts what browsers let a page read, not who can send requests; curl ignores it.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'A logged-in customer sends DELETE /products/7. Which status do they get, and what changes when their token has expired?',
      answer: 'They get 403: the server knows who they are, they just lack the admin role. An expired token is different: the caller is no longer authenticated, so the answer is 401 with WWW-Authenticate: Bearer realm="api", error="invalid_token", which tells the client to refresh or log in again rather than retry. 404 is only worth it when the existence of a resource is itself secret, which a public catalogue is not.',
      keyPoints: [
        { text: 'A known user without the role gets 403.', terms: [['403', 'forbidden']] },
        { text: 'An expired or invalid token gets 401 with a WWW-Authenticate challenge.', terms: [['401'], ['www-authenticate', 'challenge', 'invalid_token']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Fixed: guards',
    },
    {
      question: 'Next month a colleague adds PATCH /products/:id/stock. How do you make sure it cannot ship without the guards?',
      answer: 'I do not rely on memory or review alone. Write routes live where protection is the default: a router for admin resources with router.use(authenticate, requireAdmin), or a fail-closed gate for unsafe methods on that path. On top, a CI test walks app.router.stack (recursing into nested routers), lists every write route with the guards before its handler and fails on any without one, next to request tests per role: anonymous 401, user 403, admin 2xx.',
      keyPoints: [
        { text: 'Protection by default: a guarded router or a fail-closed gate.', terms: [['router.use', 'fail closed', 'fail-closed', 'by default', 'gate']] },
        { text: 'An automated audit of app.router.stack fails the build on an unguarded write route.', terms: [['audit', 'router.stack', 'app.router'], ['ci', 'build', 'test']] },
        { text: 'Request tests for each role.', terms: [['per role', 'each role', 'anonymous', 'every role']] },
      ],
      probes: 5,
      kind: 'probe',
      shownBy: 'Audit',
    },
    {
      question: 'jsonwebtoken already refuses alg "none". Why pin algorithms in jwt.verify at all?',
      answer: 'Because of algorithm confusion: if the verifier lets the token\'s header pick the algorithm, a server that verifies RS256 tokens with a public key can be handed an HS256 token whose HMAC secret is that public key, which anyone has. jsonwebtoken 9 already restricts algorithms by key type and refuses "none" when a key is passed, so the pin is belt and braces, but it makes the contract explicit and keeps holding if the library or the key type changes. I pin issuer and audience for the same reason: a token minted for another service with the same key must not work here.',
      keyPoints: [
        { text: 'Algorithm confusion: a public key used as an HMAC secret.', terms: [['algorithm confusion', 'key confusion', 'public key'], ['hs256', 'hmac', 'rs256']] },
        { text: 'The library default already helps; the pin is defence in depth.', terms: [['default', 'belt and braces', 'defence in depth', 'defense in depth', 'explicit']] },
        { text: 'Pin issuer and audience too.', terms: [['issuer', 'iss'], ['audience', 'aud']] },
      ],
      probes: 2,
      kind: 'security',
    },
    {
      question: 'An admin is demoted while their access token still has 50 minutes to run. What can they still do, and what would you change?',
      answer: 'With the role inside a signed JWT they stay an admin until the token expires, because verification never looks at the database. I would keep access tokens short (5 to 15 minutes) and re-check the role when refreshing, and for admin actions load the user and role from the database (cached for a few seconds) so a demotion bites at once. A tokenVersion on the user, copied into the token and compared on each admin request, also lets you revoke every token of one person immediately.',
      keyPoints: [
        { text: 'A role in a JWT is frozen until the token expires.', terms: [['frozen', 'until it expires', 'until expiry', 'until the token expires', 'still valid', 'stale']] },
        { text: 'Short access tokens, and the role re-checked on refresh or loaded from the database for admin actions.', terms: [['short-lived', 'short lived', 'short access', 'minutes'], ['database', 'db', 'refresh', 'load the user']] },
        { text: 'A per-user token version or deny-list revokes at once.', terms: [['tokenversion', 'token version', 'deny-list', 'denylist', 'revoke', 'revocation']] },
      ],
      kind: 'security',
    },
    {
      question: 'The admin route updates with Product.findByIdAndUpdate(id, req.body), and the profile route does the same on User. What is the risk?',
      answer: 'Mass assignment, which OWASP lists under API3:2023 Broken Object Property Level Authorization: the client decides which fields change. On the profile route a user sends { "role": "admin" } and promotes themselves; Mongoose\'s strict mode only drops paths the schema does not know, and role is known. Validate the body against an allow-list of fields per route (a zod schema, or pick the fields by hand) and pass only those to the update; never hand req.body to an update or create.',
      keyPoints: [
        { text: 'Passing req.body lets the client set any known field: mass assignment.', terms: [['mass assignment', 'mass-assignment', 'over-posting', 'overposting', 'api3']] },
        { text: 'Strict mode does not help: role is a schema path.', terms: [['strict'], ['schema path', 'known path', 'known field', 'in the schema']] },
        { text: 'Allow-list the writable fields per route.', terms: [['allow-list', 'allowlist', 'whitelist', 'pick', 'zod', 'dto']] },
      ],
      kind: 'security',
    },
    {
      question: 'Product managers may now change prices but not delete products. Do you add a third role?',
      answer: 'I would stop checking role names in routes and check permissions instead: the guard becomes requirePermission(\'products:update\'), and a server-side table maps each role to its permissions, so a new role is a data change rather than edits across routes. When the rule depends on the resource itself (a seller may edit only their own products), a role check is not enough: the handler loads the resource and a policy function decides with the caller and the resource, which is attribute-based access control.',
      keyPoints: [
        { text: 'Guards check permissions, mapped from roles on the server.', terms: [['permission', 'scope', 'capabilit'], ['role']] },
        { text: 'Ownership rules need a policy check against the loaded resource.', terms: [['owner', 'ownership', 'own products', 'abac', 'attribute', 'policy']] },
      ],
      kind: 'trade-off',
    },
  ],
  demo: {
    async run(ctx) {
      const { default: jwt } = await import('jsonwebtoken');
      // A fresh secret per run: it is never printed and dies with the demo.
      const secret = randomBytes(32).toString('base64url');
      const guards = makeGuards(jwt, secret);
      const sign = (sub: string, role: Role): string => jwt.sign({ role }, secret, { algorithm: 'HS256', subject: sub, expiresIn: '5m' });
      const adminToken = sign('ada', 'admin');
      const userToken = sign('uma', 'user');

      const schema = new ctx.mongoose.Schema<ProductFields>({
        name: { type: String, required: true },
        price: { type: Number, required: true, min: 0 },
      });
      const Product = ctx.db.model<ProductFields>('Product', schema);
      await Product.init();

      async function seed(): Promise<string[]> {
        await Product.deleteMany({});
        const docs = await Product.create([
          { name: 'desk', price: 300 },
          { name: 'lamp', price: 40 },
          { name: 'chair', price: 150 },
        ]);
        return docs.map((d) => String(d._id));
      }

      let naiveApp: Express | undefined;

      await ctx.step('Naive: one write route open', async () => {
        const [deskId, lampId] = await seed();
        if (!deskId || !lampId) throw new Error('seed failed');
        ctx.showCode('naive routes', naiveRoutesCode, 'js');
        naiveApp = buildProductApi(ctx, Product, guards, 'naive');
        const api = await ctx.serve(naiveApp);

        const read = await api.request({ path: '/products' });
        ctx.observe('anon GET', read.status);
        const anonPost = await api.request({ method: 'POST', path: '/products', json: { name: 'free', price: 0 } });
        ctx.observe('anon POST', anonPost.status);
        const anonDelete = await api.request({ method: 'DELETE', path: `/products/${lampId}` });
        ctx.observe('anon DELETE', anonDelete.status);

        ctx.say('An anonymous visitor tries the PATCH route, with no Authorization header at all.');
        const before = await Product.findById(deskId).lean();
        const anonPatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 1 } });
        const after = await Product.findById(deskId).lean();
        ctx.observe('anon PATCH', anonPatch.status);
        ctx.observe('price before', before?.price ?? null);
        ctx.observe('price after', after?.price ?? null);
        ctx.observe('desk in db', after ? { name: after.name, price: after.price } : null);

        const challenge = ctx.observe('401 challenge', anonPost.headers['www-authenticate'] ?? null);
        ctx.check('POST and DELETE refuse anonymous callers (401 + Bearer challenge), yet the forgotten PATCH answers 200',
          anonPost.status === 401 && anonDelete.status === 401 && challenge === 'Bearer realm="api"' && anonPatch.status === 200,
          `POST ${anonPost.status}, DELETE ${anonDelete.status}, PATCH ${anonPatch.status}, challenge ${challenge}`);
        ctx.check('the anonymous PATCH changed the stored document', before?.price === 300 && after?.price === 1,
          `price ${before?.price} -> ${after?.price}`);
      }, { shows: 'failure' });

      await ctx.step('Audit: walk the router stack', async () => {
        if (!naiveApp) throw new Error('naive app missing');
        ctx.say('Express 5 keeps routes on app.router.stack; Express 4\'s app._router is gone.');
        ctx.observe('app._router', typeof (naiveApp as unknown as { _router?: unknown })._router);
        ctx.showCode('audit', auditCode, 'js');
        const rows = auditWriteRoutes(naiveApp, guards.set);
        ctx.showCode('audit report', auditTable(rows), 'text');
        const flagged = rows.filter((r) => r.unguarded).map((r) => r.route);
        ctx.observe('write routes', rows.length);
        ctx.observe('unguarded', flagged);
        ctx.check('audit finds all three write routes', rows.length === 3, rows.map((r) => r.route).join(', '));
        ctx.check('audit flags exactly the forgotten PATCH', flagged.length === 1 && flagged[0] === 'PATCH /products/:id',
          flagged.join(', ') || 'none flagged');
      }, { shows: 'fix' });

      await ctx.step('Fixed: guards on every write', async () => {
        const [deskId, lampId, chairId] = await seed();
        if (!deskId || !lampId || !chairId) throw new Error('seed failed');
        ctx.showCode('fixed routes', fixedRoutesCode, 'js');
        const fixedApp = buildProductApi(ctx, Product, guards, 'fixed');
        const api = await ctx.serve(fixedApp);

        const anon = await tryWrites(api, undefined, deskId, lampId, 1);
        const user = await tryWrites(api, userToken, deskId, lampId, 2);
        ctx.observe('anon writes', { ...anon });
        ctx.observe('user writes', { ...user });
        const untouched = await Product.countDocuments({ price: { $in: [1, 2] } });
        const afterRefusals = await Product.countDocuments();
        ctx.observe('docs after refusals', afterRefusals);

        const admin = await tryWrites(api, adminToken, deskId, chairId, 250);
        ctx.observe('admin writes', { ...admin });
        const desk = await Product.findById(deskId).lean();
        ctx.observe('desk price', desk?.price ?? null);

        // A token claiming admin but signed with another key, and one with alg "none".
        const forged = jwt.sign({ role: 'admin' }, randomBytes(32).toString('base64url'), { algorithm: 'HS256', subject: 'eve' });
        const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"eve","role":"admin"}').toString('base64url')}.`;
        const forgedPatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 3 }, headers: bearer(forged) });
        const nonePatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 3 }, headers: bearer(unsigned) });
        ctx.observe('forged admin PATCH', forgedPatch.status);
        ctx.observe('alg none PATCH', nonePatch.status);
        const anonPatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 3 } });
        const noTokenChallenge = ctx.observe('401 challenge, no token', anonPatch.headers['www-authenticate'] ?? null);
        const forgedChallenge = ctx.observe('401 challenge, forged', forgedPatch.headers['www-authenticate'] ?? null);

        ctx.say('Every 401 names its scheme in WWW-Authenticate, as RFC 9110 requires: Bearer realm="api" tells the client that a fresh token, not a retry, is the cure, and error="invalid_token" says the one it sent was refused.');
        const reads = await readStatuses(api, { anon: undefined, user: userToken, admin: adminToken }, deskId);
        ctx.observe('reads', reads);

        ctx.check('anonymous writes get 401', anon.post === 401 && anon.patch === 401 && anon.delete === 401, JSON.stringify(anon));
        ctx.check('user writes get 403', user.post === 403 && user.patch === 403 && user.delete === 403, JSON.stringify(user));
        ctx.check('refused writes changed nothing', untouched === 0 && afterRefusals === 3, `${untouched} changed, ${afterRefusals} docs`);
        ctx.check('admin: POST 201, PATCH 200, DELETE 204', admin.post === 201 && admin.patch === 200 && admin.delete === 204, JSON.stringify(admin));
        ctx.check('admin PATCH really updated the desk', desk?.price === 250, `price ${desk?.price}`);
        ctx.check('forged and unsigned tokens get 401', forgedPatch.status === 401 && nonePatch.status === 401,
          `forged ${forgedPatch.status}, none ${nonePatch.status}`);
        ctx.check('every 401 names its scheme in WWW-Authenticate',
          anonPatch.status === 401 && noTokenChallenge === 'Bearer realm="api"'
            && forgedChallenge === 'Bearer realm="api", error="invalid_token"',
          `no token: ${noTokenChallenge}, forged: ${forgedChallenge}`);
        ctx.check('reads are 200 for everyone', Object.values(reads).every((s) => s === 200), JSON.stringify(reads));

        const rows = auditWriteRoutes(fixedApp, guards.set);
        ctx.showCode('audit report', auditTable(rows), 'text');
        const flagged = rows.filter((r) => r.unguarded).map((r) => r.route);
        ctx.observe('audit unguarded', flagged);
        ctx.check('audit of the fixed app flags nothing', rows.length === 3 && flagged.length === 0,
          `${rows.length} routes, flagged: ${flagged.join(', ') || 'none'}`);
      }, { shows: 'fix' });

      await ctx.step('Senior: fail closed by default', async () => {
        const [deskId] = await seed();
        if (!deskId) throw new Error('seed failed');
        ctx.say('Same routes with NO per-route guards, behind one gate for unsafe methods. It is mounted on /products, the admin-owned resource: on the whole app it would also demand an admin for POST /login.');
        ctx.showCode('method gate', methodGateCode, 'js');
        const gatedApp = buildProductApi(ctx, Product, guards, 'method-gate');
        const api = await ctx.serve(gatedApp);
        const anonPatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 1 } });
        const userPatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 1 }, headers: bearer(userToken) });
        const adminPatch = await api.request({ method: 'PATCH', path: `/products/${deskId}`, json: { price: 275 }, headers: bearer(adminToken) });
        const anonGet = await api.request({ path: `/products/${deskId}` });
        ctx.observe('gate anon PATCH', anonPatch.status);
        ctx.observe('gate user PATCH', userPatch.status);
        ctx.observe('gate admin PATCH', adminPatch.status);
        ctx.observe('gate anon GET', anonGet.status);
        const rows = auditWriteRoutes(gatedApp, guards.set);
        ctx.showCode('audit report', auditTable(rows), 'text');
        const flagged = rows.filter((r) => r.unguarded).map((r) => r.route);
        ctx.observe('gate audit unguarded', flagged);
        ctx.check('a route without its own guards still refuses (401 with a Bearer challenge, 403)',
          anonPatch.status === 401 && anonPatch.headers['www-authenticate'] === 'Bearer realm="api"' && userPatch.status === 403,
          `anon ${anonPatch.status} (${anonPatch.headers['www-authenticate'] ?? 'no challenge'}), user ${userPatch.status}`);
        ctx.check('admins and readers are unaffected', adminPatch.status === 200 && anonGet.status === 200,
          `admin PATCH ${adminPatch.status}, GET ${anonGet.status}`);
        ctx.check('audit credits the gate mounted on /products', rows.length === 3 && flagged.length === 0 && rows.every((r) => r.guards.includes('adminForUnsafeMethods')),
          JSON.stringify(rows.map((r) => r.guards)));
      }, { shows: 'fix', senior: true });
    },
  },
});
