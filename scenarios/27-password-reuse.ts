import { randomBytes } from 'node:crypto';
import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, ServedApp } from '../src/runtime/context.js';
import type { NextFunction, Request, Response } from 'express';

// Modest on purpose so the demo stays fast; production picks the cost from measured latency.
const BCRYPT_COST = 10;
// How many previous hashes a change is compared against (besides the current one).
const MAX_HISTORY = 3;

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
    return res.status(401)
      .json({ error: 'current password is wrong' });
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
    ctx.say(`Cost ${BCRYPT_COST} = 2^${BCRYPT_COST} rounds; each +1 doubles the time. Cost ${BCRYPT_COST} keeps this demo fast; production picks the highest cost whose measured hash time fits its login latency budget.`);
  });

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
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'login required' });
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
      res.status(401).json({ error: 'current password is wrong' });
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
  });

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
    ctx.check('a wrong current password gets 401', wrongStatus === 401, `status ${wrongStatus}`);

    const anonymous = await served.request({
      method: 'PUT',
      path: fixedPath,
      json: { currentPassword: original, newPassword: next },
    });
    const anonymousStatus = ctx.observe('no session', anonymous.status);
    const afterAnonymous = await User.findById(fixedUser.id).orFail();
    ctx.check('without a session the route answers 401 and changes nothing',
      anonymousStatus === 401 && afterAnonymous.passwordHash === firstHash, `status ${anonymousStatus}`);

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
  });

  await ctx.step('Password history', async () => {
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
  });
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
    reasoning: [
      'You cannot decide reuse by hashing the new password and comparing strings. bcrypt generates a random '
        + '16-byte salt per hash and embeds it, together with the cost, in the result ($2b$10$<22-char salt><31-char '
        + 'hash>). Two hashes of the same password therefore differ, so `newHash === user.passwordHash` is never '
        + 'true and the check silently lets every reuse through.',
      'The right tool is `bcrypt.compare(plaintextCandidate, storedHash)`: it reads the salt and the cost out of '
        + 'the stored hash, re-hashes the candidate with them, and compares the results. If it returns true the '
        + 'new password equals the current one, and the route answers 400 with a neutral message. The route should '
        + 'also verify the current password first (401 if wrong), so a hijacked session cannot silently change it, and '
        + 'it changes the password of the session\'s user (PUT /me/password), never of an id taken from the URL.',
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
      },
      {
        text: 'Use bcrypt.compare(newPassword, storedHash), which re-hashes with the stored salt and cost.',
        terms: [['bcrypt.compare', 'compare(', "bcrypt's compare", 'comparesync']],
      },
      {
        text: 'Reject reuse with 400 and a neutral message; verify the current password first (401 if wrong).',
        terms: [['400', 'bad request'], ['current password', 'old password']],
      },
      {
        text: 'Keep a bounded password history (last N hashes) and compare against each entry, not only the current hash.',
        terms: [['history', 'previous hashes', 'last n', 'old hashes']],
      },
      {
        text: 'The cost factor trades security for latency: 2^cost rounds, chosen from measured hash time and readable with getRounds.',
        terms: [['cost', 'rounds', 'work factor', 'salt rounds'], ['latency', 'measure', 'millisecond', ' ms', 'slow', 'benchmark', 'per hash']],
      },
    ],
    code: [
      { title: 'Naive: compare fresh hash strings (never matches)', language: 'ts', code: naiveRouteCode },
      { title: 'Fix: bcrypt.compare against current + last N hashes', language: 'ts', code: fixedRouteCode },
    ],
    seniorNotes: [
      'Pick the cost from a measurement on the production machine, not a constant from a blog post, and re-hash '
        + 'on successful login when getRounds(hash) is below the current target. For new systems, Argon2id (memory-hard) '
        + 'is the OWASP first choice; bcrypt is still acceptable at cost ≥10.',
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
          {
            text: 'Each call generates a new random salt, stored in the hash, so the output differs every time.',
            correct: true,
            explanation: 'Right: the salt (22 characters after $2b$10$) is random per hash, so equal inputs give different strings.',
          },
          {
            text: 'bcrypt hashes depend on the current time.',
            correct: false,
            explanation: 'No timestamp is involved; the difference comes entirely from the random salt.',
          },
          {
            text: 'The cost factor is randomised per call.',
            correct: false,
            explanation: 'The cost is what you pass (10 here) and getRounds reads it back unchanged.',
          },
          {
            text: 'It does detect reuse; === works on bcrypt hashes.',
            correct: false,
            explanation: 'The demo shows the naive route accepting the identical password with 204.',
          },
        ],
      },
      {
        prompt: 'What does `bcrypt.compare(candidate, storedHash)` do?',
        options: [
          {
            text: 'Decrypts storedHash and compares the plaintext.',
            correct: false,
            explanation: 'bcrypt is a one-way hash; nothing can be decrypted.',
          },
          {
            text: 'Re-hashes the candidate with the salt and cost read from storedHash and compares the results.',
            correct: true,
            explanation: 'The stored hash carries everything needed to reproduce the hash of the candidate.',
          },
          {
            text: 'Hashes the candidate with a new salt and compares strings.',
            correct: false,
            explanation: 'That is exactly the naive approach, which can never match.',
          },
        ],
      },
      {
        prompt: 'The fixed route rejects the current password. Why add a password history?',
        options: [
          {
            text: 'Otherwise the user can change A→B and immediately back to A.',
            correct: true,
            explanation: 'The demo changes to B, then tries A again: only the history comparison catches it (400).',
          },
          {
            text: 'bcrypt.compare needs the previous hash to verify the current one.',
            correct: false,
            explanation: 'compare needs only the one stored hash it checks against.',
          },
          {
            text: 'To store the old passwords in plaintext for support staff.',
            correct: false,
            explanation: 'Never: the history holds bcrypt hashes, each with its own salt.',
          },
          {
            text: 'To make login faster.',
            correct: false,
            explanation: 'Login only checks the current hash; the history is used on password change only.',
          },
        ],
      },
      {
        prompt: 'How should the bcrypt cost factor be chosen?',
        options: [
          {
            text: 'As high as possible, 20 or more.',
            correct: false,
            explanation: 'Cost 20 is 2^10 ≈ 1 000 times slower than cost 10: a 70 ms hash becomes over a minute per login, and the thread pool is gone.',
          },
          {
            text: 'Always 4, the minimum, for speed.',
            correct: false,
            explanation: 'Cost 4 makes offline guessing cheap; it is only for tests and demos.',
          },
          {
            text: 'By measuring hash time on production hardware and taking the highest cost within the latency budget.',
            correct: true,
            explanation: 'Each +1 doubles the time; the demo measures ms per hash and getRounds reads the cost back.',
          },
        ],
      },
    ],
  },
  demo: {
    run: runDemo,
  },
});
