import { randomBytes } from 'node:crypto';
import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, ServedApp } from '../src/runtime/context.js';
import type { NextFunction, Request, Response } from 'express';

// Modest on purpose so the demo stays fast; production picks the cost from measured latency.
const BCRYPT_COST = 10;
// How many previous hashes a change is compared against (besides the current one).
const MAX_HISTORY = 3;
// The cost-doubling measurement: low costs keep it quick, several samples keep it steady.
const COST_PROBE = 7;
const COST_SAMPLES = 3;

const naiveRouteCode = `// NAIVE: hash the new password, compare strings
async function changePassword(req, res) {
  const user = await User.findById(res.locals.user.id)
    .orFail();
  const newHash = await bcrypt.hash(
    req.body.newPassword, COST);
  // never true: the new hash has a fresh salt
  if (newHash === user.passwordHash) {
    return res.status(400).json({ error: 'reused' });
  }
  user.passwordHash = newHash;
  await user.save();
  res.sendStatus(204);
}
app.put('/me/password', authenticate, changePassword);`;

const fixedRouteCode = `// FIX: bcrypt.compare against current + last N hashes
async function changePassword(req, res) {
  const { currentPassword, newPassword } = req.body;
  if (typeof currentPassword !== 'string'
      || typeof newPassword !== 'string') {
    return res.status(400)
      .json({ error: 'invalid body' });
  }
  // the session's user, never an id from the URL
  const user = await User.findById(res.locals.user.id)
    .orFail();
  const hash = user.passwordHash;
  if (!(await bcrypt.compare(currentPassword, hash))) {
    // the session is valid: 403, not 401 (a 401
    // reads as "session expired" and logs them out)
    return res.status(403).json({
      code: 'current_password_invalid',
      error: 'current password is wrong',
    });
  }
  const history = [hash, ...user.passwordHistory];
  for (const old of history) {
    if (await bcrypt.compare(newPassword, old)) {
      return res.status(400)
        .json({ error: 'recently used password' });
    }
  }
  user.passwordHistory = history.slice(0, MAX_HISTORY);
  user.passwordHash =
    await bcrypt.hash(newPassword, COST);
  await user.save();
  res.sendStatus(204);
}
app.put('/me/password', authenticate, changePassword);`;


interface UserShape {
  email: string;
  passwordHash: string;
  passwordHistory: string[];
}

