// Scenario 28's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No demo here: `run` walks starter.js, the trap and solution.js through attack.ts, and `show`
// reads them as text. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 28,
  slug: 'slow-queries',
  title: 'Optimising slow MongoDB queries behind an API',
  tags: ['mongodb', 'performance', 'express', 'caching'],
  summary: 'explain() shows the collection scan; a compound index, projection, keyset pages and a TTL cache fix it.',
  question: 'A list endpoint of your Node/Express API has become slow as the users collection grew. How do you find out why, and what do you change in the query, the indexes and the API so it stays fast?',
  answer: {
    short:
      'I find the slow query with the profiler or slow-query log and read explain("executionStats"): a COLLSCAN, an '
      + 'in-memory SORT, or thousands of documents examined to return 20 is the bug. Then I add a compound index in '
      + 'equality-sort-range order ({ isActive: 1, createdAt: -1 }), project and lean() to send less, replace deep skip '
      + 'with keyset pagination, and cache hot reads that tolerate staleness with a TTL, checking each change with explain.',
    reasoning: [
      'I start by measuring rather than guessing: the database profiler or slow-query log (or APM traces) tells me which query is slow, and `explain("executionStats")` tells me why. I read three things: the winning plan\'s stages (COLLSCAN means no index was usable; a SORT stage means the documents are sorted in memory, a blocking step with a memory limit), and the ratio of totalKeysExamined and totalDocsExamined to nReturned. A healthy query examines about as many entries as it returns; examining 20 000 documents to return 20 is the bug.',
      'The main fix is an index shaped for the query. For `find({ isActive: true }).sort({ createdAt: -1 }).limit(20)` that is a compound index `{ isActive: 1, createdAt: -1 }`: equality fields first, then the sort field, then range fields (the ESR guideline). The server jumps to the active users and walks them already in the requested order, so the limit stops the scan after 20 keys and there is no in-memory sort. An index on `isActive` alone is a trap: it is low-cardinality, so the server fetches every active user and still sorts them. I declare the index in the schema, but build it deliberately (a migration or `Model.createIndexes()` at deploy) with autoIndex off in production, and confirm with explain that the plan changed.',
      'Then I send less data. A projection (`.select("name email")`) shrinks what the server serialises and sends, what the driver decodes and the HTTP response, but for an ordinary query the server still fetches each whole document and drops fields afterwards, so it does not reduce reads. Only a covered query, whose filter, sort and projection use nothing but fields of one index (`_id` excluded unless the index holds it), answers from the index and examines no documents. `.lean()` skips building Mongoose documents, a real CPU saving on read-only endpoints.',
      'Pagination with `skip` gets slower with every page: the server must walk and discard every skipped entry, so page 501 costs 10 020 index keys, and pages shift when rows are inserted between requests. For feeds and infinite scroll I use keyset (cursor) pagination: the client sends back the last sort value it saw and the next page is `createdAt < cursor`, an index seek that costs the page size whatever the depth. It needs a unique, indexed sort key, so in general I add `_id` as a tiebreaker to both the sort and the cursor; the price is that you cannot jump to an arbitrary page number.',
      'Finally, for hot reads that tolerate a little staleness (a dashboard total, a public list) I add a read-through cache in Redis: look up the key, on a miss run the query and store the answer with a TTL that bounds how stale it can get, and delete the key on writes where correctness matters. Caching comes after the index, not instead of it: a cold cache, an eviction or a new query parameter sends traffic straight back to the database.',
    ],
    keyPoints: [
      {
        text: 'Diagnose with the profiler / slow-query log and explain("executionStats"): COLLSCAN, an in-memory SORT, docs examined far above docs returned.',
        terms: [['explain', 'executionStats', 'profiler', 'slow query'], ['COLLSCAN', 'collection scan', 'docsExamined', 'docs examined', 'examined']],
        provenBy: 'Naive',
      },
      {
        text: 'Create a compound index matching filter then sort (equality, sort, range): { isActive: 1, createdAt: -1 } gives IXSCAN with no SORT stage.',
        terms: [['compound index', 'compound'], ['isActive', 'filter', 'equality', 'esr'], ['createdAt', 'sort']],
        provenBy: 'Fix',
      },
      {
        text: 'Return only the fields the client needs (projection with select) and use lean() for read-only endpoints; the server still reads whole documents unless the query is covered.',
        terms: [['projection', 'select', 'only the fields', 'only needed fields']],
        provenBy: 'Fix',
      },
      {
        text: 'Deep skip walks and discards every skipped entry; keyset (cursor) pagination on the indexed sort field costs only the page.',
        terms: [['skip'], ['keyset', 'cursor', 'range query', 'range filter', 'range condition', 'seek', '$lt', '$gt']],
        provenBy: 'Fix',
      },
      {
        text: 'Cache hot, staleness-tolerant reads in Redis with a TTL (read-through / cache-aside), invalidating on writes where needed.',
        terms: [['cache', 'redis'], ['a ttl', 'the ttl', 'ttl of', 'ttl:', '(ttl', 'time to live', 'expire', 'expiry', 'expiration']],
        provenBy: 'Fix',
      },
      {
        text: 'Indexes are not free: each one slows writes and takes RAM; build them deliberately and verify the plan after.',
        terms: [['index', 'indexes'], ['slow writes', 'write cost', 'write overhead', 'every write', 'every insert', 'memory', 'working set', 'in ram']],
      },
    ],
    seniorNotes: [
      'Index order follows ESR (equality, sort, range). `{ createdAt: -1, isActive: 1 }` avoids the sort but walks past every inactive user; `{ isActive: 1 }` alone fetches every active user and sorts them. Drop indexes that are a prefix of another, unless the shorter one is unique, partial or sparse, or has a different collation: each index costs every insert and update, and the working set (hot data plus indexes) must fit in RAM.',
      'Make the slow path visible before users do: profiler or slow-query log with a threshold, `planSummary` in logs, and in tests or CI an explain assertion on critical queries (no COLLSCAN, keys examined close to returned). Atlas/Ops Manager index suggestions are a hint, not a design.',
      'In-memory sorts are capped (100 MB per stage); past it the query spills to disk (allowDiskUse, default on since 6.0) or fails. A SORT stage in a hot path is a design smell even when it fits.',
      'Covered queries: project only indexed fields and exclude `_id` and explain shows totalDocsExamined 0. Counting every page is expensive too: show "more" instead of a total, use estimatedDocumentCount for whole-collection counts, or cache the total.',
      'Caching brings its own failure modes: stampedes when a hot key expires (single-flight or a lock, jittered TTLs), keys that forget a parameter or the user scope (data leaking between users), and stale data after writes (delete on write, short TTLs). Measure hit ratio; a cache that rarely hits is just latency.',
      'Bound every list query: a `maxTimeMS` (Mongoose `.maxTimeMS(2000)`) makes a plan regression fail fast with an error you can alert on, instead of holding a pool connection while it scans; and check that the indexes plus the working set still fit in RAM as the data grows.',
      'mongod chooses among candidate plans by trial: it runs them side by side for a short period, keeps the most productive and caches it per query shape ($planCacheStats shows the entries). A plan chosen for one set of values can be poor for another on skewed data, and replanning only happens when the cached plan needs far more work than expected; explain("allPlansExecution") shows the race, and a better compound index is the lasting fix (hint() or, from MongoDB 8.0, setQuerySettings as a stopgap).',
      'After missing indexes, the next usual suspect on Mongoose list endpoints is per-document queries: populate() batches one $in query per path, but a loop that awaits a lookup per row is N+1. Populate with a field selection, use $lookup in an aggregation, or store the few fields the list needs on the document itself.',
      'Build indexes on large collections deliberately: since MongoDB 4.2 builds take an exclusive lock only at the start and end but still cost I/O and replication lag; roll them out per replica (rolling builds) for very large collections and watch the effect on writes.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'explain("executionStats") for find({ isActive: true }).sort({ createdAt: -1 }).limit(20) shows SORT > COLLSCAN, totalDocsExamined 25000 and nReturned 20. What does it tell you?',
        options: [
          { text: 'No index serves it: every document was read and sorted in memory.', correct: true, explanation: 'COLLSCAN means every document was read; the SORT stage is the blocking in-memory sort; 25 000 examined for 20 returned is the ratio to fix.' },
          { text: 'It is fine: only executionTimeMillis matters, not examined counts.', correct: false, explanation: 'Time on a small or cached dataset hides the problem; examined-to-returned grows with the collection and is what explodes in production.' },
          { text: 'The limit was ignored, so 25 000 documents went to the client.', correct: false, explanation: 'nReturned is 20: the limit held. Examined counts what the server read, not what it sent.' },
          { text: 'The _id index was used, but walked in the wrong direction.', correct: false, explanation: 'An index use would appear as IXSCAN; COLLSCAN means no index at all.' },
        ],
      },
      {
        prompt: 'Which single index best serves find({ isActive: true }).sort({ createdAt: -1 }).limit(20)?',
        options: [
          { text: '{ isActive: 1 }', correct: false, explanation: 'Low-cardinality filter only: the server fetches every active user and still sorts them in memory (IXSCAN under a SORT stage), as the filter-only trap shows.' },
          { text: '{ isActive: 1, createdAt: -1 }', correct: true, explanation: 'Equality first, then the sort field: the walk starts at the active users in createdAt order, so the limit stops it after 20 keys and no SORT stage appears.' },
          { text: '{ createdAt: -1, isActive: 1 }', correct: false, explanation: 'It avoids the sort, but walks the whole timeline and skips inactive users key by key; with a rare filter value it scans most of the index.' },
          { text: 'Two separate indexes, { isActive: 1 } and { createdAt: -1 }', correct: false, explanation: 'The planner normally picks one index per plan (index intersection is rare and cannot give both the filter and the order); a compound index is the tool.' },
        ],
      },
      {
        prompt: 'The list query now ends in .select(\'name email createdAt\'). What does that save?',
        options: [
          { text: 'Bytes sent and decoded; each document is still read.', correct: true, explanation: 'The server fetches each whole document and drops the other fields afterwards (FETCH in explain, 20 documents examined); only a covered query skips the documents.' },
          { text: 'Disk reads: the server loads only the three fields.', correct: false, explanation: 'Documents are stored and read whole; the projection is applied after the fetch unless the query is covered.' },
          { text: 'Nothing: Mongoose projects after the full result arrives.', correct: false, explanation: 'The projection is sent to the server with the query, and the server drops the other fields before replying.' },
          { text: 'The FETCH stage: the query becomes covered by the index.', correct: false, explanation: 'name and email are not in the index, so the server must fetch the documents. A covered variant would select only indexed fields, such as createdAt (and _id, which the index holds).' },
        ],
      },
      {
        prompt: 'With the compound index in place, page 501 is fetched with skip(10000).limit(20). What does explain report?',
        options: [
          { text: 'About 20 keys: skip jumps straight to the wanted position.', correct: false, explanation: 'B-tree indexes do not store positions; the server must walk the skipped entries one by one.' },
          { text: 'About 10 020 keys: every skipped entry is walked.', correct: true, explanation: 'The cost is linear in the page depth; a range condition on the sort key (keyset pagination) seeks directly to the page instead.' },
          { text: 'A COLLSCAN: skip turns off index use for the query.', correct: false, explanation: 'The index is still used (IXSCAN with a SKIP stage); it is just walked further.' },
          { text: 'None: skip is applied by the driver on the client side.', correct: false, explanation: 'skip is applied by the server; the driver only receives the 20 returned documents.' },
        ],
      },
      {
        prompt: 'Why does robust keyset pagination sort and filter on (createdAt, _id) rather than createdAt alone?',
        options: [
          { text: 'MongoDB cannot range-compare Date values with $lt or $gt alone.', correct: false, explanation: 'Dates compare fine; the problem is ties, not the operator.' },
          { text: 'Ties in createdAt would skip or repeat users at a page edge.', correct: true, explanation: 'The cursor must identify a unique position; _id breaks ties, and the index should include it so the walk stays in index order.' },
          { text: 'Adding _id to the sort makes each response smaller.', correct: false, explanation: 'Adding a sort key does not change the payload size.' },
          { text: 'Without _id in the filter the query cannot use any index.', correct: false, explanation: '{ isActive: 1, createdAt: -1 } serves createdAt-only keyset queries; _id is for correctness at ties.' },
        ],
      },
      {
        prompt: 'A read-through cache answers X-Cache: MISS on the first request and HIT on the second. What bounds how stale a hit can be if nothing invalidates the key?',
        options: [
          { text: 'The TTL set when the value was stored (EX 60).', correct: true, explanation: 'After the TTL the key disappears and the next read goes to the database; invalidating on write tightens it further.' },
          { text: 'MongoDB\'s index, which tells Redis when documents change.', correct: false, explanation: 'MongoDB does not talk to your cache; you would need change streams or explicit invalidation.' },
          { text: 'Nothing: Redis always returns the latest database value.', correct: false, explanation: 'Redis returns what you stored; it knows nothing about the database behind it.' },
          { text: 'The HTTP keep-alive timeout of the connection.', correct: false, explanation: 'Connection reuse has nothing to do with how long a cached value lives.' },
        ],
      },
      {
        prompt: 'A query that was fast yesterday is slow today; no index changed, and explain now shows a different winning plan. What is a likely cause?',
        options: [
          { text: 'A cached plan chosen for other values no longer fits.', correct: true, explanation: 'mongod picks a plan by trial for a query shape and caches it; on skewed data the cached plan can be poor for other values until a replan. $planCacheStats and explain("allPlansExecution") show it.' },
          { text: 'The planner picks at random among the valid indexes.', correct: false, explanation: 'Selection is deterministic given the trial results; it is the cached choice that outlives the data it was chosen for.' },
          { text: 'Indexes expire after a while unless they are used.', correct: false, explanation: 'Only TTL indexes expire, and they expire documents, not themselves.' },
          { text: 'explain output is cached, so it shows an older plan.', correct: false, explanation: 'explain plans the query afresh and reports the candidates it tried.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Before you open explain: how do you find which query is slow in production?',
      answer: 'I let the database tell me. mongod logs every operation slower than slowms (100 ms by default) with its planSummary and keys and documents examined, and the profiler (db.setProfilingLevel(1, { slowms })) stores the same in system.profile; Atlas shows it in the Query Profiler. On the application side, APM traces or the driver\'s command monitoring tie a slow request to the command it sent. Then I run explain("executionStats") on that exact query shape.',
      keyPoints: [
        { text: 'The slow-query log or profiler, with a slowms threshold.', terms: [['profiler', 'slow query', 'slow-query', 'slowms', 'system.profile', 'query profiler']] },
        { text: 'APM or command monitoring links requests to commands.', terms: [['apm', 'trace', 'tracing', 'command monitoring', 'opentelemetry']] },
        { text: 'Then explain("executionStats") on the exact shape.', terms: [['explain', 'executionstats']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'Naive',
    },
    {
      question: 'The query becomes find({ isActive: true, age: { $gte: 18 } }).sort({ createdAt: -1 }).limit(20). Which index now?',
      answer: 'Following equality, sort, range: { isActive: 1, createdAt: -1, age: 1 }. With age before createdAt the range would split the index into many createdAt runs, so the server would have to sort in memory again; with age last the walk stays in createdAt order, the age condition is checked on the index keys, and the limit stops it early. If the age range were very selective, { isActive: 1, age: 1, createdAt: -1 } with a small in-memory sort could examine less, so I confirm the choice with explain on real data.',
      keyPoints: [
        { text: 'Equality, then sort, then range: { isActive, createdAt, age }.', terms: [['esr', 'equality', 'sort, range', 'sort then range', 'sort before range'], ['createdat']] },
        { text: 'A range before the sort field brings back the in-memory SORT.', terms: [['in-memory sort', 'blocking sort', 'sort stage', 'in memory']] },
        { text: 'Check the choice with explain on real data.', terms: [['explain', 'measure', 'real data', 'selective']] },
      ],
      probes: 1,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Does the projection reduce what the server reads from disk?',
      answer: 'No, not for an ordinary query. The server fetches each matching document whole (from the WiredTiger cache or disk) and removes the fields afterwards, so the projection saves serialisation, network, driver decoding and memory in the app, not reads. The exception is a covered query: when the filter, the sort and every projected field are in one index, explain shows no FETCH and totalDocsExamined 0. lean() is a separate saving: no Mongoose documents are built.',
      keyPoints: [
        { text: 'The server still reads the whole document: it saves transfer and decoding, not reads.', terms: [['whole document', 'full document', 'still read', 'still fetch', 'fetch'], ['network', 'serialis', 'serializ', 'decod', 'bytes']] },
        { text: 'Only a covered query examines no documents.', terms: [['covered'], ['index', 'docsexamined', 'docs examined', 'no fetch']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'The query was fast yesterday and is slow today with the same indexes, and explain shows a different winning plan. What happened, and what do you do?',
      answer: 'Most likely the plan cache. mongod chose the plan for this query shape by a trial run and cached it; a plan that won for yesterday\'s values can be poor for today\'s on skewed data, and it is only re-planned when it needs far more work than when it was cached. I would look at $planCacheStats and explain("allPlansExecution"), clear the entry (planCacheClear) to confirm, and fix it for good with an index that wins for every value. hint(), or MongoDB 8.0\'s setQuerySettings, is a stopgap.',
      keyPoints: [
        { text: 'A cached plan chosen by trial for one set of values.', terms: [['plan cache', 'cached plan', 'plancache'], ['trial', 'values', 'skew', 'shape']] },
        { text: 'Inspect with $planCacheStats or allPlansExecution; clear to confirm.', terms: [['$plancachestats', 'plancachestats', 'allplansexecution', 'plancacheclear']] },
        { text: 'Fix with a better index; hint or query settings as a stopgap.', terms: [['index'], ['hint', 'setquerysettings', 'query settings']] },
      ],
      kind: 'failure',
    },
    {
      question: 'The list now shows each user\'s team, and it is slow again. What do you look for?',
      answer: 'Extra queries per page. Mongoose\'s populate() batches one $in query per populated path, which is fine if it selects only the fields the list needs; a loop that awaits Team.findById for each row is N+1 and costs a round trip per user. I check the driver\'s command log or APM for the query count per request, then populate with a select, use $lookup in an aggregation, or copy the team name onto the user when it rarely changes.',
      keyPoints: [
        { text: 'Per-row lookups are N+1 round trips.', terms: [['n+1', 'per row', 'per document', 'each user', 'round trip']] },
        { text: 'populate batches by path; select fields, $lookup or denormalise.', terms: [['populate', '$lookup', 'lookup', 'denormalis', 'denormaliz', 'embed']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Product wants numbered pages with a total ("page 37 of 412"). Keyset cannot jump. What do you propose?',
      answer: 'I would be honest about the cost: a total means counting every match on each request, and deep numbered pages mean deep skips. Options are to cap the depth (skip is fine for the first few dozen pages, and nobody reads page 400), cache the total or show an estimate (estimatedDocumentCount only for a whole collection), and keep keyset for infinite scroll and API clients. If users really need to jump around a large result set, that is a search engine\'s job.',
      keyPoints: [
        { text: 'Counting and deep skip both cost work proportional to the data.', terms: [['count', 'total'], ['skip', 'expensive', 'cost']] },
        { text: 'Cap the depth, cache or estimate the total, keep keyset for scrolling.', terms: [['cap', 'limit the depth', 'max page', 'cache the total', 'estimate', 'estimateddocumentcount']] },
      ],
      kind: 'trade-off',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, redis })` and resolves with the Express app once it is ready to serve. '
      + 'The users collection on `db` is already filled: define the User model on it. GET /users answers { items, next } and takes ?after=<next>; '
      + 'GET /stats/active-users answers { activeUsers }. The tool serves the app: no app.listen.',
    starter: {
      title: 'Naive: no index, whole documents, skip, a count per request',
      lesson: 'explain showed the cost: a COLLSCAN over every user and an in-memory SORT to return 20, whole documents sent for a list that shows three fields, '
        + 'page 5 walking all the pages before it, a sign-up shifting the offsets so page 2 repeated a user, and a count over every active user on each request for the total.',
      fails: ['listIndexed', 'listProjected', 'nextPageCheap', 'stablePages', 'countCached'],
    },
    traps: [
      {
        file: 'traps/filter-only-index.js',
        title: 'Trap: an index on the filter field alone',
        lesson: 'explain says IXSCAN, so it looks fixed. But { isActive: 1 } only narrows to the active users: the server fetched every one of them and sorted them in memory '
          + 'to return 20, on page 1 and on every page after it. The sort field has to be in the index, after the equality field.',
        fails: ['listIndexed', 'nextPageCheap'],
      },
    ],
    solution: {
      title: 'Fix: compound index, projection, keyset pages, cached total',
      lesson: 'With { isActive: 1, createdAt: -1, _id: -1 } the walk starts at the active users already in order and stops after 20 keys, on page 1 and on page 5 alike, '
        + 'because each page seeks past the last (createdAt, _id) seen instead of skipping; a sign-up in between moves nothing. The items carry three fields, '
        + 'and the total cost one count for two reads. The projection changed what travelled, not what the server read: it still fetched each document.',
    },
    hints: {
      listIndexed: [
        'Read the plan the attack printed: a COLLSCAN or a SORT stage means no index gives these users in this order.',
        'The query filters on isActive and sorts on createdAt (then _id). Which index serves both, and in which field order?',
        'Equality first, then the sort fields: declare it in the schema and build it (awaited) before createApp returns.',
      ],
      listProjected: [
        'The list shows a name, an email and a join date. What else does each item carry?',
        'Ask the query for the fields you send: a projection with select().',
      ],
      nextPageCheap: [
        'Page 5 examined every entry of pages 1 to 4 first. What does skip() make the server do?',
        'Instead of a page number, let `next` carry the last createdAt and _id the client saw, and ask for what comes after them.',
        'A range filter on the sort fields (with _id to break ties) lets the index seek straight to the page.',
      ],
      stablePages: [
        'A new user pushed everyone one place down between two requests. What in the cursor depends on positions?',
        'A cursor that names the last item seen, not an offset, is not moved by inserts before it.',
      ],
      countCached: [
        'The total is counted on every request. May it be a little old?',
        'Keep the answer in Redis under a key, with an expiry (EX) that bounds how stale it can get, and count only on a miss.',
      ],
    },
  },
});
