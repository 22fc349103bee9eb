// Scenario 41's metadata: question, answer, quiz, follow-up ladder and exercise. No code here:
// `show` reads starter.js, the trap and solution.js as text; attack.ts runs them.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 41,
  slug: 'aggregation-pipeline',
  title: 'Aggregation pipeline: let the database do the report',
  tags: ['mongodb', 'aggregation', 'performance', 'indexes'],
  summary: 'A report that loads every order into Node and sums in JavaScript moves the whole collection over the wire; '
    + 'a pipeline with $match first on an index, $group and $facet sends back a few hundred bytes, and explain shows the IXSCAN.',
  question:
    'A revenue report endpoint loads the orders with Order.find(), filters the paid ones since a date and sums them per region in JavaScript. '
    + 'It was fine at launch and now takes seconds and spikes memory. How would you rewrite it, and how do you show that the rewrite is better?',
  answer: {
    short:
      'Every order crosses the wire and is parsed into a JavaScript object only to be thrown away: the cost grows with the collection, not with the answer. '
      + 'Push the work to the server with an aggregation: $match first, so it can use an index on { status, createdAt }, then $group, and $facet for the count and the latest rows in the same pass. '
      + 'Prove it with explain (IXSCAN, documents examined) and by weighing what comes back.',
    reasoning: [
      'find() without a filter streams the whole collection to the app in batches; the driver deserialises each document and Node holds the array in memory. '
        + 'Filtering and grouping in JavaScript then discards most of it. The network, the BSON parsing and the garbage collector all pay for documents the report never needed.',
      'An aggregation runs where the data is. Order matters: a $match at the start of the pipeline becomes the query of its first stage and can use an index, so only the matching orders are read. '
        + 'For status equal to "paid" and createdAt from a date, the index { status: 1, createdAt: -1 } puts the equality field first and the range second (the ESR rule), and explain shows IXSCAN with tight bounds.',
      'A $match after $group filters the groups, not the orders. mongod\'s optimiser can move a $match on a group-key field ahead of $group (and ahead of $project or $addFields when it uses no computed field), '
        + 'but never a filter on an accumulated value (revenue above a threshold): that one runs after every order has been read and grouped, so explain shows a COLLSCAN under it. Do not rely on the rewrite: write the $match first.',
      '$facet runs several sub-pipelines over the same matched documents (totals per region, the count, the latest five), so the report is one round trip. '
        + 'Its output is a single document and must stay under 16 MiB, and the sub-pipelines cannot use indexes themselves: filter before $facet, not inside it.',
    ],
    keyPoints: [
      { text: 'Loading the collection to group in Node moves every document over the wire and into memory', terms: [['find()', 'whole collection', 'every document', 'all documents', 'in javascript', 'in node'], ['wire', 'memory', 'network', 'bytes']], provenBy: 'Naive' },
      { text: 'Put $match first so it becomes an indexed query (IXSCAN)', terms: [['$match'], ['first', 'start', 'beginning', 'early'], ['index', 'ixscan']], provenBy: 'Fix' },
      { text: 'The index follows equality, sort, range (ESR): { status: 1, createdAt: -1 }', terms: [['esr', 'equality', 'compound index', 'status: 1']], provenBy: 'The no-index trap' },
      { text: 'A $match on an accumulated value after $group filters groups; the scan under it reads everything', terms: [['$group'], ['after', 'later', 'collscan']], provenBy: 'Fix' },
      { text: '$facet computes several results from one matched set in one round trip', terms: [['$facet', 'facet']], provenBy: 'Fix' },
      { text: 'Prove it with explain (stage, docs examined) and by measuring bytes returned', terms: [['explain', 'executionstats', 'docsexamined'], ['bytes', 'size', 'wire', 'ixscan']], provenBy: 'Fix' },
    ],
    seniorNotes: [
      'Each pipeline stage may use 100 MB of memory; past that, $group and $sort spill to disk when allowDiskUse is true (the default since MongoDB 6.0), and fail otherwise.',
      'Reports over a whole year of data are better precomputed: a $merge into a summary collection on a schedule, or keep running totals updated with each order.',
      'Run heavy reports on a secondary (readPreference secondaryPreferred) or an analytics node so they do not compete with the write path; accept the replication lag.',
      '$group on a field that has an index can become a DISTINCT_SCAN for $first/$last patterns; a plain $sum cannot use the index beyond the $match.',
      'A skip-based page inside $facet still reads every skipped document; for deep pages use a range on the sort key.',
      'Sums of money in floating point drift: store cents as integers or Decimal128, and $sum keeps the type.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'Where should $match go in a pipeline that groups paid orders by region?',
        options: [
          { text: 'After $group, so the filter runs on fewer documents and less memory', correct: false, explanation: 'After $group it filters groups; every order has been read and grouped already.' },
          { text: 'First, so it can use an index and the rest sees only matches', correct: true, explanation: 'A leading $match becomes the query of the first stage and can use an index.' },
          { text: 'Anywhere: the optimiser always moves $match to the front', correct: false, explanation: 'It moves a $match only past stages that do not compute what the filter uses: a filter on a group key can move ahead of $group, one on an accumulated total cannot.' },
        ],
      },
      {
        prompt: 'The query is { status: "paid", createdAt: { $gte: since } }. Which index serves it best?',
        options: [
          { text: '{ createdAt: -1, status: 1 }, since the date is the most selective field', correct: false, explanation: 'With the range first, the scan walks every status within the dates; put the equality first.' },
          { text: 'Two single-field indexes, one on status and one on createdAt', correct: false, explanation: 'The planner picks one of them (index intersection is rare); the compound index bounds both fields.' },
          { text: '{ status: 1, createdAt: -1 }', correct: true, explanation: 'Equality first, then range (ESR): the scan reads only paid orders in the date range.' },
        ],
      },
      {
        prompt: 'What does $facet add to the report?',
        options: [
          { text: 'It runs the counts and the groups in parallel on different shards', correct: false, explanation: '$facet runs its sub-pipelines over the same input on the same node; it saves round trips, not CPU.' },
          { text: 'Several results from one matched set, in one round trip', correct: true, explanation: 'One pass of the input, one result document.' },
          { text: 'Indexes inside each sub-pipeline, so every facet can sort on its own index', correct: false, explanation: 'Sub-pipelines of $facet cannot use indexes; filter before $facet.' },
          { text: 'A cursor per facet, so each result can be larger than 16 MiB and stream back to the app', correct: false, explanation: '$facet returns one document, limited to 16 MiB in total.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'How do you prove the pipeline is better, not just shorter?',
      answer: 'Run explain("executionStats") on both: the find reads every document (COLLSCAN, docsExamined equal to the collection), the pipeline reads the matching keys and documents (IXSCAN). '
        + 'Then measure what crosses the wire and the request\'s memory and latency under a realistic data size; a small test collection hides the difference.',
      keyPoints: [
        { text: 'explain executionStats: IXSCAN, docs examined', terms: [['explain', 'executionstats'], ['ixscan', 'examined', 'collscan']] },
        { text: 'measure bytes/latency at realistic size', terms: [['bytes', 'latency', 'memory', 'realistic', 'production-size']] },
      ],
      probes: 5,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'The pipeline has $match first but explain still says COLLSCAN. Why?',
      answer: 'There is no index the planner can use for that filter: the index is missing, or its field order does not fit (a range field before the equality field, or the filter does not use the index\'s leading field). '
        + 'Create the compound index with equality first and range after, build it before traffic, and check explain again.',
      keyPoints: [
        { text: 'no usable index', terms: [['no index', 'missing index', 'index']] },
        { text: 'field order: equality then range', terms: [['esr', 'equality', 'leading', 'prefix', 'order']] },
      ],
      probes: 2,
      kind: 'failure',
      shownBy: 'The no-index trap',
    },
    {
      question: 'The orders collection reaches 500 million documents. Does the pipeline still answer in a request?',
      answer: 'Only for narrow ranges. For dashboards over long periods, precompute: $merge daily totals into a summary collection on a schedule (or on each order), and query the summary. '
        + 'Run the heavy pipeline on a secondary or an analytics node, with allowDiskUse for large groups, and keep the request path to indexed lookups.',
      keyPoints: [
        { text: 'precompute with $merge / summary collection', terms: [['$merge', 'summary', 'precompute', 'materiali', 'pre-aggregat']] },
        { text: 'secondary or analytics node', terms: [['secondary', 'analytics']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Why not keep the JavaScript grouping but stream the orders with a cursor instead of loading them all?',
      answer: 'A cursor bounds memory, but every document still crosses the network and is parsed, so time and bandwidth still grow with the collection. '
        + 'The server can filter on an index and group without sending the documents at all. Streaming is the right tool when the app must see every document, such as an export.',
      keyPoints: [
        { text: 'a cursor bounds memory, not transfer', terms: [['cursor', 'stream'], ['memory'], ['network', 'wire', 'transfer', 'every document']] },
      ],
      probes: 0,
      kind: 'trade-off',
      shownBy: 'Naive',
    },
    {
      question: 'The report takes a `region` query parameter that you put into $match. What do you check?',
      answer: 'That it is a string from a known list before it reaches the pipeline: a JSON body or an extended query parser can turn it into an operator, and Mongoose\'s sanitizeFilter does not cover aggregation pipelines. '
        + 'Never build $where, $function or $expr from input.',
      keyPoints: [
        { text: 'validate before it reaches $match', terms: [['validate', 'allow', 'known list', 'string', 'zod']] },
        { text: 'sanitizeFilter does not cover aggregate', terms: [['sanitizefilter', 'aggregate', 'pipeline'], ['not', 'does not', "doesn't"]] },
      ],
      kind: 'security',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db })` and resolves with the Express app once it is ready. '
      + 'Define an Order model on `db` with status, region, total and createdAt (the tool seeds it); GET /report?since=ISO-date answers { regions, paid, recent }. No app.listen.',
    starter: {
      title: 'Naive: find() everything, filter and sum in JavaScript',
      lesson: 'The figures are right, but the whole collection crossed the wire to produce them: every order was read (COLLSCAN), sent, parsed and mostly discarded. '
        + 'The cost follows the size of the collection, not the size of the answer.',
      fails: ['bytesBounded', 'matchUsesIndex'],
    },
    traps: [
      {
        file: 'traps/match-without-index.js',
        title: 'The no-index trap: $match first, but nothing to use',
        lesson: 'The pipeline sends back a few hundred bytes, but explain shows the server still read every order to find the paid ones: '
          + 'a leading $match is only as good as the index beneath it. Equality first, then range: { status: 1, createdAt: -1 }.',
        fails: ['matchUsesIndex'],
      },
    ],
    solution: {
      title: 'Fix: $match first on { status, createdAt }, $group and $facet',
      lesson: 'The same figures, a few hundred bytes into Node instead of the collection, and explain shows IXSCAN on the compound index: only paid orders since the date were read. '
        + 'Grouped first and filtered on the accumulated revenue after, the same data reads every order, whatever the indexes.',
    },
    hints: {
      bytesBounded: [
        'Weigh what Node received: the whole collection came back to produce a handful of numbers.',
        'MongoDB can filter and group on the server and send back only the result: an aggregation pipeline.',
        'Order.aggregate([{ $match: … }, { $facet: { … } }]): regions with $group, the count with $count, the latest with $sort and $limit.',
      ],
      matchUsesIndex: [
        'explain shows COLLSCAN: the server read every order. Which index would let it read only paid orders since the date?',
        'Put the filter in a $match at the very start of the pipeline, and give it a compound index: the equality field first, the range field second.',
        'schema.index({ status: 1, createdAt: -1 }) and await Order.createIndexes() before returning the app.',
      ],
      reportCorrect: [
        'Compare your figures with the starter\'s: revenue and order count per region (sorted by region), the number of paid orders, and the totals of the five latest.',
      ],
    },
  },
});