async function runDemo(ctx: DemoContext): Promise<void> {
  const bcrypt = (await import('bcrypt')).default;
  const { Schema } = ctx.mongoose;

  const userSchema = new Schema<UserShape>({
    email: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    // Each entry is a full bcrypt hash with its own salt; compare() reads salt and cost from it.
    passwordHistory: { type: [String], default: [] },
  });
  const User = ctx.db.model<UserShape>('User', userSchema);
  await User.init();

  const original = 'Correct-Horse-1';
  const next = 'Battery-Staple-2';
  let firstHash = '';

  await ctx.step('Same password, two hashes', async () => {
    ctx.say('bcrypt draws a fresh random salt for every hash and stores it inside the hash, so the same password never hashes to the same string twice.');
    const started = performance.now();
    const hashA = await bcrypt.hash(original, BCRYPT_COST);
    const hashB = await bcrypt.hash(original, BCRYPT_COST);
    const msPerHash = (performance.now() - started) / 2;
    firstHash = hashA;
    // $2b$10$ + 22 salt characters + 31 hash characters
    ctx.observe('salt A', hashA.slice(7, 29));
    ctx.observe('salt B', hashB.slice(7, 29));
    const equal = ctx.observe('hashes equal', hashA === hashB);
    const [matchA, matchB] = await Promise.all([bcrypt.compare(original, hashA), bcrypt.compare(original, hashB)]);
    ctx.observe('compare A', matchA);
    ctx.observe('compare B', matchB);
    const rounds = ctx.observe('cost factor', bcrypt.getRounds(hashA));
    ctx.observe('ms per hash', Math.round(msPerHash));
    ctx.check('two hashes of one password differ', !equal);
    ctx.check('bcrypt.compare accepts the password against both', matchA && matchB);
    ctx.check(`getRounds reads cost ${BCRYPT_COST} out of the hash`, rounds === BCRYPT_COST, `rounds ${rounds}`);
    ctx.say(`Cost ${BCRYPT_COST} means 2^${BCRYPT_COST} rounds of the key setup; the last step measures what +1 does to the time.`);
  }, { shows: 'context' });

  // A minimal server-side session store: opaque random token -> user id. The route changes the
  // password of the session's user, never of an id the client puts in the URL.
  const sessions = new Map<string, string>();
  const signIn = (userId: string): Record<string, string> => {
    const token = randomBytes(24).toString('base64url');
    sessions.set(token, userId);
    return { authorization: `Bearer ${token}` };
  };
  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    const userId = scheme?.toLowerCase() === 'bearer' && token ? sessions.get(token) : undefined;
    if (!userId) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="api"').json({ error: 'login required' });
      return;
    }
    res.locals.user = { id: userId };
    next();
  };
  const sessionUserId = (res: Response): string => (res.locals.user as { id: string }).id;

  const app = ctx.express();
  app.use(ctx.express.json());

  app.put('/naive/me/password', authenticate, async (req, res) => {
    const user = await User.findById(sessionUserId(res)).orFail();
    const newHash = await bcrypt.hash(String(req.body?.newPassword ?? ''), BCRYPT_COST);
    if (newHash === user.passwordHash) {
      res.status(400).json({ error: 'reused' });
      return;
    }
    user.passwordHash = newHash;
    await user.save();
    res.sendStatus(204);
  });

  app.put('/me/password', authenticate, async (req, res) => {
    const { currentPassword, newPassword } = (req.body ?? {}) as { currentPassword?: unknown; newPassword?: unknown };
    if (typeof currentPassword !== 'string' || typeof newPassword !== 'string') {
      res.status(400).json({ error: 'invalid body' });
      return;
    }
    const user = await User.findById(sessionUserId(res)).orFail();
    const hash = user.passwordHash;
    if (!(await bcrypt.compare(currentPassword, hash))) {
      res.status(403).json({ code: 'current_password_invalid', error: 'current password is wrong' });
      return;
    }
    const history = [hash, ...user.passwordHistory];
    for (const old of history) {
      if (await bcrypt.compare(newPassword, old)) {
        res.status(400).json({ error: 'recently used password' });
        return;
      }
    }
    user.passwordHistory = history.slice(0, MAX_HISTORY);
    user.passwordHash = await bcrypt.hash(newPassword, BCRYPT_COST);
    await user.save();
    res.sendStatus(204);
  });

  const served: ServedApp = await ctx.serve(app);

  await ctx.step('Naive: compare hash strings', async () => {
    ctx.say('The mistake of someone who knows passwords are hashed but not that each hash is salted. Code that already checks with bcrypt.compare is right; the work that remains is the current-password check and the history.');
    ctx.showCode('naive change-password route', naiveRouteCode, 'ts');
    const user = await User.create({ email: 'naive@example.com', passwordHash: firstHash });
    const before = user.passwordHash;
    const response = await served.request({
      method: 'PUT',
      path: '/naive/me/password',
      headers: signIn(user.id),
      json: { newPassword: original },
    });
    const status = ctx.observe('same password', response.status);
    const stored = await User.findById(user.id).orFail();
    const hashChanged = ctx.observe('stored hash changed', stored.passwordHash !== before);
    const stillOriginal = ctx.observe('new pw is the old', await bcrypt.compare(original, stored.passwordHash));
    ctx.check('naive route ACCEPTS the same password', status === 204, `status ${status}`);
    ctx.check('the "new" password is the old one', hashChanged && stillOriginal);
    ctx.say('The fresh salt makes the new hash differ, so the string comparison never matches.');
  }, { shows: 'failure' });

  const fixedUser = await User.create({ email: 'fixed@example.com', passwordHash: firstHash });
  const fixedPath = '/me/password';
  const fixedSession = signIn(fixedUser.id);
  let hashAfterChange = '';

  await ctx.step('Fix: bcrypt.compare', async () => {
    ctx.showCode('fixed change-password route', fixedRouteCode, 'ts');
    const same = await served.request({
      method: 'PUT',
      path: fixedPath,
      headers: fixedSession,
      json: { currentPassword: original, newPassword: original },
    });
    const sameStatus = ctx.observe('same password', same.status);
    const afterSame = await User.findById(fixedUser.id).orFail();
    ctx.check('same password rejected with 400', sameStatus === 400, `status ${sameStatus}`);
    ctx.check('stored hash untouched', afterSame.passwordHash === firstHash);

    const wrongCurrent = await served.request({
      method: 'PUT',
      path: fixedPath,
      headers: fixedSession,
      json: { currentPassword: 'not-my-password', newPassword: next },
    });
    const wrongStatus = ctx.observe('wrong current pw', wrongCurrent.status);
    const wrongCode = ctx.observe('wrong current pw code', (wrongCurrent.body as { code?: string } | null)?.code ?? null);
    ctx.check('a wrong current password on a valid session gets 403 current_password_invalid, not 401',
      wrongStatus === 403 && wrongCode === 'current_password_invalid', `status ${wrongStatus}, code ${wrongCode}`);
    ctx.say('Not 401: the session is valid, and SPA clients read any 401 as "session expired", refreshing or logging the user out over a typo. 401 stays for a missing or invalid session, and then it names its scheme in WWW-Authenticate (RFC 9110).');

    const anonymous = await served.request({
      method: 'PUT',
      path: fixedPath,
      json: { currentPassword: original, newPassword: next },
    });
    const anonymousStatus = ctx.observe('no session', anonymous.status);
    const challenge = ctx.observe('no session challenge', anonymous.headers['www-authenticate'] ?? null);
    const afterAnonymous = await User.findById(fixedUser.id).orFail();
    ctx.check('without a session the route answers 401 with a Bearer challenge and changes nothing',
      anonymousStatus === 401 && challenge === 'Bearer realm="api"' && afterAnonymous.passwordHash === firstHash,
      `status ${anonymousStatus}, challenge ${challenge}`);

    const fresh = await served.request({
      method: 'PUT',
      path: fixedPath,
      headers: fixedSession,
      json: { currentPassword: original, newPassword: next },
    });
    const freshStatus = ctx.observe('new password', fresh.status);
    const afterFresh = await User.findById(fixedUser.id).orFail();
    const nowNext = await bcrypt.compare(next, afterFresh.passwordHash);
    hashAfterChange = afterFresh.passwordHash;
    ctx.observe('history size', afterFresh.passwordHistory.length);
    ctx.check('a new password is accepted (204)', freshStatus === 204, `status ${freshStatus}`);
    ctx.check('the stored hash now matches the new password', nowNext);
  }, { shows: 'fix' });

  await ctx.step('Fix: password history', async () => {
    ctx.say(`The old hash moved into passwordHistory (last ${MAX_HISTORY} kept). Without it, a user could change A→B and straight back to A: the current-hash check alone allows that.`);
    const back = await served.request({
      method: 'PUT',
      path: fixedPath,
      headers: fixedSession,
      json: { currentPassword: next, newPassword: original },
    });
    const backStatus = ctx.observe('back to old pw', back.status);
    const stored = await User.findById(fixedUser.id).orFail();
    ctx.observe('history size', stored.passwordHistory.length);
    ctx.check('switching back to an older password gets 400', backStatus === 400, `status ${backStatus}`);
    // Plain string equality is right here: these are the same stored strings, not fresh hashes.
    ctx.check('the current password stayed the new one', hashAfterChange !== '' && stored.passwordHash === hashAfterChange);
    ctx.check('history holds the previous hash', stored.passwordHistory[0] === firstHash);
    ctx.say(`Each check is one bcrypt.compare (~cost ${BCRYPT_COST}), so N bounds the work per change.`);
  }, { shows: 'fix' });

  await ctx.step('Senior: the cost factor doubles', async () => {
    ctx.say(`Hashes at cost ${COST_PROBE} and ${COST_PROBE + 1}, interleaved, ${COST_SAMPLES} of each, timed in CPU time rather than wall time: a busy machine stretches the wait, not the work a hash does. The medians are compared.`);
    const cpuMs = async (cost: number): Promise<number> => {
      const started = process.cpuUsage();
      await bcrypt.hash(original, cost);
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000;
    };
    const low: number[] = [];
    const high: number[] = [];
    for (let sample = 0; sample < COST_SAMPLES; sample += 1) {
      low.push(await cpuMs(COST_PROBE));
      high.push(await cpuMs(COST_PROBE + 1));
    }
    const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    const lowMs = ctx.observe(`CPU ms at cost ${COST_PROBE}`, Math.round(median(low) * 10) / 10);
    const highMs = ctx.observe(`CPU ms at cost ${COST_PROBE + 1}`, Math.round(median(high) * 10) / 10);
    const ratio = ctx.observe('ratio', Math.round((highMs / Math.max(lowMs, 0.1)) * 100) / 100);
    ctx.check(`cost ${COST_PROBE + 1} costs about twice the CPU of cost ${COST_PROBE} (ratio 1.6–2.4)`,
      ratio >= 1.6 && ratio <= 2.4, `ratio ${ratio}`);
    ctx.say('So the cost is chosen from a measurement on production hardware: the highest cost whose hash time fits the login budget (often 100–250 ms), raised as hardware gets faster.');
  }, { shows: 'context', senior: true });
}

