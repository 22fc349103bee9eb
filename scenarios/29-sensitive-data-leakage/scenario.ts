// Scenario 29's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No demo here: `run` walks starter.js, the traps and solution.js through attack.ts, and `show`
// reads them as text. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 29,
  slug: 'sensitive-data-leakage',
  title: 'Sensitive data leaking in API responses',
  tags: ['security', 'mongodb', 'express'],
  summary: 'A user endpoint returns password hashes and tokens; toJSON, lean() and select:false decide what leaks.',
  question:
    'A colleague notices that GET /users/:id returns the bcrypt password hash and the user\'s session tokens. ' +
    'How do you stop secrets from leaving the API with Mongoose, and which everyday coding patterns would ' +
    'quietly bring the leak back?',
  answer: {
    short:
      'res.json() sends whatever toJSON() produces, so I keep secrets in with two layers: select: false on the '
      + 'password and token paths, so queries never load them (login opts in with .select(\'+password\')), and a toJSON '
      + 'transform in the schema for documents that hold them anyway, such as what create() returns. Each layer has holes '
      + '(lean() and toObject() skip the transform; create() and aggregate() ignore select: false), so sensitive '
      + 'endpoints also get an explicit projection or an allow-list DTO, and a test scans every response for secret '
      + 'keys and values.',
    reasoning: [
      'The leak happens because res.json() serialises whatever it is given: a Mongoose document becomes JSON through its toJSON() method, which by default includes every stored field, the hash and the token array included. A bcrypt hash is not the password, but it allows offline guessing, and tokens are credentials in themselves, so both must never leave the server.',
      'The first layer is a toJSON transform in the schema options: it runs whenever a document is serialised and removes password and tokens (returning a new object without them is cleaner than deleting from it). Putting it in the schema, not in each route, means every endpoint that sends a document benefits. It only changes the output; the database still holds the hash, which login needs.',
      'That layer has a well-known hole: .lean() returns plain objects straight from the driver, not documents, so there is no toJSON to call and the transform never runs. The same is true of aggregate() and of the raw driver. A teammate "optimising" a list endpoint with lean() silently reintroduces the leak, which is why I do not rely on output transforms alone.',
      'The second layer is select: false on the secret paths. It makes every find query exclude them by default, lean or not, so the hash is never even loaded where it is not needed. The one place that needs it opts in explicitly with .select(\'+password\'), compares with bcrypt.compare and still answers through toJSON, so the loaded hash is stripped again on the way out.',
      'Neither layer is complete on its own: select: false does not affect the document returned by create() or save() (it holds the hash you just set) nor aggregation pipelines, and toJSON does not affect lean or aggregate. Nor does it run for toObject(): `res.json({ ...doc.toObject(), role })` or `res.json(doc.toObject())` sends the hash, because toJSON only runs when the document itself is serialised. So I use both, add an explicit $project in pipelines or a response DTO (an allow-list of fields) on sensitive endpoints, and add a test that scans every response body for secret keys and for the actual secret values.',
    ],
    keyPoints: [
      {
        text: 'res.json() serialises the whole document via toJSON(), so stored secrets (hash, tokens) leave unless removed.',
        terms: [['tojson', 'res.json', 'serializ', 'serialis'], ['password', 'hash', 'token']],
        provenBy: 'Naive',
      },
      {
        text: 'A schema-level toJSON transform strips password and tokens from every serialised document.',
        terms: [['transform', 'tojson'], ['schema option', 'in the schema', 'schema-level', 'toJSON:']],
        provenBy: 'Trap: a toJSON',
      },
      {
        text: '.lean() (and aggregate) return plain objects, so toJSON transforms do not run and the leak returns.',
        terms: [['lean'], ['plain object', 'pojo', 'not a document', 'no document', 'bypass', 'skip']],
        provenBy: 'Trap: a toJSON',
      },
      {
        text: 'select: false on secret paths excludes them from queries by default, lean ones included.',
        terms: [['select: false', 'select:false', 'select false']],
        provenBy: 'Trap: select',
      },
      {
        text: 'Opt in with .select(\'+password\') only where the hash is needed (login) and still respond through the transform.',
        terms: [['+password', 'select(\'+', 'opt in', 'opt-in'], ['login', 'compare']],
        provenBy: 'Fix',
      },
      {
        text: 'Defence in depth: create()/save() results and aggregate() ignore select:false, so use both layers, explicit projections or DTOs, and test every response.',
        terms: [['create()', 'save()', 'aggregate', 'dto', 'allow-list', 'allowlist', 'whitelist', '$project'], ['defence in depth', 'defense in depth', 'both layers', 'scan every response', 'secret scan', 'test every']],
        provenBy: 'Fix',
      },
    ],
    seniorNotes: [
      'OWASP files this under API3:2023 Broken Object Property Level Authorization, which joins excessive data exposure (this scenario) with its input-side twin, mass assignment: a User.create(req.body) or an update with req.body lets a client set role or password fields. Allow-list fields on the way in as well as on the way out.',
      'Do not store raw session or API tokens at all: keep a SHA-256 digest of each high-entropy random token and hash the presented token to look it up. Then a leaked document, backup or log line holds nothing that logs anyone in.',
      'Prefer allow-lists to deny-lists for public representations: a DTO or mapper that names the fields to send cannot leak a secret field added to the schema next year, a deny-list can.',
      'select:false is a query default: the document returned by create()/save(), aggregation pipelines ($lookup of users included) and the raw driver ignore it. Keep the toJSON transform and project explicitly in pipelines.',
      '`toJSON` only runs when the document itself is serialised: `res.json({ ...doc.toObject(), role })` or `res.json(doc.toObject())` bypasses it and sends the hash. Set the same transform on `toObject` in the schema options, or map to a DTO.',
      'populate() of a user into another document honours select:false, but a populate select of \'+password\' or a hand-written $lookup in a pipeline brings the hash back; review those like any projection.',
      'Put a secret scanner in the test suite (keys and actual seeded secret values, recursively) and run it over every endpoint; it catches the lean() regression the day it is written.',
      'Secrets leak through more than bodies: error messages that echo a document, logs of req.body on /login, and debug fields. Redact at the logger too.',
      'Treat a leaked hash as a credential exposure: rotate sessions and tokens, force password resets, and check the bcrypt cost is high enough that offline guessing is expensive.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'The schema has a toJSON transform that removes password. Why does GET /users, implemented as User.find().lean(), still return hashes?',
        options: [
          { text: 'lean() returns plain objects, which have no toJSON to run', correct: true, explanation: 'The transform belongs to the document\'s toJSON(); plain objects are serialised field by field, as the demo\'s lean list shows.' },
          { text: 'res.json() calls toObject(), not toJSON()', correct: false, explanation: 'res.json() uses JSON.stringify, which calls toJSON() when an object has one; hydrated documents are transformed.' },
          { text: 'lean() re-reads the document from the primary, bypassing the schema cache', correct: false, explanation: 'lean() skips hydration; it has nothing to do with which member is read.' },
          { text: 'Transforms only run on findById, not on find', correct: false, explanation: 'A hydrated find() list is transformed too; what matters is document versus plain object.' },
        ],
      },
      {
        prompt: 'password has select: false. How does the login route get the hash to compare?',
        options: [
          { text: 'User.findOne({ email }).select(\'+password\')', correct: true, explanation: 'The + prefix includes a path that the schema deselects by default; other queries stay safe.' },
          { text: 'User.findOne({ email }).lean()', correct: false, explanation: 'lean() still applies the schema\'s select:false projection; the demo shows the hash absent.' },
          { text: 'User.findOne({ email }): select:false only affects toJSON, the query still loads the hash', correct: false, explanation: 'select:false is a query projection: without +password the hash is not loaded at all, so there is nothing to compare.' },
          { text: 'Remove select:false and rely on the toJSON transform', correct: false, explanation: 'That reopens the lean() and aggregate holes the demo shows.' },
        ],
      },
      {
        prompt: 'The schema has select: false on password but no toJSON transform. What does POST /register send back with res.status(201).json(await User.create({...}))?',
        options: [
          { text: 'The new user without password, because select:false hides it everywhere', correct: false, explanation: 'select:false is a query projection; create() returns the document you built, hash included.' },
          { text: 'The new user including the password hash', correct: true, explanation: 'Nothing queried the document, so no projection was applied; the demo measures this leak.' },
          { text: 'A 500, because select:false fields cannot be written', correct: false, explanation: 'select:false affects reading only; writes store the field normally.' },
        ],
      },
      {
        prompt: 'Which check in a test best catches a future leak?',
        options: [
          { text: 'Assert that response.body.password is undefined on GET /users/:id', correct: false, explanation: 'One key on one endpoint misses tokens, nested copies and other endpoints.' },
          { text: 'Scan every body recursively for secret keys and seeded values', correct: true, explanation: 'Value scanning catches a secret under a new name or nested somewhere; key scanning catches empty or renamed copies. The demo scans every response it receives.' },
          { text: 'Snapshot-test each response and review the diffs by eye', correct: false, explanation: 'A snapshot records the leak as the expected output; a reviewer skims a 60-character hash easily.' },
          { text: 'Lint for res.json(user) calls in route handlers', correct: false, explanation: 'Leaks come through lean(), toObject(), create() and pipelines too; a lint rule on one call shape misses them.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'A teammate speeds up the list endpoint with lean(). What can go wrong, and how do you stop it coming back?',
      answer: 'lean() hands back plain objects from the driver, so nothing of the document layer runs: no toJSON transform, no getters or virtuals. If the transform was the only protection, the hashes and tokens go straight out, which is what the demo shows. select: false on the secret paths keeps them out of lean queries too, and a test that scans every endpoint\'s response for secret keys and seeded values fails the day someone adds lean() to a route that lacks it.',
      keyPoints: [
        { text: 'lean() returns plain objects, so transforms do not run.', terms: [['lean'], ['plain object', 'pojo', 'transform', 'tojson']] },
        { text: 'select: false keeps secrets out of lean queries.', terms: [['select: false', 'select:false']] },
        { text: 'A secret-scanning test over every endpoint catches the regression.', terms: [['scan', 'test every', 'every endpoint', 'every response']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Trap: a toJSON',
    },
    {
      question: 'With select: false on password, how does login get the hash, and where does select: false not protect you?',
      answer: 'Login asks for it explicitly with .select(\'+password\'), the only place that needs it, and still answers through toJSON so the hash is stripped on the way out. select: false is a projection default for queries, so it does nothing for the document create() or save() hand back, for aggregation pipelines (a $lookup into users included), for the raw driver, or for a populate that asks for +password. Those paths need the toJSON transform, an explicit $project or a DTO.',
      keyPoints: [
        { text: 'Login opts in with .select(\'+password\').', terms: [['+password', 'opt in', 'opt-in']] },
        { text: 'create()/save() results, aggregate and the raw driver ignore it.', terms: [['create', 'save', 'aggregate', 'pipeline', 'driver', '$lookup']] },
      ],
      probes: 3,
      kind: 'probe',
      shownBy: 'Trap: select',
    },
    {
      question: 'Where do you remove the secrets: in each route, or somewhere else? Why?',
      answer: 'In the schema: a toJSON transform in the schema options runs whenever any route serialises a document of that model, so the next endpoint someone writes is covered without thinking about it. Deleting fields in each route is forgotten on the first new route. I return a new object without the fields rather than deleting from the one I was given, and set the same transform on toObject so a spread does not bypass it; lean() and aggregate still need the other layer.',
      keyPoints: [
        { text: 'A schema-level toJSON transform covers every route.', terms: [['schema'], ['transform', 'tojson']] },
        { text: 'Per-route deletion is forgotten on the next route.', terms: [['every route', 'each route', 'per route', 'per-route', 'forgotten', 'next endpoint', 'new route']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Trap: a toJSON',
    },
    {
      question: 'Deny-list the secret fields, or allow-list what each response may contain?',
      answer: 'For anything public I prefer an allow-list: a small mapper or DTO per representation (toPublicUser) that names the fields it sends. A deny-list fails open: the field someone adds to the schema next year, a recovery code or an API key, goes out until somebody remembers to add it. The price is a little mapping code per resource, which output validation (a zod schema that strips unknown keys) can share. I keep select: false and the transform underneath as a second layer.',
      keyPoints: [
        { text: 'An allow-list or DTO names exactly the fields sent.', terms: [['allow-list', 'allowlist', 'whitelist', 'dto', 'mapper']] },
        { text: 'A deny-list fails open for fields added later.', terms: [['fail open', 'fails open', 'new field', 'added later', 'next year', 'future field']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'The user document stores the user\'s session tokens. Even with select: false, what would you change?',
      answer: 'I would stop storing the tokens themselves. A session token is a credential, so anything that reads the collection, a backup, a log line or one leaky endpoint, could log in as the user. Store a SHA-256 digest of each high-entropy random token and hash the presented token to look it up; a fast hash is enough because the token is random, unlike a password. Better still, keep sessions in their own collection with an expiry (a TTL index) so each device can be listed and revoked.',
      keyPoints: [
        { text: 'Store a digest of each token, not the token.', terms: [['digest', 'hash of the token', 'hashed token', 'sha-256', 'sha256', 'hash the token']] },
        { text: 'A fast hash suffices because tokens are high-entropy.', terms: [['random', 'entropy'], ['fast', 'sha', 'no bcrypt', 'not bcrypt']] },
      ],
      kind: 'security',
    },
    {
      question: 'Besides response bodies, where else do these secrets leave the server?',
      answer: 'Logs first: a logger that writes req.body on /login, an error that includes the document, Mongoose\'s debug output printing queries. Then error responses that echo internals, APM and analytics payloads, and caches that store whole documents. I redact at the logger (pino\'s redact paths, for instance), never log whole documents or bodies of auth routes, return generic error messages, and treat any hash that did leak as exposed: force resets and revoke sessions.',
      keyPoints: [
        { text: 'Logs, error messages and monitoring payloads leak too.', terms: [['log'], ['error', 'apm', 'debug', 'monitoring']] },
        { text: 'Redact at the logger and keep error responses generic.', terms: [['redact'], ['generic', 'logger', 'pino']] },
      ],
      kind: 'security',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, bcrypt, newToken })` and resolves with the Express app. '
      + 'Define the User model (email, name, password: the bcrypt hash, tokens: [{ token }]) on `db`; the tool serves the app: no app.listen.',
    starter: {
      title: 'Naive: documents, lean() lists and pipelines sent as they are',
      lesson: 'Every route that sent a user sent the hash and the tokens with it: res.json() serialises whatever it is given, and nothing removed them. '
        + 'A bcrypt hash allows offline guessing and a token is a login, so both count as leaked credentials.',
      fails: ['byIdClean', 'listClean', 'profileClean', 'registerClean', 'reportClean', 'loginClean'],
    },
    traps: [
      {
        file: 'traps/tojson-only.js',
        title: 'Trap: a toJSON transform alone',
        lesson: 'Documents were clean, the one create() returned and the login response included, but the lean() list has no toJSON to call, the toObject() spread '
          + 'skipped the transform, and the aggregation never met it: three routes still leaked.',
        fails: ['listClean', 'profileClean', 'reportClean'],
      },
      {
        file: 'traps/select-false-only.js',
        title: 'Trap: select: false alone',
        lesson: 'Queries stopped loading the secrets, lean ones included. But select: false is a default of queries: the document create() returned, the login '
          + 'that asked for +password and the aggregation pipeline still carried them.',
        fails: ['registerClean', 'reportClean', 'loginClean'],
      },
    ],
    solution: {
      title: 'Fix: select: false, transforms for toJSON and toObject, $project in pipelines',
      lesson: 'Each layer covered the other\'s holes: select: false kept the secrets out of every query, the transforms stripped them from documents that held them anyway, '
        + 'and the pipeline projected them out. Every response came back clean, login still worked, and the hashes stayed in the database.',
    },
    hints: {
      byIdClean: [
        'res.json(user) calls the document\'s toJSON(), which includes every stored field. Where can you change what it produces for every route at once?',
        'A transform in the schema\'s toJSON option runs whenever a document is serialised; return the object without password and tokens.',
      ],
      listClean: [
        'The list uses lean(): plain objects, no toJSON(). What keeps a field out of the query result itself?',
        'select: false on a schema path leaves it out of every find, lean or not, unless a query asks for it with +path.',
      ],
      profileClean: [
        'The profile spreads user.toObject(); toJSON() never runs for it. Which schema option shapes toObject()?',
        'Give toObject the same transform as toJSON, or build the response from an allow-list of fields.',
      ],
      registerClean: [
        'The document create() returns holds the hash you just set: no query ran, so no projection applied. What still runs when it is serialised?',
        'Keep a toJSON transform beside select: false: it strips documents that hold the secrets anyway.',
      ],
      reportClean: [
        'An aggregation returns plain objects and ignores the schema\'s select options. What can the pipeline itself do?',
        'Add a $project stage that excludes password and tokens (or includes only the fields the report needs).',
      ],
      loginClean: [
        'Login needs the hash to compare, but the response must not carry it. Which layer strips it after the compare?',
        'Load the hash only where it is needed (.select(\'+password\') when the path is select: false) and answer through the toJSON transform.',
      ],
    },
  },
});
