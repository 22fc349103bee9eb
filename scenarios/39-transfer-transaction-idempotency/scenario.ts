// Scenario 39's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No demo here: `run` walks starter.js, the traps and solution.js through attack.ts, and `show`
// reads them as text. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

// Snippets that teach something no code file of the exercise shows.
const clientRetryCode = `// the client: one key per intended transfer, reused
// for every retry of THAT transfer
const key = crypto.randomUUID();
for (let attempt = 1; ; attempt++) {
  try {
    const res = await fetch('/transfers', {
      method: 'POST',
      headers: { 'content-type': 'application/json',
        'idempotency-key': key },
      body: JSON.stringify({ from, to, amount }),
      signal: AbortSignal.timeout(5_000) });
    // 5xx or "still in flight": retry; anything
    // else (201, a business refusal) is the answer
    if (res.status < 500 && res.status !== 409) {
      return res;
    }
  } catch (err) {
    // no answer at all (network, timeout): the case
    // keys exist for; retry with the SAME key
  }
  if (attempt === 3) throw new Error('gave up');
  await sleep(2 ** attempt * 100 + Math.random() * 100);
}`;

const driverCode = `// the same transaction with the driver alone
const session = client.startSession();
try {
  await session.withTransaction(async () => {
    const debit = await accounts.updateOne(
      { _id: from, balance: { $gte: amount } },
      { $inc: { balance: -amount } }, { session });
    // nothing debited: throwing aborts the transaction,
    // so the credit below never happens
    if (debit.modifiedCount !== 1) {
      throw new InsufficientFunds();
    }
    await accounts.updateOne({ _id: to },
      { $inc: { balance: amount } }, { session });
  }, { writeConcern: { w: 'majority' } });
} finally {
  await session.endSession();
}`;