export const scenario = defineScenario({
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
        provenBy: 'Same password, two hashes',
      },
      {
        text: 'Use bcrypt.compare(newPassword, storedHash), which re-hashes with the stored salt and cost.',
        terms: [['bcrypt.compare', 'compare(', "bcrypt's compare", 'comparesync']],
        provenBy: 'Fix: bcrypt.compare',
      },
      {
        text: 'Reject reuse with 400 and a neutral message; verify the current password first (403 current_password_invalid if wrong: the session is valid, so not 401).',
        terms: [['400', 'bad request'], ['current password', 'old password']],
        provenBy: 'Fix: bcrypt.compare',
      },
      {
        text: 'Keep a bounded password history (last N hashes) and compare against each entry, not only the current hash.',
        terms: [['history', 'previous hashes', 'last n', 'old hashes']],
        provenBy: 'Fix: password history',
      },
      {
        text: 'The cost factor trades security for latency: 2^cost rounds, chosen from measured hash time and readable with getRounds.',
        terms: [['cost', 'rounds', 'work factor', 'salt rounds'], ['latency', 'measure', 'millisecond', ' ms', 'slow', 'benchmark', 'per hash']],
        provenBy: 'Senior: the cost factor',
      },
    ],
    code: [
      { title: 'Naive: compare fresh hash strings (never matches)', language: 'ts', code: naiveRouteCode },
      { title: 'Fix: bcrypt.compare against current + last N hashes', language: 'ts', code: fixedRouteCode },
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
      shownBy: 'Fix: bcrypt.compare',
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
      shownBy: 'Same password, two hashes',
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
      shownBy: 'Senior: the cost factor',
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
  demo: {
    run: runDemo,
  },
});
