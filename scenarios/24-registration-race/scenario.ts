// Scenario 24's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads starter.js, the traps and solution.js as text, and `run`/`verify`
// run them through attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 24,
  slug: 'registration-race',
  title: 'Registration race: one email, many accounts',
  tags: ['mongodb', 'concurrency', 'auth', 'express'],
  summary: 'Check-then-insert lets simultaneous sign-ups all succeed; a unique index built before traffic and 11000 → 409 make it one.',
  question:
    'Your sign-up handler looks the email up and creates the user only when it finds nothing. Two (or five) '
    + 'requests for the same new address arrive in the same instant. What happens, and how do you guarantee '
    + 'one account per email?',
  answer: {
    short:
      'Every racer runs its lookup before any of them inserts, so all of them create an account: check-then-act in the app is not atomic. '
      + 'The guarantee has to come from the database: a unique index on the normalised email, built and awaited before the server takes traffic, '
      + 'with the losers\' duplicate-key error 11000 answered 409.',
    reasoning: [
      'The lookup and the insert are two round trips, and nothing stops a second request from running its lookup in between. '
        + 'The bcrypt hash between them stretches that gap to the length of a hash (around a hundred milliseconds at a production cost), '
        + 'so a double-click or a client retrying on a slow network is enough: each request hears "no such user" and each one inserts.',
      'Only the database sees every write, so only the database can promise uniqueness. A unique index on email makes the second insert fail '
        + 'with duplicate-key error 11000; the handler catches exactly that code and answers 409 Conflict with the same body the fast path uses, '
        + 'and rethrows anything else. The lookup may stay as a cheap fast path that saves a hash, but it no longer guarantees anything.',
      '`unique: true` in a Mongoose schema is not a validator: it only asks for an index. `validate()` passes for a duplicate, and no '
        + 'ValidationError is raised; the refusal comes from the server, and its `keyPattern` and `keyValue` name the index and the value that collided, '
        + 'which matters as soon as a collection has two unique fields.',
      'The index must exist before traffic does. With autoIndex, Mongoose starts the build in the background when the model compiles and serves '
        + 'requests meanwhile, so the first sign-ups after a deploy can beat it; and if duplicates exist by then, the build fails and the app runs on '
        + 'without an index, silently. Build it deliberately (a migration, or awaiting createIndexes() before serving) and treat a failed build as a failed deploy.',
      'An index compares exact values: "Ada@Example.com" and " ada@example.com" are different keys for one mailbox. Normalise once, in the schema '
        + '(trim and lowercase run on writes and on query filters), or use a case-insensitive collation index and query with the same collation.',
    ],
    keyPoints: [
      { text: 'findOne-then-create is a check-then-act race: concurrent requests all pass the check', terms: [['race', 'concurrent', 'simultaneous', 'at the same time'], ['findone', 'check-then', 'check then', 'lookup', 'exists(', 'look up']], provenBy: 'Naive' },
      { text: 'A unique index on email makes the database reject the second insert', terms: [['unique index', 'unique: true', 'unique constraint']], provenBy: 'Fix' },
      { text: 'Map duplicate-key error 11000 to 409 Conflict, not 500', terms: [['11000', 'duplicate key', 'e11000'], ['409', 'conflict']], provenBy: 'The 500 trap' },
      { text: 'Build and await the index before serving; autoIndex races traffic and fails silently on existing duplicates', terms: [['autoindex', 'createindexes', 'init()', 'before traffic', 'before listen', 'before serving', 'migration']], provenBy: 'The deploy race' },
      { text: '`unique` is an index, not a validator: validate() passes, the server refuses with 11000 and keyPattern/keyValue name the key', terms: [['not a validator', 'validate()', 'validationerror', 'keypattern', 'keyvalue']], provenBy: 'Fix' },
      { text: 'Normalise email (trim + lowercase) or use a case-insensitive collation', terms: [['lowercase', 'lower-case', 'normalis', 'normaliz', 'collation', 'case-insensitive']], provenBy: 'Fix' },
    ],
    seniorNotes: [
      'Clean up existing duplicates (merge or disable accounts) before building the index: the build fails while they exist.',
      'On a large live collection, build the index in a migration and watch it finish; never rely on application start-up to do it implicitly.',
      '`Model.init().then(fn)` without a rejection handler turns a failed build into an unhandled rejection, which ends the process on Node 15 and later; await it inside start-up instead.',
      'Return the same 409 body whether the address was caught by the fast path or by the index, so clients see one behaviour.',
      'Account enumeration: a 409 on sign-up tells an attacker the address is registered. Where that matters, answer 202 and send an email either way.',
      'An upsert (findOneAndUpdate({ email }, { $setOnInsert: … }, { upsert: true })) is not race-free on its own: two upserts can both insert unless a unique index exists. A transaction does not help either, because two inserts of different documents do not conflict. The unique index is the guarantee.',
      'Validate the body before it reaches a filter: a JSON body {"email": {"$ne": null}} turns findOne({ email }) into "any user". Check typeof (or parse with zod), or enable mongoose.set(\'sanitizeFilter\', true).',
      'A case-insensitive unique index (collation { locale: \'en\', strength: 2 }) keeps the spelling as typed, but a query uses it only when it passes the same collation; without it the fast path scans the collection.',
      'On a sharded collection a unique index must be prefixed by the shard key, or MongoDB cannot enforce it across shards.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'Five sign-ups for one new email arrive together; the handler runs findOne, then bcrypt.hash, then create, and the collection has no unique index. What does the database hold afterwards?',
        options: [
          { text: 'One account, because each findOne sees the inserts already committed by the others', correct: false, explanation: 'All five lookups finish before the first insert (the hash sits between them), so there is nothing committed for them to see.' },
          { text: 'Five accounts, all for the same email', correct: true, explanation: 'Each request passed its own check before any insert happened; nothing in the database forbids the duplicates.' },
          { text: 'It depends on the write concern', correct: false, explanation: 'Write concern controls acknowledgement and durability, not uniqueness.' },
        ],
      },
      {
        prompt: 'With a unique index on email, what should the handler do when create() throws an error with code 11000?',
        options: [
          { text: 'Let it reach Express, which answers 500 for any server-side exception', correct: false, explanation: 'A duplicate registration is a conflict caused by the request, not a server fault.' },
          { text: 'Retry the insert until it succeeds', correct: false, explanation: 'It is not transient: the address is taken, so every retry fails the same way.' },
          { text: 'Answer 409 Conflict with the body the fast path sends', correct: true, explanation: '11000 is the duplicate-key error; 409 says the resource already exists. Rethrow any other error.' },
          { text: 'Answer 400 Bad Request, as Mongoose reports a failed unique validator', correct: false, explanation: '`unique` is not a validator: there is no ValidationError, and the request itself was well formed.' },
        ],
      },
      {
        prompt: 'You add `unique: true` to the email path and deploy; the collection already contains duplicate emails. What happens with Mongoose\'s default autoIndex?',
        options: [
          { text: 'Mongoose deletes the newer duplicates, then builds the index', correct: false, explanation: 'Neither Mongoose nor MongoDB deletes data to satisfy an index.' },
          { text: 'The app crashes at start-up with a ValidationError listing the duplicates', correct: false, explanation: 'The build runs in the background and its failure is swallowed unless you await init() or createIndexes().' },
          { text: 'The build fails with 11000 and the app keeps accepting duplicates', correct: true, explanation: 'The failure surfaces only on Model.init() or the model\'s "index" event; requests keep inserting duplicates.' },
        ],
      },
      {
        prompt: 'The unique index is in place. Which pair of sign-ups can still create two accounts for one mailbox?',
        options: [
          { text: '"ada@example.com" twice, sent at the same instant by a retrying mobile client', correct: false, explanation: 'Identical values collide on the index whatever the timing.' },
          { text: '"Ada@Example.com" and "ada@example.com"', correct: true, explanation: 'Different bytes, different index keys: normalise (trim, lowercase) or use a case-insensitive collation.' },
          { text: '"ada@example.com" on two app servers behind a load balancer', correct: false, explanation: 'The index lives in the database, so it covers every app server.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Mongoose never raised a ValidationError for the duplicate, and validate() passed. Why, when the schema says unique?',
      answer: '`unique: true` is a request for an index, not a rule Mongoose checks. Validation runs in the app on one document and cannot know about '
        + 'the others; the server refuses the insert with duplicate-key error 11000 when the index exists. So a duplicate passes validate() and fails only at write time.',
      keyPoints: [
        { text: 'unique builds an index; it is not a validator', terms: [['index'], ['not a validator', 'no validation', 'validate()']] },
        { text: 'the refusal comes from the server as 11000, at write time', terms: [['11000', 'duplicate key', 'e11000'], ['server', 'database', 'insert', 'write']] },
      ],
      probes: 4,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Sign-up also takes a unique username. When create() fails with 11000, how does the handler tell the client which one is taken?',
      answer: 'The duplicate-key error carries `keyPattern` (the fields of the index that was hit, e.g. { username: 1 }) and `keyValue` (the value that collided). '
        + 'Branch on keyPattern to choose the message, and never parse the error text, whose wording changes between server versions.',
      keyPoints: [
        { text: 'keyPattern names the index, keyValue the colliding value', terms: [['keypattern', 'keyvalue']] },
        { text: 'do not parse the error message', terms: [['message', 'string', 'parse', 'text']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Could a transaction, or findOneAndUpdate with upsert, replace the unique index?',
      answer: 'Neither is a guarantee without the index. Two transactions that each insert a new document touch different documents, so they do not conflict and both commit. '
        + 'Two concurrent upserts on a filter that matches nothing can both insert; with a unique index on the filter field the server retries the loser as an update. '
        + 'The upsert is a fine way to write "create if absent", but the index is what makes it one.',
      keyPoints: [
        { text: 'transactions do not conflict on inserts of different documents', terms: [['transaction'], ['conflict', 'both commit', 'different documents']] },
        { text: 'upserts race too unless a unique index backs them', terms: [['upsert'], ['unique index', 'index']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'Production already holds duplicate emails. How do you ship the unique index?',
      answer: 'Find the duplicates first with an aggregation grouped by the normalised email, and resolve them (merge, or disable the extra accounts) with the owners\' interests in mind. '
        + 'Then build the index in a migration you watch finish, before the code that relies on it deploys; a build started by application start-up would fail on the duplicates and leave you with no index and no alarm.',
      keyPoints: [
        { text: 'clean up duplicates before building', terms: [['duplicate'], ['merge', 'clean', 'remove', 'resolve', 'disable']] },
        { text: 'build in a migration, not at app start-up; a failed build is a failed deploy', terms: [['migration', 'deliberate', 'before deploy', 'failed deploy']] },
      ],
      probes: 3,
      kind: 'failure',
      shownBy: 'The deploy race',
    },
    {
      question: 'The users collection gets sharded. Does the unique email index still protect you?',
      answer: 'Only if the shard key is a prefix of it: MongoDB enforces uniqueness per shard, so a unique index on email in a collection sharded on something else cannot be created. '
        + 'Either shard on a key that starts with email (a ranged key, since a hashed shard key cannot be unique), or reserve addresses in a separate collection keyed by the normalised email and write both in one transaction.',
      keyPoints: [
        { text: 'a unique index must be prefixed by the shard key', terms: [['shard key'], ['prefix', 'start with', 'starts with']] },
        { text: 'alternative: a reservation collection keyed by email', terms: [['separate collection', 'reservation', 'lookup collection', 'keyed by email']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Does answering 409 to a taken address leak anything?',
      answer: 'It tells anyone who asks whether an address has an account, which helps credential stuffing and phishing. Where that matters, answer every sign-up the same way (202, "check your inbox") '
        + 'and send the existing owner a "someone tried to register" email instead; rate-limit the endpoint either way.',
      keyPoints: [
        { text: '409 enables account enumeration', terms: [['enumeration', 'enumerate', 'which addresses', 'leak']] },
        { text: 'answer uniformly and notify by email', terms: [['202', 'same response', 'uniform', 'always the same'], ['email', 'inbox', 'notify']] },
      ],
      kind: 'security',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, bcrypt })` and resolves with the Express app once it is ready to serve. '
      + 'Define your models on `db` (a fresh database per run); the tool serves the app and fires the requests, so no app.listen.',
    starter: {
      title: 'Naive: findOne, hash, create, no unique index',
      lesson: 'Every request asked whether the address existed before any of them had inserted, so every answer was "no": check-then-act in the application is not atomic. '
        + 'Nothing in the database objected, not even to a duplicate written past the app.',
      fails: ['indexBeforeTraffic', 'oneAccount', 'conflictIs409', 'duplicateKeyNamesEmail', 'oneSpelling'],
    },
    traps: [
      {
        file: 'traps/index-built-in-background.js',
        title: 'The deploy race: unique: true, built in the background',
        lesson: 'The index was declared, but the build Mongoose starts by itself had not finished when the sign-ups arrived (held here until the burst was answered, to make that certain). '
          + 'Released, it failed with 11000 because duplicates now existed, and nothing in the request path noticed: the app runs on with no index at all. Await the build before serving.',
        fails: ['indexBeforeTraffic', 'oneAccount', 'conflictIs409', 'duplicateKeyNamesEmail', 'oneSpelling'],
      },
      {
        file: 'traps/duplicate-answers-500.js',
        title: 'The 500 trap: index awaited, duplicate key left to Express',
        lesson: 'The database kept one account, but the losers were answered 500: their insert rejected with 11000 and Express 5 turned the rejection into a server error. '
          + 'A taken address is the client\'s conflict, not a fault of ours: answer 409.',
        fails: ['conflictIs409', 'oneSpelling'],
      },
    ],
    solution: {
      title: 'Fix: unique index awaited before serving, 11000 answered 409',
      lesson: 'All five still passed the existence check, so the fast path is not the guarantee; the index turned the race into one insert and four duplicate-key errors, each answered 409. '
        + 'validate() passed for a duplicate because unique is an index, not a validator; the server\'s refusal names the index in keyPattern and the value in keyValue.',
    },
    hints: {
      oneAccount: [
        'Several requests passed your existence check before any of them inserted. What in the database could refuse the second insert?',
        'An application check cannot see inserts that have not happened yet. Only the database sees every write: which kind of index makes it refuse a duplicate value?',
        'Declare the email path unique in the schema: that asks MongoDB for a unique index. Then make sure the index exists before the first request (see indexBeforeTraffic).',
      ],
      indexBeforeTraffic: [
        'When createApp resolved, no unique index on email existed. Who builds it, and when?',
        'With autoIndex, Mongoose starts the build in the background when the model compiles, and nothing waits for it.',
        'Await the build inside createApp before returning the app (Model.createIndexes() or Model.init()); { autoIndex: false } keeps anything from building behind your back.',
      ],
      conflictIs409: [
        'The losers of the race reach create() too. What does create() do when the database refuses the insert?',
        'It rejects with a MongoServerError whose code is 11000; left unhandled, Express 5 answers 500.',
        'Wrap the insert: on err.code === 11000 answer 409 with the same body as the fast path, and rethrow anything else.',
      ],
      duplicateKeyNamesEmail: [
        'A duplicate inserted straight into the collection went in: nothing in the database refuses a second document with that email.',
        'The guarantee has to live in the collection itself, as an index on email with the unique option, built before serving.',
      ],
      operatorRefused: [
        'A JSON body can carry {"$ne": null} where a string is expected; in a filter, that matches any user.',
        'Check that email and password are strings before either reaches a filter, and answer 400 otherwise.',
      ],
      oneSpelling: [
        '"Grace@Example.com" and "  grace@example.com " are different strings, so a unique index sees two different values.',
        'Normalise before the value reaches the index and the filters: the schema options trim and lowercase are setters that run on writes and on queries.',
      ],
    },
  },
});
