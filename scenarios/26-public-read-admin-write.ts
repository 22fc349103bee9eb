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
// sign. A 401 names the scheme it wants (RFC 9110).
function authenticate(req, res, next) {
  const [scheme, token] =
    (req.get('authorization') ?? '').split(' ');
  // the scheme name is case-insensitive
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    return res.status(401)
      .set('WWW-Authenticate', 'Bearer')
      .json({ error: 'login required' });
  }
  try {
    // Pin the algorithm: the token must not choose it.
    res.locals.auth = jwt.verify(token, JWT_SECRET,
      { algorithms: ['HS256'] });
    next();
  } catch {
    res.status(401).set('WWW-Authenticate',
      'Bearer error="invalid_token"')
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
app.put('/products/:id', changeProduct);
app.delete('/products/:id',
  authenticate, requireAdmin, removeProduct);`;

const fixedRoutesCode = `const writeGuards = [authenticate, requireAdmin];
app.get('/products', listProducts);
app.get('/products/:id', getProduct);
app.post('/products', writeGuards, addProduct);
app.put('/products/:id', writeGuards, changeProduct);
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
app.use(adminForUnsafeMethods);   // before the routes`;


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
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'login required' });
      return;
    }
    try {
      res.locals.auth = jwt.verify(token, secret, { algorithms: ['HS256'] });
      next();
    } catch {
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid token' });
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
  if (variant === 'method-gate') app.use(guards.adminForUnsafeMethods);

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
    app.put('/products/:id', changeProduct);
    app.delete('/products/:id', guards.authenticate, guards.requireAdmin, removeProduct);
  } else {
    app.post('/products', ...writeGuards, addProduct);
    app.put('/products/:id', ...writeGuards, changeProduct);
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
  put: number;
  delete: number;
}

