// Scenario 26's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No demo here: `run` walks starter.js, the trap and solution.js through attack.ts, and `show`
// reads them as text. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

// The CI audit: a snippet that teaches something no code file of the exercise shows.
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

export const scenario = defineExercise({
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
        provenBy: 'Fix',
      },
      {
        text: '401 (with a WWW-Authenticate challenge) means the caller is not authenticated: no, forged or expired token; 403 means authenticated but not allowed.',
        terms: [['401', 'unauthorized'], ['403', 'forbidden']],
        provenBy: 'Fix',
      },
      {
        text: 'Verify the token\'s signature with a server-side secret and pin the algorithm; never trust a role the client could set.',
        terms: [['verify', 'signature'], ['algorithm', 'hs256', 'secret']],
        provenBy: 'Fix',
      },
      {
        text: 'A single route registered without the guards is public for writes; Express does not warn.',
        terms: [['forgot', 'forget', 'unguarded', 'unprotected', 'missed'], ['route', 'endpoint']],
        provenBy: 'Naive',
      },
      {
        text: 'Make protection the default: guard arrays, a write-only router with router.use(), or a fail-closed gate for unsafe methods.',
        terms: [['fail closed', 'fail-closed', 'deny by default', 'secure by default', 'protected by default', 'router.use(authenticate', 'guard array', 'all write routes']],
        provenBy: 'Fix',
      },
      {
        text: 'Audit the routes automatically: walk app.router.stack and fail the build when a write route has no guard; test each role.',
        terms: [['audit', 'router.stack', 'app.router', 'route test', 'tests per role', 'automated test'], ['write route', 'unguarded', 'guard']],
      },
    ],
    code: [
      { title: 'Audit: walk the Express 5 router stack in CI', language: 'js', code: auditCode },
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
          { text: 'app._router.stack, as in Express 4, each layer with a regexp', correct: false, explanation: 'That is Express 4. Express 5 exposes app.router (built on router 2), and app._router is undefined.' },
          { text: 'app.router.stack: route layers carry path and handlers', correct: true, explanation: 'Each route layer has layer.route with a path and a stack of handler layers, each with method and handle: every method, path and exact handler chain, which is what the audit checks.' },
          { text: 'app.routes, an object that lists routes per HTTP method', correct: false, explanation: 'app.routes existed in Express 3 and was removed long ago.' },
          { text: 'Nowhere: routes compile into one matcher and cannot be listed', correct: false, explanation: 'The router keeps its stack as plain objects; an audit in CI walks it.' },
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
      shownBy: 'Fix',
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
      shownBy: 'Fix',
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
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, jwt, jwtSecret })` and resolves with the Express app. '
      + 'Define the Product model (name, price) on `db`; tokens are HS256 JWTs signed with `jwtSecret` and carry a `role` claim. The tool serves the app: no app.listen.',
    starter: {
      title: 'Naive: one write route without guards',
      lesson: 'POST and DELETE refused the anonymous caller and the user, but the PATCH added later carried no guards, and Express runs exactly the functions listed on a route: '
        + 'anyone could change a price, and nothing warned. A PUT, which no route handles, fell through to a 404 without anyone being asked who they are.',
      fails: ['anonWritesRefused', 'userWritesForbidden', 'unsafeMethodsFailClosed'],
    },
    traps: [
      {
        file: 'traps/guards-after-handler.js',
        title: 'Trap: guards listed after the handler',
        lesson: 'The guards are on the PATCH route now, yet the anonymous PATCH still changed the price: Express calls a route\'s functions in the order listed, '
          + 'the handler answered first and never called next(), so authenticate and requireAdmin never ran. Guards go before the handler, or in front of every route.',
        fails: ['anonWritesRefused', 'userWritesForbidden', 'unsafeMethodsFailClosed'],
      },
    ],
    solution: {
      title: 'Fix: one gate for every unsafe method on /products',
      lesson: 'With one gate mounted on /products before the routes, no write route needs to remember its guards: anonymous callers got 401 with a Bearer challenge, '
        + 'the user 403, the admin 201/200/204, and even a PUT no route handles was refused before routing. Reads stayed public. In CI, an audit of app.router.stack '
        + 'and request tests per role keep it that way.',
    },
    hints: {
      anonWritesRefused: [
        'Which write answered an anonymous caller with something other than 401? Look at the functions listed on that route.',
        'Express runs exactly the functions a route lists, in that order; a route without authenticate in front of its handler is public.',
        'Put the guards in front of every write handler, or put one gate in front of all of them so a forgotten route is still covered.',
      ],
      userWritesForbidden: [
        'A signed-in user without the admin role could write. Which check answers "may this caller do this?"',
        'After authenticate has identified the caller, requireAdmin must run before the handler on every write route.',
      ],
      unsafeMethodsFailClosed: [
        'The PUT has no route, so it fell through to a 404 without anyone asking who sent it. What could stand in front of every route under /products?',
        'A middleware mounted on /products before the routes sees every request, matched or not: let GET, HEAD and OPTIONS through and demand an admin for the rest.',
      ],
    },
  },
});
