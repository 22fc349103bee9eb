// Scenario 27's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No demo here: `run` walks starter.js, the traps and solution.js through attack.ts, and `show`
// reads them as text. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 27,
  slug: 'password-reuse',
  title: 'Rejecting password reuse with bcrypt',
  tags: ['security', 'auth', 'express', 'mongodb'],
  summary: 'Salted hashes never compare equal: use bcrypt.compare and a short password history.',
  question:
    'A user changes their password. How do you stop them from setting the password they already have, '
    + 'or flipping back to one they used recently, when all you store is bcrypt hashes?',
  answer: {
    short:
      'bcrypt salts every hash, so hashing the new password and comparing strings never matches; I check reuse '
      + 'with bcrypt.compare(newPassword, hash) against the current hash and a short history of the last few '
      + 'hashes, and answer 400 with a neutral message. The route first verifies the current password (403 '
      + 'current_password_invalid if wrong, since the session itself is valid), is rate-limited, and the cost '
      + 'factor is chosen by measuring hash time on production hardware.',
    reasoning: [
      'You cannot decide reuse by hashing the new password and comparing strings. bcrypt generates a random '
        + '16-byte salt per hash and embeds it, together with the cost, in the result ($2b$10$<22-char salt><31-char '
        + 'hash>). Two hashes of the same password therefore differ, so `newHash === user.passwordHash` is never '
        + 'true and the check silently lets every reuse through.',
      'The right tool is `bcrypt.compare(plaintextCandidate, storedHash)`: it reads the salt and the cost out of '
        + 'the stored hash, re-hashes the candidate with them, and compares the results. If it returns true the '
        + 'new password equals the current one, and the route answers 400 with a neutral message. The route should '
        + 'also verify the current password first, so a hijacked session cannot silently change it. A wrong current '
        + 'password is answered 403 with a machine-readable code (current_password_invalid), not 401: the session is '
        + 'valid, and clients treat 401 as "log in again". The route changes the password of the session\'s user '
        + '(PUT /me/password), never of an id taken from the URL, and sits behind a rate limit, because it is a '
        + 'password-guessing oracle for whoever holds the session.',
      'Rejecting only the current password is weak: the user changes A→B and immediately back to A. A password '
        + 'history fixes that: keep the last N hashes (each with its own salt) on the user document, compare the '
        + 'candidate against the current hash and every history entry, and on success push the old current hash '
        + 'to the front of the history and trim it to N.',
      'bcrypt is deliberately slow: cost c means 2^c rounds and each +1 doubles the time. A history check costs '
        + 'one compare per entry, so N must stay small (3–5), and the route should sit behind rate limiting like '
        + 'login. Choose the cost by measuring hash time on production hardware (aim for roughly 100–250 ms per '
        + 'hash for login) and raise it over time; `bcrypt.getRounds(hash)` tells you which cost an existing hash '
        + 'used, so you can re-hash on the next successful login when the cost has been raised.',
    ],
    keyPoints: [
      {
        text: 'Each bcrypt hash has its own random salt, so two hashes of one password differ and string comparison never detects reuse.',
        terms: [['salt'], ['differ', 'different', 'not equal', 'never match', 'never equal']],
        provenBy: 'Naive',
      },
      {
        text: 'Use bcrypt.compare(newPassword, storedHash), which re-hashes with the stored salt and cost.',
        terms: [['bcrypt.compare', 'compare(', "bcrypt's compare", 'comparesync']],
        provenBy: 'Fix',
      },
      {
        text: 'Reject reuse with 400 and a neutral message; verify the current password first (403 current_password_invalid if wrong: the session is valid, so not 401).',
        terms: [['400', 'bad request'], ['current password', 'old password']],
        provenBy: 'Fix',
      },
      {
        text: 'Keep a bounded password history (last N hashes) and compare against each entry, not only the current hash.',
        terms: [['history', 'previous hashes', 'last n', 'old hashes']],
        provenBy: 'Fix',
      },
      {
        text: 'The cost factor trades security for latency: 2^cost rounds, chosen from measured hash time and readable with getRounds.',
        terms: [['cost', 'rounds', 'work factor', 'salt rounds'], ['latency', 'measure', 'millisecond', ' ms', 'slow', 'benchmark', 'per hash']],
        provenBy: 'Fix',
      },
    ],
    seniorNotes: [
      'Pick the cost from a measurement on the production machine, not a constant from a blog post, and re-hash '
        + 'on successful login when getRounds(hash) is below the current target. OWASP\'s order is Argon2id (memory-hard) '
        + 'first, then scrypt, with bcrypt for existing systems at a work factor of at least 10.',
      'bcrypt only uses the first 72 bytes of its input (UTF-8: an emoji takes 4): two long passphrases that share a 72-byte prefix compare '
        + 'equal. Cap the password length (or pre-hash carefully with HMAC + base64, never raw SHA output with NUL bytes).',
      'The request carries both plaintexts, so reject newPassword === currentPassword (after verifying the current one) '
        + 'without spending another hash; reuse of older passwords still needs a compare() per history entry.',
      'NIST SP 800-63B advises against forced periodic rotation; a better complement to the history check is '
        + 'rejecting known-breached passwords (e.g. Have I Been Pwned k-anonymity range API).',
      'After a successful change, revoke other sessions and refresh tokens and notify the user by e-mail; a '
        + 'password change is exactly what an attacker who took over the account would do.',
      'Every compare is a cost-c hash on the libuv thread pool (4 threads by default): N history entries × the '
        + 'request rate can starve other async work, which is another reason to keep N small and the route rate-limited.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'Why does `await bcrypt.hash(newPassword, 10) === user.passwordHash` never detect reuse?',
        options: [
          { text: 'Each hash gets a fresh random salt, stored inside it.', correct: true, explanation: 'The salt (22 characters after $2b$10$) is random per hash, so equal inputs give different strings. The demo prints two salts for one password.' },
          { text: 'bcrypt mixes a timestamp into each hash, so strings drift.', correct: false, explanation: 'No timestamp is involved; the difference comes entirely from the random salt.' },
          { text: 'The cost factor is randomised per call unless fixed.', correct: false, explanation: 'The cost is what you pass (10 here) and getRounds reads it back unchanged.' },
          { text: 'It does detect reuse: === on two bcrypt hashes is fine.', correct: false, explanation: 'The demo shows the naive route accepting the identical password with 204.' },
        ],
      },
      {
        prompt: 'What does `bcrypt.compare(candidate, storedHash)` do?',
        options: [
          { text: 'Decrypts the stored hash and compares the plaintexts.', correct: false, explanation: 'bcrypt is a one-way hash; nothing can be decrypted.' },
          { text: 'Re-hashes the candidate with the stored salt and cost.', correct: true, explanation: 'The stored hash carries everything needed to reproduce the hash of the candidate, and the results are compared.' },
          { text: 'Hashes with a new salt, then compares strings in constant time.', correct: false, explanation: 'A new salt can never reproduce the stored hash: that is exactly the naive approach.' },
        ],
      },
      {
        prompt: 'The fixed route rejects the current password. Why add a password history?',
        options: [
          { text: 'Otherwise the user can change A→B and immediately back to A.', correct: true, explanation: 'The demo changes to B, then tries A again: only the history comparison catches it (400).' },
          { text: 'bcrypt.compare needs the previous hash to verify the current one.', correct: false, explanation: 'compare needs only the one stored hash it checks against.' },
          { text: 'NIST SP 800-63B requires the last ten passwords to be kept.', correct: false, explanation: 'NIST advises against forced periodic rotation and asks for breached-password checks; history rules come from other policies (PCI DSS, for instance).' },
          { text: 'It lets login accept a recent password during a grace period.', correct: false, explanation: 'Login only checks the current hash; the history is used on password change only.' },
        ],
      },
      {
        prompt: 'How should the bcrypt cost factor be chosen?',
        options: [
          { text: 'As high as possible: cost 20 or more keeps it future-proof.', correct: false, explanation: 'Cost 20 is 2^10 ≈ 1 000 times slower than cost 10: a 70 ms hash becomes over a minute per login, and the thread pool is gone.' },
          { text: 'Always 4, the minimum, so that logins stay fast.', correct: false, explanation: 'Cost 4 makes offline guessing cheap; it is only for tests and demos.' },
          { text: 'The highest cost whose measured hash time fits the budget.', correct: true, explanation: 'Each +1 doubles the time (the demo measures it), so the budget on production hardware decides, and the cost is raised over time.' },
          { text: '10, the library default, and never changed again.', correct: false, explanation: '10 is OWASP\'s floor for bcrypt, not a target: hardware gets faster, so the cost is re-measured and raised, re-hashing on the next login.' },
        ],
      },
      {
        prompt: 'A logged-in user submits the change-password form with a mistyped current password. What should the API answer?',
        options: [
          { text: '401 Unauthorized, exactly like a failed login.', correct: false, explanation: '401 says the request\'s own authentication is missing or invalid; this session is valid. SPA clients read 401 as "session expired" and would log the user out over a typo.' },
          { text: '403 with a code such as current_password_invalid.', correct: true, explanation: 'The caller is authenticated but the action is refused; a machine-readable code lets the form show the right message. The demo checks exactly this.' },
          { text: '401, and clear the session so the user logs in again.', correct: false, explanation: 'That punishes a typo with a logout. Rate-limit the route instead, and revoke sessions only after a successful change.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Why answer 403 rather than 401 when the current password is wrong?',
      answer: 'Because the request itself is authenticated: the session is valid, only the extra proof failed. A 401 means the request\'s credentials are missing or invalid, must carry a WWW-Authenticate challenge, and front-end interceptors react to it by refreshing the token or logging the user out, so a typo would end the session. A 403 (or a 400/422) with a code such as current_password_invalid says what went wrong without touching the session. Because the route confirms passwords, it also gets a rate limit like login.',
      keyPoints: [
        { text: 'The session is valid, so the request is authenticated.', terms: [['session is valid', 'valid session', 'already authenticated', 'authenticated']] },
        { text: 'Clients treat 401 as an expired session and log out or refresh.', terms: [['log out', 'logout', 'logged out', 'refresh', 'interceptor', 'session expired']] },
        { text: '403 with a machine-readable code, and a rate limit on the route.', terms: [['403', '422', 'code'], ['rate limit', 'rate-limit', 'throttl']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'Trap: a wrong current',
    },
    {
      question: 'Why not use one fixed salt for everyone, so equal passwords give equal hashes and a string comparison works?',
      answer: 'That throws away what the salt is for. With a shared salt, users with the same password have the same hash, which an attacker with the database sees at once, and one precomputed table or one guessing run covers every account. A per-hash random salt makes each hash a separate target. bcrypt.compare already solves the comparison: it reads the salt and cost out of the stored hash and re-hashes the candidate with them.',
      keyPoints: [
        { text: 'A shared salt exposes equal passwords and lets one attack cover every account.', terms: [['same hash', 'identical hash', 'equal hash', 'precomputed', 'rainbow', 'every account', 'all accounts']] },
        { text: 'compare() re-hashes with the stored salt, so no shared salt is needed.', terms: [['compare'], ['stored salt', 'salt from the hash', 'embedded', 'inside the hash', 're-hash']] },
      ],
      probes: 0,
      kind: 'security',
      shownBy: 'Naive',
    },
    {
      question: 'How do you choose the cost factor, and how do you raise it later for users who already have hashes?',
      answer: 'I measure hash time on the production hardware and take the highest cost that fits the login budget, often around 100 to 250 ms; each +1 doubles it. To raise it, I change the target and, on each successful login, check bcrypt.getRounds(storedHash): if it is below the target, I re-hash the password the user just proved and save it. Accounts that never log in keep the old cost, which a forced reset can catch later. For a new system OWASP would point to Argon2id first.',
      keyPoints: [
        { text: 'Measure on production hardware against a latency budget.', terms: [['measure', 'benchmark', 'latency', 'budget', ' ms']] },
        { text: 'Re-hash on the next successful login when getRounds is below the target.', terms: [['getrounds', 'next login', 'successful login', 'on login'], ['re-hash', 'rehash', 'hash again']] },
        { text: 'Argon2id for new systems.', terms: [['argon2']] },
      ],
      probes: 4,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'A user chooses a 100-character passphrase. Anything to worry about with bcrypt?',
      answer: 'bcrypt only uses the first 72 bytes of its input, and bytes, not characters: with multi-byte UTF-8 the limit comes even sooner. Two passphrases that share their first 72 bytes hash the same, and a history check would call them equal. Either cap the length at 72 bytes with a clear message, or pre-hash with HMAC-SHA-256 and a server-side key and base64-encode the result before bcrypt, so no NUL byte cuts it short; or move to Argon2id, which has no such limit.',
      keyPoints: [
        { text: 'bcrypt ignores everything after 72 bytes.', terms: [['72']] },
        { text: 'Cap the length, or pre-hash (HMAC, base64) carefully, or use Argon2id.', terms: [['cap', 'limit the length', 'max length', 'maximum length', 'pre-hash', 'prehash', 'hmac', 'argon2']] },
      ],
      kind: 'security',
    },
    {
      question: 'NIST no longer recommends forced password rotation. Is a password history still worth it?',
      answer: 'Less than it used to be. NIST SP 800-63B advises against periodic forced changes and composition rules, and asks instead that new passwords be checked against lists of breached and common passwords, for example through the Have I Been Pwned k-anonymity range API. A short history still helps where policy forces changes (PCI DSS forbids reusing the last four) and after a reset following a compromise, where going back to the leaked password defeats the reset. It costs one compare per entry, so it stays short.',
      keyPoints: [
        { text: 'NIST drops forced rotation and asks for breached-password checks.', terms: [['nist', '800-63'], ['breach', 'pwned', 'hibp', 'compromised']] },
        { text: 'History still matters under forced-change policies or after a compromise.', terms: [['pci', 'policy', 'compliance', 'compromise', 'reset']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'The password change succeeded. What else should happen?',
      answer: 'A password change is exactly what an account thief does first, so the change itself must close doors. Revoke the user\'s other sessions and refresh tokens (keeping or re-issuing the current one), invalidate any outstanding password-reset tokens, and e-mail the user that the password changed, with a way to report that it was not them. Record an audit event, and keep the route behind recent authentication and a rate limit.',
      keyPoints: [
        { text: 'Revoke other sessions and refresh tokens.', terms: [['revoke', 'invalidate', 'log out'], ['session', 'refresh token', 'tokens']] },
        { text: 'Notify the user and invalidate reset tokens.', terms: [['email', 'e-mail', 'notify', 'notification'], ['reset token', 'reset link', 'audit']] },
      ],
      kind: 'security',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, bcrypt, sessions })` and resolves with the Express app. '
      + 'Define the User model (email, passwordHash) on `db`; `sessions` maps a bearer token to the signed-in user\'s id. The tool serves the app: no app.listen.',
    starter: {
      title: 'Naive: compare a fresh hash with the stored string',
      lesson: 'The fresh salt made the new hash differ from the stored one, so the string comparison never matched and the same password went through with 204. '
        + 'Nothing asked for the current password either, so the wrong one changed it, and nothing remembered the previous password, so A → B → A was accepted. '
        + 'Code that already checks with bcrypt.compare is right about the comparison; the work that remains is the current-password check and the history.',
      fails: ['sameRefused', 'wrongCurrent403', 'historyRefused'],
    },
    traps: [
      {
        file: 'traps/wrong-current-is-401.js',
        title: 'Trap: a wrong current password answered 401',
        lesson: 'Everything else holds, but a typo in the current-password field was answered 401 on a valid session. Clients read 401 as "log in again": '
          + 'an interceptor refreshes the token or logs the user out. Answer 403 with a code the form can show, and keep 401 for a missing or invalid session.',
        fails: ['wrongCurrent403'],
      },
      {
        file: 'traps/current-hash-only.js',
        title: 'Trap: compare with the current hash only',
        lesson: 'bcrypt.compare refused the same password, but the change to B threw A\'s hash away, so going straight back to A passed. A short history, '
          + 'compared entry by entry, is what remembers it.',
        fails: ['historyRefused'],
      },
    ],
    solution: {
      title: 'Fix: verify the current password, bcrypt.compare against a history',
      lesson: 'compare() re-hashed each candidate with the salt and cost read from the stored hash, so the same password and the previous one were both refused with 400; '
        + 'a wrong current password was 403 current_password_invalid and changed nothing. Every entry costs one compare at the production cost, which is why the '
        + 'history stays short and the route sits behind a rate limit.',
    },
    hints: {
      sameRefused: [
        'The route hashed the new password and compared strings with the stored hash. Did the two ever match?',
        'Every bcrypt hash carries its own random salt, so two hashes of one password differ. Which bcrypt function reuses the stored salt?',
        'bcrypt.compare(candidate, storedHash) reads the salt and cost out of the stored hash and re-hashes the candidate with them.',
      ],
      wrongCurrent403: [
        'Someone who holds the session but not the password could change it. What must the request prove first?',
        'Check the current password with bcrypt.compare before anything else, and refuse the change when it does not match.',
        'The session is valid, so the status is not 401: answer 403 with a machine-readable code such as current_password_invalid.',
      ],
      historyRefused: [
        'After A → B, going back to A was accepted. What did the app remember about A once the password changed?',
        'Keep the last few hashes on the user and compare the candidate against each of them, not only against the current one.',
      ],
    },
  },
});