/** One POST, one PUT and one DELETE as the given caller; each write targets its own product. */
async function tryWrites(api: ServedApp, token: string | undefined, putId: string, deleteId: string, price: number): Promise<WriteOutcome> {
  const headers = bearer(token);
  const post = await api.request({ method: 'POST', path: '/products', json: { name: `new-${price}`, price }, headers });
  const put = await api.request({ method: 'PUT', path: `/products/${putId}`, json: { price }, headers });
  const del = await api.request({ method: 'DELETE', path: `/products/${deleteId}`, headers });
  return { post: post.status, put: put.status, delete: del.status };
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
    reasoning: [
      'I separate two questions and give each its own middleware. Authentication answers "who is calling?": it reads the Bearer token, verifies its signature with a server-side secret and a pinned algorithm (HS256 here), and stores the claims for later handlers. When there is no token, or it is forged or expired, the answer is 401 Unauthorized. Authorization answers "may this caller do this?": a role check that runs after authentication and answers 403 Forbidden when a known user lacks the admin role.',
      'GET routes get neither middleware, so reads work for everyone with 200. POST, PUT, PATCH and DELETE get both, in that order, before the handler: an anonymous write is 401, a regular user\'s write is 403, an admin creates with 201 and updates with 200 (or deletes with 204). The order matters because the role check relies on what authentication stored, and a guard placed after the handler never runs in time.',
      'The real failure mode is not the pattern but the one route where somebody forgot it. Express runs exactly the handlers listed on a route, so a PUT registered without the guards is fully public, and nothing warns you. I therefore make the safe path the default: group the guards in one array or apply them to a router that holds only write routes, or add a fail-closed gate that demands an admin for every unsafe method unless a route explicitly opts out.',
      'Then I verify it mechanically. In Express 5 the app\'s router is app.router (Express 4\'s app._router is gone); each route is a layer whose route has a path and a stack of handler layers, each with a method and the handler function. A short audit walks that stack, lists every write route with the guards that run before its handler, and fails the test suite if any write route has none. Combined with request-level tests per role (anonymous, user, admin) this catches the forgotten route before it reaches production.',
    ],
    keyPoints: [
      {
        text: 'Reads stay public; every write route runs an authentication middleware and then a role check before the handler.',
        terms: [['middleware', 'guard', 'router.use', 'app.use', 'wrap'], ['authenticat', 'jwt', 'token'], ['admin', 'role']],
      },
      {
        text: '401 means the caller is not authenticated (no, forged or expired token); 403 means authenticated but not allowed.',
        terms: [['401', 'unauthorized'], ['403', 'forbidden']],
      },
      {
        text: 'Verify the token\'s signature with a server-side secret and pin the algorithm; never trust a role the client could set.',
        terms: [['verify', 'signature'], ['algorithm', 'hs256', 'secret']],
      },
      {
        text: 'A single route registered without the guards is public for writes; Express does not warn.',
        terms: [['forgot', 'forget', 'unguarded', 'unprotected', 'missed'], ['route', 'endpoint']],
      },
      {
        text: 'Make protection the default: guard arrays, a write-only router with router.use(), or a fail-closed gate for unsafe methods.',
        terms: [['fail closed', 'fail-closed', 'deny by default', 'secure by default', 'protected by default', 'router.use(authenticate', 'guard array', 'all write routes']],
      },
      {
        text: 'Audit the routes automatically: walk app.router.stack and fail the build when a write route has no guard; test each role.',
        terms: [['audit', 'router.stack', 'app.router', 'route test', 'tests per role', 'automated test'], ['write route', 'unguarded', 'guard']],
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
      'A 401 must carry a WWW-Authenticate challenge (RFC 9110): Bearer when no token came, Bearer error="invalid_token" when it was forged or expired (RFC 6750), so clients know to log in again rather than retry.',
      'Pin the JWT algorithm (algorithms: [\'HS256\']), keep the secret out of the code and logs, and treat alg "none" or a token signed with another key as 401, never as anonymous-with-a-role.',
      'Public reads still deserve protection of a different kind: rate limits, pagination caps and response projections, so "public" does not mean "dump the collection" or "free denial of service".',
      'Log every admin write with the actor (token subject) and the change; an audit trail is what tells you whether the forgotten route was ever abused.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A logged-in customer (role "user") sends PUT /products/42 to a route guarded by authenticate and requireAdmin. Which status is correct?',
        options: [
          { text: '401 Unauthorized', correct: false, explanation: '401 says "I do not know who you are". The token is valid, so the caller is authenticated.' },
          { text: '403 Forbidden', correct: true, explanation: 'The caller is identified but lacks the admin role: that is exactly what 403 means.' },
          { text: '404 Not Found', correct: false, explanation: 'Hiding the resource is a choice for private data; the product is publicly readable, so pretending it is missing only confuses clients.' },
          { text: '405 Method Not Allowed', correct: false, explanation: '405 says the resource never supports PUT; it does, just not for this caller.' },
        ],
      },
      {
        prompt: 'Why did the anonymous PUT in the naive app change the product although POST and DELETE were protected?',
        options: [
          { text: 'Express applies the guards of the first route to later routes with the same path', correct: false, explanation: 'Route-level middleware belongs to that route and method only; nothing is inherited between app.post and app.put.' },
          { text: 'The PUT route was registered without the guard middleware, and Express only runs the handlers listed on a route', correct: true, explanation: 'Each app.METHOD call lists its own chain. Leave the guards out once and that method is public.' },
          { text: 'express.json() skips authentication for JSON bodies', correct: false, explanation: 'Body parsing has nothing to do with authentication; it only fills req.body.' },
          { text: 'The JWT had expired, and expired tokens are treated as admin', correct: false, explanation: 'The anonymous request carried no token at all; an expired token makes jwt.verify throw.' },
        ],
      },
      {
        prompt: 'In Express 5, where does a route audit find the registered routes?',
        options: [
          { text: 'app._router.stack, each layer has a regexp', correct: false, explanation: 'That is Express 4. Express 5 exposes app.router (built on router 2), and layers carry matchers, not a regexp.' },
          { text: 'app.router.stack: route layers have layer.route with path and a stack of handler layers, each with method and handle', correct: true, explanation: 'Walking that structure gives every method, path and the exact handler chain, which is what the audit checks.' },
          { text: 'app.routes, an object keyed by method', correct: false, explanation: 'app.routes existed in Express 3 and was removed long ago.' },
          { text: 'Nowhere: routes are compiled into a function and cannot be inspected', correct: false, explanation: 'The router keeps its stack as plain objects; the demo walks it.' },
        ],
      },
      {
        prompt: 'Which design makes a forgotten per-route guard fail closed?',
        options: [
          { text: 'Checking req.body.role === "admin" in each handler', correct: false, explanation: 'The client controls the body; this is not a guard at all.' },
          { text: 'A middleware mounted before the routes that requires an admin for every non-GET/HEAD/OPTIONS request unless a route opts out', correct: true, explanation: 'New write routes are protected by default; the demo shows the unguarded PUT answering 401 behind such a gate.' },
          { text: 'Hiding write routes behind an obscure URL prefix', correct: false, explanation: 'Obscurity is not authorization; routes are found by scanners and by reading client code.' },
          { text: 'Adding CORS so only the admin front-end origin can call write routes', correct: false, explanation: 'CORS restricts browsers reading responses, not who can send requests; curl ignores it.' },
        ],
      },
    ],
  },
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

        ctx.say('An anonymous visitor tries the PUT route, with no Authorization header at all.');
        const before = await Product.findById(deskId).lean();
        const anonPut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 1 } });
        const after = await Product.findById(deskId).lean();
        ctx.observe('anon PUT', anonPut.status);
        ctx.observe('price before', before?.price ?? null);
        ctx.observe('price after', after?.price ?? null);
        ctx.observe('desk in db', after ? { name: after.name, price: after.price } : null);

        ctx.check('guarded writes refuse anonymous callers (401)', anonPost.status === 401 && anonDelete.status === 401,
          `POST ${anonPost.status}, DELETE ${anonDelete.status}`);
        ctx.check('anonymous PUT succeeded', anonPut.status === 200, `status ${anonPut.status}`);
        ctx.check('the stored document was changed', before?.price === 300 && after?.price === 1,
          `price ${before?.price} -> ${after?.price}`);
      });

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
        ctx.check('audit flags exactly the forgotten PUT', flagged.length === 1 && flagged[0] === 'PUT /products/:id',
          flagged.join(', ') || 'none flagged');
      });

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
        const forgedPut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 3 }, headers: bearer(forged) });
        const nonePut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 3 }, headers: bearer(unsigned) });
        ctx.observe('forged admin PUT', forgedPut.status);
        ctx.observe('alg none PUT', nonePut.status);
        const anonPut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 3 } });
        const noTokenChallenge = ctx.observe('401 challenge, no token', anonPut.headers['www-authenticate'] ?? null);
        const forgedChallenge = ctx.observe('401 challenge, forged', forgedPut.headers['www-authenticate'] ?? null);

        const reads = await readStatuses(api, { anon: undefined, user: userToken, admin: adminToken }, deskId);
        ctx.observe('reads', reads);

        ctx.check('anonymous writes get 401', anon.post === 401 && anon.put === 401 && anon.delete === 401, JSON.stringify(anon));
        ctx.check('user writes get 403', user.post === 403 && user.put === 403 && user.delete === 403, JSON.stringify(user));
        ctx.check('refused writes changed nothing', untouched === 0 && afterRefusals === 3, `${untouched} changed, ${afterRefusals} docs`);
        ctx.check('admin: POST 201, PUT 200, DELETE 204', admin.post === 201 && admin.put === 200 && admin.delete === 204, JSON.stringify(admin));
        ctx.check('admin PUT really updated the desk', desk?.price === 250, `price ${desk?.price}`);
        ctx.check('forged and unsigned tokens get 401', forgedPut.status === 401 && nonePut.status === 401,
          `forged ${forgedPut.status}, none ${nonePut.status}`);
        ctx.check('every 401 names its scheme in WWW-Authenticate',
          anonPut.status === 401 && noTokenChallenge === 'Bearer' && forgedChallenge === 'Bearer error="invalid_token"',
          `no token: ${noTokenChallenge}, forged: ${forgedChallenge}`);
        ctx.check('reads are 200 for everyone', Object.values(reads).every((s) => s === 200), JSON.stringify(reads));

        const rows = auditWriteRoutes(fixedApp, guards.set);
        ctx.showCode('audit report', auditTable(rows), 'text');
        const flagged = rows.filter((r) => r.unguarded).map((r) => r.route);
        ctx.observe('audit unguarded', flagged);
        ctx.check('audit of the fixed app flags nothing', rows.length === 3 && flagged.length === 0,
          `${rows.length} routes, flagged: ${flagged.join(', ') || 'none'}`);
      });

      await ctx.step('Senior: fail closed by default', async () => {
        const [deskId] = await seed();
        if (!deskId) throw new Error('seed failed');
        ctx.say('Same routes with NO per-route guards, behind one gate for unsafe methods.');
        ctx.showCode('method gate', methodGateCode, 'js');
        const gatedApp = buildProductApi(ctx, Product, guards, 'method-gate');
        const api = await ctx.serve(gatedApp);
        const anonPut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 1 } });
        const userPut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 1 }, headers: bearer(userToken) });
        const adminPut = await api.request({ method: 'PUT', path: `/products/${deskId}`, json: { price: 275 }, headers: bearer(adminToken) });
        const anonGet = await api.request({ path: `/products/${deskId}` });
        ctx.observe('gate anon PUT', anonPut.status);
        ctx.observe('gate user PUT', userPut.status);
        ctx.observe('gate admin PUT', adminPut.status);
        ctx.observe('gate anon GET', anonGet.status);
        const rows = auditWriteRoutes(gatedApp, guards.set);
        ctx.showCode('audit report', auditTable(rows), 'text');
        const flagged = rows.filter((r) => r.unguarded).map((r) => r.route);
        ctx.observe('gate audit unguarded', flagged);
        ctx.check('a route without its own guards still refuses (401/403)', anonPut.status === 401 && userPut.status === 403,
          `anon ${anonPut.status}, user ${userPut.status}`);
        ctx.check('admins and readers are unaffected', adminPut.status === 200 && anonGet.status === 200,
          `admin PUT ${adminPut.status}, GET ${anonGet.status}`);
        ctx.check('audit credits the app-level gate', rows.length === 3 && flagged.length === 0 && rows.every((r) => r.guards.includes('adminForUnsafeMethods')),
          JSON.stringify(rows.map((r) => r.guards)));
      });
    },
  },
});