export const scenario = defineExercise({
  id: 39,
  slug: 'transfer-transaction-idempotency',
  title: 'A money transfer: transactions and idempotency',
  // Multi-document transactions exist only on a replica set (or a sharded cluster).
  requires: { replicaSet: true },
  tags: ['mongodb', 'express', 'transactions', 'idempotency', 'concurrency'],
  summary: 'Debit and credit as one transaction, write conflicts retried, and an Idempotency-Key that charges once.',
  question:
    'Your API moves money between two accounts stored in MongoDB: it takes the amount from one balance and adds it to the other. '
    + 'What can go wrong if the process dies in the middle, if two transfers hit the same account at once, or if the client '
    + 'retries because it never got an answer? How do you make it safe?',
  answer: {
    short:
      'The debit and the credit must commit together, so I run both in one multi-document transaction: in Mongoose '
      + 'connection.transaction() or session.withTransaction(), passing the session to every operation. Concurrent '
      + 'transfers then conflict instead of losing an update, and withTransaction retries the TransientTransactionError. '
      + 'For client retries the POST takes an Idempotency-Key; I store the key, a fingerprint of the request and the '
      + 'response with a unique index inside the same transaction, so a repeat is answered from the record and never charged twice.',
    reasoning: [
      'Three different failures hide in this question. A crash between two writes leaves half a transfer: the money left one '
        + 'account and never arrived in the other. Two requests that read the same balance and each write back their own result '
        + 'lose one of the updates. And a client whose answer was lost on the network cannot tell "not done" from "done", so it '
        + 'sends the POST again and the customer pays twice. Each needs its own part of the fix.',
      'MongoDB makes a single document update atomic, but a transfer changes two documents, so it needs a multi-document '
        + 'transaction, which exists only on a replica set or a sharded cluster (a standalone mongod refuses it). In Mongoose 9 '
        + 'I write connection.transaction(async (session) => { ... }) or session.withTransaction(): every read and write inside '
        + 'must receive { session } (or .session(session)), because an operation without it runs outside the transaction and '
        + 'commits on its own. If anything throws before the commit, the transaction is aborted and the debit never becomes visible.',
      'Transactions in MongoDB are optimistic: each works on a snapshot, and when two of them write the same document the '
        + 'second write fails at once with WriteConflict, labelled TransientTransactionError. withTransaction catches that label and '
        + 'runs the whole callback again on fresh data; it also retries the commit itself when the outcome is unknown '
        + '(UnknownTransactionCommitResult, e.g. the primary stepped down). Because the callback can run several times, it must '
        + 'contain nothing but database work: no HTTP call to a payment provider, no e-mail. The commit uses write concern majority '
        + 'so a committed transfer survives a failover.',
      'A transaction does not stop a retry from being a second, perfectly valid transfer. That is what the Idempotency-Key header is '
        + 'for (an IETF HTTP API draft, and how Stripe and most payment APIs work): the client generates one key per intended '
        + 'operation and reuses it for every retry. The server stores the key with a fingerprint of the request and the response it '
        + 'gave, under a unique index, inside the same transaction as the money. A repeat with the same body is answered from the '
        + 'record; the same key with a different body is a client bug and is refused (422); a copy that arrives while the first is '
        + 'still running conflicts with it and either waits for its result or gets 409. Records expire after a day or so through a TTL index.',
    ],
    keyPoints: [
      { text: 'A crash between the debit and the credit loses money: both writes must commit together in one transaction.', terms: [['transaction', 'withTransaction', 'all or nothing', 'atomic'], ['crash', 'half', 'partial', 'between', 'roll back', 'rollback', 'abort']], provenBy: 'Fix:' },
      { text: 'Transactions need a replica set, and every operation inside must receive the session.', terms: [['replica set', 'replica-set'], ['session']] },
      { text: 'Concurrent transactions on one document fail with WriteConflict / TransientTransactionError; withTransaction retries the callback.', terms: [['writeconflict', 'write conflict', 'transienttransactionerror', 'transient'], ['retr']], provenBy: 'Trap: a transaction by hand' },
      { text: 'An Idempotency-Key, stored with the response under a unique index inside the same transaction, makes a retried POST charge once.', terms: [['idempotency', 'idempotent'], ['key', 'unique']], provenBy: 'Fix:' },
      { text: 'The same key with a different request is refused (422), and keys expire through a TTL index.', terms: [['422', 'fingerprint', 'different body', 'different request'], ['ttl', 'expire']], provenBy: 'Fix:' },
    ],
    code: [
      { title: 'The client side of an Idempotency-Key: one key per transfer, the same key on every retry', language: 'js', code: clientRetryCode },
      { title: 'The same transaction with the driver alone, a conditional debit and majority commit', language: 'js', code: driverCode },
    ],
    seniorNotes: [
      'A transaction has a 60-second lifetime by default (transactionLifetimeLimitSeconds); after that the server aborts it. Keep transactions short, touch few documents, and never wait on a network call inside one.',
      'withTransaction retries the callback on TransientTransactionError and the commit on UnknownTransactionCommitResult, for up to 120 seconds in total. Hand-written startTransaction/commitTransaction code must implement both loops itself, which is why the callback API is the default choice.',
      'Because the callback may run more than once, it must be free of side effects outside the database: call the card processor, send the receipt or publish the event after the commit, or write an outbox document in the transaction and let a worker deliver it.',
      'Commit with writeConcern majority (MongoDB 5+ defaults to it) so a committed transfer cannot be rolled back by a failover. Reads inside a transaction see one snapshot taken at its first operation; readConcern snapshot (with majority commit) also makes that snapshot majority-committed.',
      'Store money as integer minor units (cents) or Decimal128, never as floating-point numbers; a conditional debit ({ balance: { $gte: amount } } in the filter) keeps the invariant even for code that forgets the check.',
      'A ledger of immutable entries (one debit, one credit, each referencing the transfer) beside the balances gives an audit trail and lets you reconcile; many payment systems derive the balance from the ledger.',
      'Idempotency keys are per client (scope them by API key or user), kept for a bounded time (24 hours is common) through a TTL index, and compared with a fingerprint of the request so reuse for a different body is refused with 422.',
      'A copy of the request that arrives while the first is still running is a normal event with mobile clients: answer 409 (or wait for the first to finish and replay its result), never run it a second time.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'A transfer runs two updateOne calls inside session.withTransaction, but the credit call was written without { session }. What happens when the callback throws after the credit?',
        options: [
          { text: 'The credit stays: it ran outside the transaction and committed by itself.', correct: true, explanation: 'An operation without the session is an ordinary write; the abort only undoes what ran in the transaction, here the debit.' },
          { text: 'Both roll back: withTransaction puts every operation in the callback into the transaction.', correct: false, explanation: 'The driver only knows about operations that carry the session; the callback is ordinary JavaScript.' },
          { text: 'The driver refuses the credit because a transaction is open on the connection.', correct: false, explanation: 'Transactions belong to sessions, not connections; other operations on the same client run normally.' },
          { text: 'Nothing: MongoDB 7 adds the session implicitly to operations in the same async context.', correct: false, explanation: 'Neither the driver nor MongoDB does that. Mongoose has an opt-in transactionAsyncLocalStorage for connection.transaction(), but only when you enable it.' },
        ],
      },
      {
        prompt: 'Under load, transfers inside a transaction sometimes fail with code 112 WriteConflict. What is the right reaction?',
        options: [
          { text: 'Run the whole transaction again; withTransaction does so.', correct: true, explanation: 'The error carries the TransientTransactionError label: another transaction wrote the document first, and running the callback again on fresh data resolves it.' },
          { text: 'Raise the transaction lifetime limit so the transaction can wait for the lock.', correct: false, explanation: 'A write conflict fails at once instead of waiting; the lifetime limit only reaps old transactions.' },
          { text: 'Retry only the write that failed, inside the same transaction.', correct: false, explanation: 'The conflict aborts the transaction; its earlier reads are stale anyway, so only a new transaction can go on.' },
          { text: 'Switch the read concern to "majority" so both see the same data.', correct: false, explanation: 'The read concern does not prevent two transactions from writing the same document; the conflict would remain.' },
        ],
      },
      {
        prompt: 'A mobile client did not receive the answer to POST /transfers and sends it again with the same Idempotency-Key. What should the server do?',
        options: [
          { text: 'Return the stored response of the first request without charging again.', correct: true, explanation: 'The key identifies the operation: the retry gets the original outcome, including its transfer id.' },
          { text: 'Refuse with 409, because the key was already used.', correct: false, explanation: '409 fits a copy arriving while the first is still in progress; a completed request is replayed so the client learns the outcome.' },
          { text: 'Run the transfer again; a transaction guarantees it cannot be applied twice.', correct: false, explanation: 'A transaction makes one transfer all or nothing; a second request is simply a second valid transfer.' },
          { text: 'Check whether an identical transfer happened in the last minute and skip it if so.', correct: false, explanation: 'Two genuine transfers of the same amount are legitimate; only a client-supplied key tells a retry from a new payment.' },
        ],
      },
      {
        prompt: 'Where should the idempotency record be written?',
        options: [
          { text: 'After the transfer committed, once the response is known.', correct: false, explanation: 'Between the commit and the record a duplicate in flight finds no key and charges again, which the demo\'s trap shows.' },
          { text: 'In the same transaction as the debit and the credit, under a unique index.', correct: true, explanation: 'Then the record and the money commit together, and a duplicate cannot commit a second record or a second charge.' },
          { text: 'In an in-memory map on the instance that handled the request.', correct: false, explanation: 'Other instances do not see it, and a restart forgets it: exactly when clients retry.' },
          { text: 'Nowhere: make the endpoint a PUT, which HTTP defines as idempotent.', correct: false, explanation: 'HTTP\'s definition is a promise the server has to keep, not a mechanism: a PUT handler that moves money still moves it twice unless the server recognises the repeat.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Why does the transfer need a transaction at all? Each updateOne is atomic already.',
      answer: 'Each update is atomic on its own document, but a transfer is two documents and the invariant is across them: the total stays the same. If the process dies, the connection drops or the credit fails after the debit, a single-document update cannot undo the debit. A multi-document transaction commits both or neither, and an error before the commit aborts it, which the demo shows with a crash between the two writes.',
      keyPoints: [
        { text: 'Single-document updates are atomic; the transfer spans two documents.', terms: [['single-document', 'one document', 'single document', 'each update'], ['two documents', 'multi-document', 'both accounts', 'two accounts']] },
        { text: 'A failure between the writes leaves half a transfer.', terms: [['crash', 'fail', 'dies', 'half', 'between', 'partial']] },
        { text: 'The transaction commits both or aborts both.', terms: [['commit', 'abort', 'roll back', 'rollback', 'all or nothing']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'Fix:',
    },
    {
      question: 'Two transfers from the same account run at the same moment inside transactions. What does MongoDB do, and what does your code have to do?',
      answer: 'Both transactions read from their own snapshot; the first one to write the account document wins, and the second write fails immediately with WriteConflict, labelled TransientTransactionError. The transaction is aborted. My code uses withTransaction (or Mongoose connection.transaction), which sees the label and runs the whole callback again on fresh data, so both transfers apply. Hand-rolled startTransaction/commitTransaction without a retry loop answers that second request with an error, as the trap in the demo does (503).',
      keyPoints: [
        { text: 'The second writer gets WriteConflict, labelled TransientTransactionError.', terms: [['writeconflict', 'write conflict', 'transienttransactionerror', '112']] },
        { text: 'withTransaction retries the whole callback.', terms: [['withtransaction', 'connection.transaction', 'retr']] },
        { text: 'Hand-rolled transactions without retry turn the conflict into an error.', terms: [['500', '503', 'error', 'fail', 'by hand', 'manual']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Trap: a transaction by hand',
    },
    {
      question: 'The client times out and retries. How exactly do you make sure it is not charged twice?',
      answer: 'The client sends an Idempotency-Key, a random UUID generated once per intended transfer and reused on every retry. Inside the transaction I look the key up; if it exists with the same request fingerprint I return the stored status and body; if the fingerprint differs I answer 422. Otherwise I move the money and insert the key, fingerprint and response in the same transaction, under a unique index. The record and the charge commit together, and a TTL index removes records after about a day.',
      keyPoints: [
        { text: 'One client-generated key per operation, reused on retries.', terms: [['idempotency-key', 'idempotency key'], ['uuid', 'client', 'retry', 'retries']] },
        { text: 'Store fingerprint and response, replay the response.', terms: [['fingerprint', 'hash of the body', 'request body'], ['response', 'replay', 'stored']] },
        { text: 'Write it in the same transaction under a unique index.', terms: [['same transaction', 'inside the transaction', 'unique']] },
      ],
      probes: 3,
      kind: 'failure',
      shownBy: 'Fix:',
    },
    {
      question: 'The product team wants to call the card processor inside the same transaction, so that a declined card rolls the transfer back. Good idea?',
      answer: 'No. withTransaction may run the callback several times, so the card could be charged several times, and a slow HTTP call keeps the transaction open, raising conflicts and running into the 60-second lifetime limit. I would record a pending payment in a transaction, call the processor outside it with its own idempotency key, and settle the result in a second transaction; or write an outbox document and let a worker deliver it. Transactions should contain only short database work.',
      keyPoints: [
        { text: 'The callback can run more than once: side effects repeat.', terms: [['more than once', 'several times', 'retried', 'retries', 'twice']] },
        { text: 'Long transactions conflict more and hit the 60-second limit.', terms: [['60', 'lifetime', 'long', 'short']] },
        { text: 'Use a pending state or an outbox and call the processor outside.', terms: [['outbox', 'pending', 'saga', 'outside the transaction', 'after the commit']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'You now process a hundred thousand transfers a minute and a few popular merchant accounts receive most of them. What breaks, and what do you change?',
      answer: 'Every transfer to a hot account writes the same document, so transactions conflict constantly and retries pile up; throughput on that account is bounded by one writer at a time. I would stop updating one balance document per transfer: append immutable ledger entries (inserts do not conflict) and compute or periodically roll up the balance, or split a hot account into several sub-balances that are summed. Idempotency records also need scoping by client and a TTL so the collection stays bounded.',
      keyPoints: [
        { text: 'A hot document serialises transactions: conflicts and retries grow.', terms: [['hot', 'contention', 'conflict'], ['retr', 'serial', 'one writer']] },
        { text: 'Append ledger entries or split the balance.', terms: [['ledger', 'append', 'entries', 'split', 'sub-balance', 'shard the counter', 'bucket']] },
      ],
      kind: 'scale',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, faults })` and resolves with the Express app once it is ready to serve. '
      + 'Define an Account model with a numeric `balance` (whole cents) on `db`, a fresh database on a replica set; serve POST /transfers with a JSON body '
      + '{ from, to, amount } answering 201 (a transfer), 409 (insufficient funds) or 404, honouring an optional Idempotency-Key header. '
      + 'Await `faults.afterDebit()` between the debit and the credit: the attack makes it throw once. The tool serves the app, so no app.listen.',
    starter: {
      title: 'Naive: two saves, no transaction, no idempotency',
      lesson: 'The crash after the debit left 700 and 0: three hundred gone from the books, answered 500 so the client will probably retry. '
        + 'The two simultaneous transfers both read 1000 and both saved 700: both answered 201, one debit vanished. The retried POST charged the account a second time. '
        + 'Only the insufficient-funds check worked, because it needs nobody else.',
      fails: ['crashLeavesMoneyIntact', 'concurrentBothApplied', 'retryChargesOnce', 'duplicateInFlightChargesOnce', 'keyReuseRefused', 'keysExpire'],
    },
    traps: [
      {
        file: 'traps/transaction-without-retry.js',
        title: 'Trap: a transaction by hand, without retry',
        lesson: 'All or nothing works: the crash rolled back. But with both transfers holding a snapshot, the second write failed with WriteConflict, the code aborted '
          + 'and answered 503; nothing ran the transaction again. A client would see a failed transfer that could simply have gone through. '
          + 'session.withTransaction (or connection.transaction in Mongoose) retries on TransientTransactionError; hand-written code has to.',
        fails: ['concurrentBothApplied', 'duplicateInFlightChargesOnce'],
      },
      {
        file: 'traps/key-saved-after-transfer.js',
        title: 'Trap: the key checked before the transaction, saved after it',
        lesson: 'A retry that came later was answered from the record. The two copies that arrived together both looked the key up before either had saved it, '
          + 'found nothing, and both moved the money. Check-then-insert outside the transaction is the registration race again: '
          + 'the record has to commit in the same transaction as the money, under a unique index.',
        fails: ['duplicateInFlightChargesOnce'],
      },
    ],
    solution: {
      title: 'Fix: one transaction for the money and the key, retried by withTransaction',
      lesson: 'The crash rolled the debit back: 1000 and 0, answered 503 so the client retries with the same key. The two simultaneous transfers conflicted, '
        + 'the driver ran the loser\'s callback again on fresh data (more reads of the accounts than transfers show the extra attempts), and both applied: 400 and 600. '
        + 'The retry was answered from the stored record, byte for byte the first answer, and the twin arriving at the same time waited on the conflict and got the same answer. '
        + 'The last figure is MongoDB itself, shown with the driver alone: the second writer of a document gets WriteConflict (112) labelled TransientTransactionError.',
    },
    hints: {
      crashLeavesMoneyIntact: [
        'The debit was saved before the crash, and nothing undid it. What would make the two writes succeed or fail together?',
        'Two documents changing together need a multi-document transaction; this database is a replica set, so it has them.',
        'Run the debit and the credit in db.transaction(async (session) => …) and pass the session to every read and write inside.',
      ],
      concurrentBothApplied: [
        'Both transfers read a balance of 1000 before either wrote. What does each save write back?',
        'Inside a transaction the second writer of a document fails with WriteConflict instead of silently overwriting. Who runs the transfer again then?',
        'session.withTransaction (and Mongoose\'s connection.transaction) rerun the callback on TransientTransactionError; hand-written commit code does not.',
      ],
      retryChargesOnce: [
        'The second POST carried the same Idempotency-Key header as the first. Where did the server remember that key?',
        'Store the key with the response you gave, and answer a repeat from that record instead of moving money again.',
        'Keep a fingerprint of the request with the key, so you can tell a true retry from a reuse.',
      ],
      duplicateInFlightChargesOnce: [
        'Both copies looked for the key before either had stored it. Which step lets a second copy slip through?',
        'The lookup and the insert of the key must be part of the same transaction as the money, and the key must be unique.',
        'A copy in flight then conflicts with the first one: let the driver retry until the first has committed and replay its answer, or answer 409 (a duplicate key error on your key record means another copy owns the key).',
      ],
      keyReuseRefused: [
        'The same key came back with a different amount. Is that a retry?',
        'Compare a fingerprint of the request with the one stored for the key; a mismatch is the client\'s mistake: 422.',
      ],
      keysExpire: [
        'How long does a key have to be remembered? What removes it afterwards?',
        'A TTL index (expires on a Date path in Mongoose) lets MongoDB delete old idempotency records by itself.',
      ],
    },
  },
});
