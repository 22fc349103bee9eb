// Scenario 36's metadata: question, answer, quiz, follow-up ladder and exercise. No code here:
// `show` reads starter.js, the trap and solution.js as text; attack.ts runs them.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 36,
  slug: 'nosql-injection-mass-assignment',
  title: 'NoSQL injection and mass assignment: the body is not a string',
  tags: ['mongodb', 'security', 'express', 'validation', 'owasp'],
  summary: 'A JSON body puts {"$ne": null} into a filter and signs in without the code; User.create(req.body) makes a sign-up admin. '
    + 'A schema at the boundary (zod), sanitizeFilter with trusted() and an allow-list answer 400 and 201-without-role.',
  question:
    'Your API signs users in with `User.findOne({ email, loginCode: code })`, taking both values from the JSON body, and creates accounts '
    + 'with `User.create(req.body)`. A penetration tester says both are exploitable without guessing anything. What did they send, '
    + 'and how do you close it?',
  answer: {
    short:
      'express.json() gives the handler whatever JSON the client wrote, so `code` can arrive as {"$ne": null}: the filter then means "any code" and the sign-in passes. '
      + 'And create(req.body) copies every key, so "role": "admin" is stored. Parse each body against a schema at the boundary (types and an allow-list of fields), '
      + 'and switch on Mongoose\'s sanitizeFilter, marking the app\'s own operators with trusted().',
    reasoning: [
      'A MongoDB filter is a document, and a JSON body is a document too. When the handler drops `req.body.code` into a filter unchecked, the client chooses '
        + 'whether that position holds a value or an operator: {"$ne": null} matches every stored code, {"$gt": ""} every non-empty one. No quote escaping is involved, '
        + 'which is why "we use Mongoose, so no injection" is wrong. OWASP\'s Top 10 files it under Injection.',
      'Express 5 narrowed one door: its default query parser is now "simple", so `?code[$ne]=x` arrives as a flat key named "code[$ne]" instead of a nested object. '
        + 'JSON bodies were never affected by that setting: express.json() parses whatever the client sends, so bodies need checking as before.',
      'The fix at the boundary is to parse, not to pick at: a zod schema says code is a string of six digits and email is an email, and anything else is a 400 '
        + 'before a query is built. The same schema is the allow-list for sign-up: z.object keeps only the keys it names, so role, isAdmin or loginCode in the body '
        + 'are dropped and the schema default applies. A deny-list (delete req.body.role) misses the next privileged field someone adds.',
      'Mongoose 6 and later offer a second wall: with sanitizeFilter on, any object with a `$` key in a filter is wrapped in $eq, so a route that forgets validation '
        + 'casts the literal object against the path: on a typed path that throws a CastError (answer it 400), on an untyped or Mixed path it matches nothing. It cannot tell the client\'s operator from the app\'s own, so an expiry check written as '
        + '{ $gt: new Date() } breaks until it is wrapped in mongoose.trusted(). It is a net under validation, not a replacement for it.',
      'Mass assignment (OWASP API Security: broken object property level authorization) is the write-side twin: strict schemas only drop fields the schema does not '
        + 'know, and role is a field the schema knows. Decide per endpoint which properties a client may write, and never spread a body into a document or an update.',
    ],
    keyPoints: [
      { text: 'A JSON body can put an operator ({"$ne": null}, {"$gt": ""}) where a string is expected; in a filter that matches any value', terms: [['$ne', '$gt', 'operator', 'query selector'], ['json', 'body', 'object']], provenBy: 'Naive' },
      { text: 'Validate types at the boundary (a zod schema): a non-string code is a 400 before any query', terms: [['zod', 'joi', 'schema', 'validate', 'typeof'], ['400', 'boundary', 'reject', 'string']], provenBy: 'Fix' },
      { text: 'create(req.body) is mass assignment: allow-list the writable fields, never spread the body', terms: [['mass assignment', 'create(req.body)', 'allow-list', 'allowlist', 'whitelist', 'pick'], ['role', 'admin', 'field']], provenBy: 'Fix' },
      { text: 'sanitizeFilter wraps $-keys in $eq; the app\'s own operators need mongoose.trusted()', terms: [['sanitizefilter', 'sanitize'], ['trusted', '$eq']], provenBy: 'The trusted() trap' },
      { text: 'Express 5\'s simple query parser no longer builds objects from ?a[$ne]=, but JSON bodies still carry them', terms: [['express 5', 'query parser', 'qs', 'simple'], ['body', 'json']] },
    ],
    seniorNotes: [
      'Validate responses too: a schema for what leaves the API (no loginCode, no password hash) is the other half of property-level authorization.',
      'Updates are the same bug with more reach: findByIdAndUpdate(id, req.body) lets the body carry $set on any path, or $unset, or role. Build the update from the parsed fields.',
      'express-mongo-sanitize, the old middleware, rewrites req.query in place and does not work with Express 5 (req.query is a getter there); validation plus sanitizeFilter replaces it.',
      'sanitizeFilter refuses $where, $expr, $text and $jsonSchema outright and leaves { $eq: … } alone; it does nothing for aggregation pipelines, so a $match built from a body needs the same parsing.',
      '$where and server-side JavaScript can be switched off (security.javascriptEnabled: false) and are deprecated since MongoDB 8.0; never build one from input.',
      'Store sign-in codes and reset tokens hashed (SHA-256 is enough for random, short-lived secrets), compare in a filter on the hash, and limit attempts per account: six digits are guessable without a limit.',
      'Keep the privileged field out of reach entirely where you can: roles granted by an admin endpoint, or kept in a separate collection that no user-facing route writes.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'The login route runs User.findOne({ email, loginCode: code }) with both values taken from req.body. Which request signs in as ada@example.com without her code?',
        options: [
          { text: '{"email": "ada@example.com", "code": "\' || \'1\'==\'1"}', correct: false, explanation: 'That is SQL thinking: a string is compared as a string, quotes and all, and matches nothing.' },
          { text: '{"email": "ada@example.com", "code": {"$ne": null}}', correct: true, explanation: 'express.json() delivers an object, and in a filter it is an operator: "any code that is not null".' },
          { text: 'Nothing can, because Mongoose casts every filter value to the schema type first', correct: false, explanation: 'Mongoose casts the operand of an operator ($ne: null stays null), not the operator itself: the operator survives.' },
        ],
      },
      {
        prompt: 'The sign-up route runs User.create(req.body), and the schema has role: { type: String, default: "user" }. Why does Mongoose\'s strict mode not stop "role": "admin"?',
        options: [
          { text: 'Strict mode only drops paths the schema does not declare, and role is declared', correct: true, explanation: 'Strict mode protects against unknown fields, not against fields a client may not write. That decision is an allow-list per endpoint.' },
          { text: 'Strict mode is off by default since Mongoose 7', correct: false, explanation: 'strict is still true by default; Mongoose 7 changed strictQuery, which concerns filters.' },
          { text: 'A default value is applied only when the document is saved with save(), not with create()', correct: false, explanation: 'create() calls save(); defaults apply when a path is missing. Here the path was present, with the attacker\'s value.' },
          { text: 'It does stop it once the route validates the body', correct: false, explanation: 'Validation of types passes "admin" as a valid string: only naming the allowed fields drops role.' },
        ],
      },
      {
        prompt: 'You turn on mongoose.set("sanitizeFilter", true). What happens to the login query that also filters codeExpiresAt: { $gt: new Date() }?',
        options: [
          { text: 'Nothing: sanitizeFilter only touches values that came from the request', correct: false, explanation: 'A filter carries no record of where its values came from; every $-keyed object is treated the same.' },
          { text: 'It is wrapped in $eq too and fails to cast; mongoose.trusted() exempts it', correct: true, explanation: 'trusted() marks the object as the app\'s own; sanitizeFilter skips it.' },
          { text: 'sanitizeFilter rejects the whole query because $gt is on its list of forbidden operators', correct: false, explanation: 'It throws only for $where, $expr, $text and $jsonSchema; other operators are wrapped in $eq.' },
        ],
      },
      {
        prompt: 'An Express 5 app reads req.query.email into a filter. Someone requests /users?email[$ne]=x. What does the handler see?',
        options: [
          { text: 'An object { $ne: "x" }, the same as in Express 4', correct: false, explanation: 'Express 4 used qs (extended) by default; Express 5 switched the default to the simple parser.' },
          { text: 'A 400 response, because Express 5 rejects brackets in query keys', correct: false, explanation: 'Nothing is rejected; the key is simply not parsed into a nested object.' },
          { text: 'No email at all: the key is the literal string "email[$ne]"', correct: true, explanation: 'The simple parser builds flat string keys. JSON bodies are another matter: they still carry objects.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Why doesn\'t Mongoose\'s casting save you? The schema says loginCode is a String.',
      answer: 'Casting applies to values, and inside an operator to the operand: { $ne: null } casts null, which stays null, and keeps the operator. '
        + 'Only if the whole position must be a string, which is what validation says, does the object become an error. sanitizeFilter gets there differently: '
        + 'it wraps the object in $eq, and then casting an object to a String fails.',
      keyPoints: [
        { text: 'casting converts the operand, the operator survives', terms: [['operand', 'operator survives', 'keeps the operator', 'inside the operator']] },
        { text: 'validation or sanitizeFilter turns the object into an error', terms: [['validation', 'zod', 'sanitizefilter', 'typeof']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'Naive',
    },
    {
      question: 'Your colleague proposes `delete req.body.role` before create(). Good enough?',
      answer: 'It is a deny-list: it fixes today\'s field and misses tomorrow\'s (isAdmin, emailVerified, loginCode, orgId). An allow-list names what a client may write, '
        + 'so a new privileged field is safe by default. Parse with a schema (z.object drops unknown keys, .strict() rejects them) and build the document from the parsed value.',
      keyPoints: [
        { text: 'deny-lists miss new privileged fields', terms: [['deny', 'blacklist', 'blocklist', 'new field', 'tomorrow']] },
        { text: 'allow-list: name the writable fields', terms: [['allow', 'whitelist', 'pick', 'only the fields', 'schema']] },
      ],
      probes: 2,
      kind: 'trade-off',
      shownBy: 'Fix',
    },
    {
      question: 'Validation is in place on every route today. Why would you still switch on sanitizeFilter?',
      answer: 'Because the next route, a script or an aggregation someone writes in a hurry will skip validation once. sanitizeFilter makes that mistake match nothing instead of everything. '
        + 'The cost is that the app\'s own operators in filters need mongoose.trusted(), which also makes them easy to find in review.',
      keyPoints: [
        { text: 'defence in depth for the route that forgets', terms: [['defence in depth', 'defense in depth', 'second', 'forget', 'next route']] },
        { text: 'own operators need trusted()', terms: [['trusted']] },
      ],
      probes: 3,
      kind: 'failure',
      shownBy: 'The trusted() trap',
    },
    {
      question: 'The same PATCH /me handler does User.findByIdAndUpdate(req.user.id, req.body). What can an attacker do there?',
      answer: 'Everything create(req.body) allowed, plus update operators: the body can carry role, or $set on any path, or $unset a field the app relies on. '
        + 'Parse the body against the fields a user may change, then build { $set: parsed } yourself. Mongoose\'s strict mode still drops unknown paths, but the known privileged ones pass.',
      keyPoints: [
        { text: 'update bodies can carry operators and privileged paths', terms: [['$set', '$unset', 'operator'], ['role', 'privileged', 'any path']] },
        { text: 'build the update from parsed fields', terms: [['$set'], ['parsed', 'allow', 'pick', 'schema']] },
      ],
      kind: 'security',
    },
    {
      question: 'Six-digit codes, no operators accepted any more. What is still weak about this sign-in?',
      answer: 'A million codes is guessable if attempts are unlimited: count failures per account and per client, and invalidate the code after a few. '
        + 'Store the code hashed, as you would a reset token, and make it single-use: clear it on success. A 401 should not tell whether the email exists.',
      keyPoints: [
        { text: 'limit attempts and expire codes', terms: [['rate limit', 'attempt', 'lockout', 'limit'], ['expire', 'single-use', 'invalidate', 'clear']] },
        { text: 'store codes hashed', terms: [['hash']] },
      ],
      kind: 'security',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, z, mailer, crypto })` and resolves with the Express app once it is ready. '
      + 'Define models on `db`; `z` is zod 4; `mailer.send(email, code)` delivers the sign-in code; `crypto.randomInt` makes it. No app.listen.',
    starter: {
      title: 'Naive: the body goes into the filter and into create()',
      lesson: 'express.json() handed the handler an object where a code belonged, and in a filter an object is an operator: both payloads signed in as Ada without her code. '
        + 'create(req.body) copied "role": "admin" onto the new account, since role is a path the schema knows and strict mode drops only unknown ones.',
      fails: ['loginOperatorIs400', 'signupRoleIgnored', 'filterSanitized'],
    },
    traps: [
      {
        file: 'traps/sanitized-own-operator.js',
        title: 'The trusted() trap: sanitizeFilter on, the app\'s own $gt forgotten',
        lesson: 'Validation and the allow-list hold, and sanitizeFilter stops the filter built past validation. But it also wrapped the app\'s own expiry check in $eq, '
          + 'so casting failed and Ada\'s correct code was answered 500: mark the operators you wrote yourself with mongoose.trusted().',
        fails: ['loginStillWorks'],
      },
    ],
    solution: {
      title: 'Fix: zod at the boundary, an allow-list, sanitizeFilter with trusted()',
      lesson: 'Both operator payloads were answered 400 before any query ran, the sign-up was created with the default role because the schema named only email and name, '
        + 'and a filter built past validation matched nobody: sanitizeFilter wrapped the operator in $eq and casting refused it.',
    },
    hints: {
      loginOperatorIs400: [
        'The code arrived as an object, not a string. What did findOne do with { $ne: null } in that position?',
        'Decide what a valid sign-in body looks like (an email and six digits) and refuse anything else with 400 before building a filter.',
        'deps.z is zod 4: z.object({ ... }).safeParse(req.body) gives you success or failure, and the parsed data.',
      ],
      signupRoleIgnored: [
        'Strict mode drops fields the schema does not know. Which field did the attacker send that the schema does know?',
        'Build the new document only from the fields a client may set (an allow-list), never by spreading the body.',
        'A zod object schema keeps only the keys it names: parse the body with one and spread the parsed data instead.',
      ],
      filterSanitized: [
        'Imagine a route added next year that forgets validation. What could make its filter compare against the literal object instead of running the operator?',
        'Mongoose has an option that wraps any $-keyed object in a filter in $eq. Your own operators then need marking as trusted.',
      ],
      loginStillWorks: [
        'Ada\'s correct code is refused. Which part of your login filter did you write with an operator yourself?',
        'sanitizeFilter cannot tell your $gt from a client\'s; mongoose.trusted() marks an object as yours.',
      ],
    },
  },
});
