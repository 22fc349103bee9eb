// Scenario 38's metadata: question, answer, quiz, follow-up ladder and exercise. No code here:
// `show` reads starter.js, the trap and solution.js as text; attack.ts runs them.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 38,
  slug: 'populate-n-plus-one',
  title: 'Populate and N+1: a list that asks once per row',
  tags: ['mongodb', 'mongoose', 'performance', 'schema-design'],
  summary: 'A list endpoint that fetches each post\'s author in a loop makes 1+N round trips; populate makes 2, $lookup 1. '
    + 'Comments pushed into the post grow it toward the 16 MiB document limit; a collection of their own keeps it constant.',
  question:
    'GET /posts returns a page of posts, each with its author\'s name, and it gets slower as the page grows although every query is fast on its own. '
    + 'Comments are stored in an array inside each post. Walk me through what you would look at, and how you would model posts, authors and comments.',
  answer: {
    short:
      'The handler fetches each author in a loop: one query for the posts and one more per post, 1+N round trips, each paying network latency. '
      + 'populate batches the authors into one $in query (2 in all), $lookup joins on the server (1), embedding the name makes it 1 but copies data that must be kept in step. '
      + 'Unbounded arrays like comments belong in their own collection: a document cannot pass 16 MiB and every growth rewrites it.',
    reasoning: [
      'Each await in the loop is a round trip: serialise, send, wait for the server, parse. A query that takes 1 ms on the server costs 1 ms plus the network, '
        + 'and the loop pays it N times in sequence. The total grows with the page size even though no single query is slow, which is why the profiler shows nothing alarming. '
        + 'Count round trips per request (driver command monitoring, Mongoose\'s debug or operation events) and the loop stands out: 1+N.',
      'Mongoose\'s populate collects the referenced ids of the whole result and fetches them with one find({ _id: { $in: ids } }), then stitches them in: '
        + 'two round trips for any page size. It is still two queries, done in the app; $lookup in an aggregation does the join on the server in one round trip, '
        + 'at the cost of writing the pipeline yourself. Either way, select only the fields the client needs: populate(\'author\', \'name\') does not leak the author\'s email.',
      'Embedding is the MongoDB answer when data is read together and changes rarely: keep the author\'s name in the post (the extended reference pattern) and the list is one query. '
        + 'The price is the copy: renaming an author must update every post, or the list shows the old name. Embed what is bounded and read with its parent; reference what is shared, large or changes on its own.',
      'An array that grows with use (comments, events, followers) is the anti-pattern MongoDB names unbounded arrays: every push rewrites a bigger document, every read of the post '
        + 'drags all comments along unless projected away, and at 16 MiB the write fails. Store such children in their own collection with an index on the parent id, and page them; '
        + 'if the post needs a preview, keep a bounded subset ($push with $slice) or a counter.',
    ],
    keyPoints: [
      { text: 'A per-row query in a loop is 1+N round trips; count them from command monitoring', terms: [['n+1', '1+n', 'n + 1', 'per row', 'per item', 'loop'], ['round trip', 'queries', 'query']], provenBy: 'Naive' },
      { text: 'populate batches references into one $in query: 2 round trips whatever the page size', terms: [['populate'], ['$in', 'two', '2', 'batch', 'one query']], provenBy: 'Fix' },
      { text: '$lookup joins on the server in one round trip', terms: [['$lookup', 'lookup', 'aggregation', 'aggregate']] },
      { text: 'Embedding reads in one query but duplicates data that must be kept in step', terms: [['embed', 'denormal', 'extended reference', 'duplicate'], ['stale', 'update', 'rename', 'in step', 'consisten']] },
      { text: 'Unbounded arrays grow toward the 16 MiB document limit: put such children in their own collection', terms: [['unbounded', 'grow', '16 mb', '16mb', '16 mib'], ['own collection', 'separate collection', 'reference', 'bucket']], provenBy: 'The unbounded-array trap' },
    ],
    seniorNotes: [
      'Project in populate and $lookup: a populated author with email and password hash is a data leak in a list endpoint (OWASP API3:2023, Broken Object Property Level Authorization, which absorbed 2019\'s excessive data exposure).',
      'populate across many paths or nested populate multiplies round trips again (one per path and level); check the count, not the code.',
      '$lookup is fast when foreignField is indexed (_id always is); on an unindexed field it scans the foreign collection for each input document, unless the server chooses a hash join (6.0 and later).',
      'The bucket pattern bounds growth when children are read together (e.g. 100 comments per bucket document); the subset pattern keeps a short preview in the parent with $push + $slice.',
      'A large document costs on every write and read: the storage engine keeps whole new versions of it in cache and writes them out, and every read that does not project carries its full size.',
      'Pagination by _id or a sorted index (range queries) keeps a list endpoint\'s cost flat; skip() reads and discards the skipped documents.',
      'DataLoader-style batching (collect ids over a tick, one $in query) is how GraphQL resolvers avoid the same N+1.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A handler loads 50 posts, then awaits User.findById(post.author) for each. Each query takes 1 ms on the server and the network round trip is 2 ms. Roughly how long does the handler spend waiting on MongoDB?',
        options: [
          { text: 'About 3 ms, because the driver runs the 50 lookups in parallel over its pool', correct: false, explanation: 'They are awaited one after another in the loop; the pool only helps with concurrent requests.' },
          { text: 'About 150 ms: 51 sequential round trips of about 3 ms', correct: true, explanation: 'One for the posts plus one per post, each paying latency in turn.' },
          { text: 'About 50 ms, since findById hits the _id index and skips the network', correct: false, explanation: 'An index saves server time, not the round trip.' },
        ],
      },
      {
        prompt: 'How many queries does Post.find().limit(50).populate(\'author\') send to MongoDB?',
        options: [
          { text: '51: one for the posts and one per post', correct: false, explanation: 'That is the hand-written loop; populate batches.' },
          { text: 'One: populate compiles into a $lookup', correct: false, explanation: 'populate runs in the app; $lookup is a separate tool you write in an aggregation.' },
          { text: 'Two: the posts, then the authors with _id $in the collected ids', correct: true, explanation: 'One extra query per populated path, whatever the page size.' },
          { text: 'It depends on how many distinct authors the page holds: one query for each of them', correct: false, explanation: 'Distinct ids change the size of the $in list, not the number of queries.' },
        ],
      },
      {
        prompt: 'Each post embeds an array of all its comments. Which problem grows with time?',
        options: [
          { text: 'Comments cannot be indexed while they live inside an array', correct: false, explanation: 'Multikey indexes index array elements; indexing is not the problem.' },
          { text: 'The post grows toward the 16 MiB limit, and every read of it carries them all', correct: true, explanation: 'Unbounded arrays: bigger rewrites, heavier reads, and a hard failure at 16 MiB.' },
          { text: 'MongoDB caps an embedded array at 1,000 elements and silently drops the oldest on $push', correct: false, explanation: 'There is no element cap; the limit is the document size, and nothing is dropped for you.' },
        ],
      },
      {
        prompt: 'You embed the author\'s name in each post to make the list one query. What must you add?',
        options: [
          { text: 'Nothing: MongoDB keeps embedded copies in step with the document they were copied from', correct: false, explanation: 'There is no such link; a copy is a copy.' },
          { text: 'A unique index on the embedded name', correct: false, explanation: 'Two authors can share a name; and an index does not propagate changes.' },
          { text: 'An update of every post when the author is renamed (or accept stale names)', correct: true, explanation: 'The extended reference pattern trades write work for read speed: updateMany on rename.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'How would you prove the loop is the problem, in production, without reading the code?',
      answer: 'Count round trips per request: the driver\'s command monitoring (commandStarted events, enabled with monitorCommands), Mongoose\'s debug output or its operation events, '
        + 'or an APM span per query. A request with dozens of identical small finds differing only by _id is an N+1. The profiler alone misleads, because each query is fast.',
      keyPoints: [
        { text: 'count queries per request via command monitoring / debug / APM', terms: [['command monitoring', 'commandstarted', 'monitorcommands', 'debug', 'apm', 'operation']] },
        { text: 'each query is fast, so the profiler alone misses it', terms: [['fast', 'profiler', 'slow query log']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'Naive',
    },
    {
      question: 'populate or $lookup: which do you reach for, and when?',
      answer: 'populate is two round trips with the join in the app; it is simple, works with Mongoose documents and across databases, and is enough for a page of results. '
        + '$lookup is one round trip with the join on the server, and can filter or sort on the joined fields, which populate cannot; it needs the pipeline written by hand '
        + 'and an index on the foreign field. For hot read paths where the data rarely changes, embedding beats both.',
      keyPoints: [
        { text: 'populate: 2 queries, join in the app', terms: [['populate'], ['two', '2', 'app', 'client']] },
        { text: '$lookup: 1 round trip, can filter/sort on joined fields', terms: [['$lookup', 'lookup'], ['one', '1', 'server', 'filter', 'sort']] },
      ],
      probes: 2,
      kind: 'trade-off',
      shownBy: 'Fix',
    },
    {
      question: 'A popular post has 300,000 comments. What breaks, and how do you model it?',
      answer: 'Embedded, the post passes 16 MiB and the next $push fails; long before that, every read and write of the post moves megabytes. '
        + 'Comments go into their own collection with an index on { post: 1, _id: -1 }, read a page at a time by range; the post keeps a count and perhaps the latest few ($push with $slice).',
      keyPoints: [
        { text: '16 MiB limit and heavy reads/writes', terms: [['16'], ['limit', 'fail', 'too large']] },
        { text: 'own collection with an index on the parent, paged', terms: [['own collection', 'separate collection', 'comments collection'], ['index', 'page', 'paginat']] },
      ],
      probes: 4,
      kind: 'scale',
      shownBy: 'The unbounded-array trap',
    },
    {
      question: 'What does populate(\'author\') without a field list send to the client?',
      answer: 'The whole user document: email, roles, and whatever else the users collection holds, possibly the password hash if the schema does not exclude it. '
        + 'Pass the fields (populate(\'author\', \'name\')) or a select in the options, and shape the response explicitly; OWASP\'s API Top 10 (2023) files it under API3, Broken Object Property Level Authorization.',
      keyPoints: [
        { text: 'populate returns the full document unless projected', terms: [['whole', 'full', 'every field', 'all fields'], ['email', 'password', 'hash']] },
        { text: 'project the populated fields', terms: [['select', 'projection', 'project', "'name'", 'fields']] },
      ],
      kind: 'security',
    },
    {
      question: 'You embedded the author name. The author renames themself. What happens and what do you do?',
      answer: 'The posts keep the old name until something updates them. Either updateMany every post by that author when the name changes (accepting the write cost and a short window of '
        + 'inconsistency, or doing it in a transaction), or stop embedding fields that change. Embed only what is stable or where a historical snapshot is the point, like an order\'s shipping address.',
      keyPoints: [
        { text: 'embedded copies go stale', terms: [['stale', 'old name', 'out of date', 'inconsisten']] },
        { text: 'updateMany on change, or embed only stable data', terms: [['updatemany', 'update every', 'update all', 'stable', 'snapshot']] },
      ],
      probes: 3,
      kind: 'failure',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db })` and resolves with the Express app once it is ready. '
      + 'Define models on `db`: a User with name and email, a Post with title and author (the tool seeds them); no app.listen.',
    starter: {
      title: 'Naive: one findById per post, comments pushed into the post',
      lesson: 'The list cost one query for the posts and one per post, so the count grew with the page: each await is a round trip in sequence. '
        + 'Every comment made the post document bigger; at that rate it reaches the 16 MiB limit, and long before that every read of the post carries all of them. '
        + 'The authors came back whole, email included.',
      fails: ['queriesConstant', 'postSizeBounded', 'authorPublicOnly'],
    },
    traps: [
      {
        file: 'traps/comments-in-the-post.js',
        title: 'The unbounded-array trap: populate, but comments still inside the post',
        lesson: 'The list is two round trips at any size now, and the authors carry only their name. But the post still grows by every comment: '
          + 'an array that grows with use belongs in a collection of its own.',
        fails: ['postSizeBounded'],
      },
    ],
    solution: {
      title: 'Fix: populate with a projection, comments in their own collection',
      lesson: 'populate collected the author ids of the page and fetched them in one $in query: two round trips for 3 posts or 12, and $lookup does it in one. '
        + 'Comments became documents of their own, indexed by post, so the post stayed the same size however many arrived.',
    },
    hints: {
      queriesConstant: [
        'Count the awaits inside the loop: each one is a round trip to the database.',
        'Mongoose can fetch the referenced documents of a whole result in one extra query, given the ref in the schema.',
        'Post.find().populate(\'author\', …) replaces the loop; an aggregation with $lookup would make it one round trip.',
      ],
      postSizeBounded: [
        'Weigh the post before and after its comments: what makes it grow, and where does that end?',
        'A document cannot pass 16 MiB. Children that grow without bound belong in a collection of their own, pointing at their parent.',
        'A Comment model with a post reference (indexed) and an insert per comment, instead of $push into the post.',
      ],
      authorPublicOnly: [
        'Look at what the list sends for each author. Does a reader need the email?',
        'populate and find both take the fields to return.',
      ],
    },
  },
});
