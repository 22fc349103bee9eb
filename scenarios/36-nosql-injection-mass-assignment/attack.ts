// Scenario 36's attack, run against starter.js, the trap, solution.js (`run 36`) and the learner's
// own file (`verify 36`). Nothing is timed: every verdict is a status code or a stored field.
// The sign-in code arrives through the mailer the attack hands over, as it would by email.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';
import type { Model } from 'mongoose';

const VICTIM = 'ada@example.com';
const ATTACKER = 'mallory@example.com';

export const checks = {
  loginOperatorIs400: { claim: 'a sign-in whose code is an operator ({"$ne": null}, {"$gt": ""}) is answered 400, not 200', level: 'core', broken: 'an operator in place of the code signs in as Ada' },
  signupRoleIgnored: { claim: 'a sign-up carrying "role": "admin" is created (201) with the role "user"', level: 'core', broken: 'a sign-up makes itself admin with "role": "admin"' },
  loginStillWorks: { claim: 'the right code still signs in (200); a wrong one is 401 with WWW-Authenticate', level: 'core', broken: 'the right code no longer signs in' },
  filterSanitized: { claim: 'a filter built past validation, { email: { $ne: null } }, matches nobody', level: 'senior', broken: 'a filter built past validation runs the client\'s operator' },
} as const;

export type CheckId = keyof typeof checks;

interface StoredUser { email: string; role?: string }

/** The learner's user model: whichever model on their connection has an email path. */
function userModel(ctx: AttackContext): Model<StoredUser> {
  const model = Object.values(ctx.db.models).find((candidate) => candidate.schema.path('email') !== undefined);
  if (!model) throw new Error('no model with an `email` path was defined on deps.db (db.model(\'User\', schema))');
  return model as unknown as Model<StoredUser>;
}

/**
 * `mongoose.set('sanitizeFilter', true)` is process-wide, and every code file of a run shares this
 * process: put the option back as it was, so the next file is judged on its own code.
 */
function rememberSanitizeFilter(ctx: AttackContext): () => void {
  // Mongoose reads the option from both (query.js, _castConditions); neither is in its public types.
  const global = (ctx.mongoose as unknown as { options: Record<string, unknown> }).options;
  const connection = (ctx.db as unknown as { options?: Record<string, unknown> }).options ?? {};
  const holders = [global, connection];
  const before = holders.map((holder) => ({ holder, had: 'sanitizeFilter' in holder, value: holder['sanitizeFilter'] }));
  return () => {
    for (const { holder, had, value } of before) {
      if (had) holder['sanitizeFilter'] = value;
      else delete holder['sanitizeFilter'];
    }
  };
}

export const attack = defineAttack({
  checks,
  preamble: `Each file below gets a fresh database and the same attack: ${VICTIM} signs up and is mailed a code; `
    + `${ATTACKER} signs up with "role": "admin" in the body, then tries to sign in as ${VICTIM} with an operator where the code belongs. `
    + 'Every verdict is a status code or a stored field: nothing here depends on timing.',
  async run(ctx, target) {
    const restore = rememberSanitizeFilter(ctx);
    try {
      const { z } = await import('zod');
      const { randomInt } = await import('node:crypto');
      const inbox = new Map<string, string>();
      const mailer = { send: (to: string, code: string) => { inbox.set(String(to), String(code)); } };
      const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, z, mailer, crypto: { randomInt } });
      const User = userModel(ctx);

      const victim = await app.request({ method: 'POST', path: '/signup', json: { email: VICTIM, name: 'Ada' } });
      ctx.observe('Ada signs up', victim.status);

      // Mass assignment: the body names a field the client was never meant to set.
      const escalation = await app.request({ method: 'POST', path: '/signup', json: { email: ATTACKER, name: 'Mallory', role: 'admin' } });
      // Read past the model: what is stored is the figure, whatever the learner's hooks do.
      const stored = (await User.collection.findOne({ email: ATTACKER })) as StoredUser | null;
      const signup = ctx.observe('sign-up with "role": "admin"', { status: escalation.status, storedRole: stored?.role ?? null });
      ctx.check('signupRoleIgnored', escalation.status === 201 && stored?.role === 'user', signup,
        `status ${escalation.status}, stored role ${stored?.role ?? 'none'}`);

      // Injection: express.json() hands the handler an object wherever the client wrote one.
      const injected = await ctx.concurrently(2, (index) => app.request({
        method: 'POST', path: '/login', json: { email: VICTIM, code: index === 0 ? { $ne: null } : { $gt: '' } },
      }));
      const operators = ctx.observe('sign-in as Ada, code {"$ne": null} / {"$gt": ""}', injected.map((response) => response.status));
      const bypass = injected.find((response) => response.status === 200);
      if (bypass) ctx.observe('the bypass answered', JSON.parse(bypass.text) as Record<string, string>);
      ctx.check('loginOperatorIs400', operators.every((status) => status === 400), operators, `statuses ${operators.join(', ')}`);

      const code = inbox.get(VICTIM) ?? '';
      const wrongCode = code === '000000' ? '000001' : '000000';
      const right = await app.request({ method: 'POST', path: '/login', json: { email: VICTIM, code } });
      const wrong = await app.request({ method: 'POST', path: '/login', json: { email: VICTIM, code: wrongCode } });
      const challenge = wrong.headers['www-authenticate'] ?? null;
      const honest = ctx.observe('Ada with her code / a wrong code', { right: right.status, wrong: wrong.status, challenge });
      ctx.check('loginStillWorks', code !== '' && right.status === 200 && wrong.status === 401 && challenge !== null, honest,
        code === '' ? 'no code was mailed to Ada' : `right code ${right.status}, wrong code ${wrong.status}`);

      // A second wall: a route someone adds next year without validation, simulated by a query
      // through the learner's own model.
      const past = await User.findOne({ email: { $ne: null } }).lean().then(
        (user) => (user ? `matched ${user.email}` : 'matched nobody'),
        (error: Error) => `refused: ${error.name}`,
      );
      ctx.check('filterSanitized', !past.startsWith('matched ') || past === 'matched nobody', ctx.observe('User.findOne({ email: { $ne: null } })', past));
    } finally {
      restore();
    }
  },
});
