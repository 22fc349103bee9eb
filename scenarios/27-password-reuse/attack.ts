// Scenario 27's attack, run against starter.js, the traps, solution.js (`run 27`) and the learner's own
// file (`verify 27`): one signed-in user changes their password five ways (the same one, with a wrong
// current password, without a session, to a new one, and back to the old one), and two facts about
// bcrypt are shown live. bcrypt is capped at a low cost so the run stays fast.
import { randomBytes } from 'node:crypto';
import { defineAttack } from '../../src/practice/attack-contract.js';
import { learnerModel, cappedBcrypt } from '../../src/practice/attack-helpers.js';
import type { HttpResponse } from '../../src/runtime/context.js';

/** The learner writes a production cost; every hash and compare at cost 12 would take seconds. */
const BCRYPT_MAX_COST = 6;
/** The cost-doubling measurement: low costs keep it quick, CPU time keeps it steady on a busy machine. */
const COST_PROBE = 7;
const COST_SAMPLES = 3;
const ORIGINAL = 'Correct-Horse-1';
const NEXT = 'Battery-Staple-2';

export const checks = {
  saltsDiffer: { claim: 'two bcrypt hashes of one password differ (a fresh salt each), and compare() accepts both', level: 'core', fact: true },
  costDoubles: { claim: `one more cost step about doubles the CPU a hash takes (cost ${COST_PROBE + 1} vs ${COST_PROBE}: ratio 1.6–2.4)`, level: 'senior', fact: true },
  sameRefused: { claim: 'changing to the password the user already has is refused with 400, and the stored hash stays', level: 'core', broken: 'the password the user already has is accepted as a "new" one' },
  wrongCurrent403: { claim: 'a wrong current password on a valid session gets 403 current_password_invalid (not 401), and nothing changes', level: 'core', broken: 'a wrong current password is not answered 403 current_password_invalid' },
  noSession401: { claim: 'without a session the route answers 401 with a Bearer challenge, and nothing changes', level: 'core', broken: 'the route without a session is not answered 401 with a Bearer challenge' },
  newAccepted: { claim: 'a new password is accepted (204) and the stored hash matches it', level: 'core', broken: 'a genuinely new password is not accepted' },
  historyRefused: { claim: 'switching straight back to the previous password (A → B → A) is refused with 400', level: 'core', broken: 'switching straight back to the previous password is accepted' },
} as const;

export type CheckId = keyof typeof checks;

interface UserFields { email: string; passwordHash: string }

function code(response: HttpResponse): string | null {
  const body = response.body as { code?: unknown } | null;
  return typeof body?.code === 'string' ? body.code : null;
}

export const attack = defineAttack({
  checks,
  preamble: `Each file below gets a fresh database with one signed-in user whose password is "${ORIGINAL}", and the same five password changes. `
    + `bcrypt is capped at cost ${BCRYPT_MAX_COST} so the run stays fast; the cost you write is what production would use.`,
  async run(ctx, target) {
    const bcrypt = (await import('bcrypt')).default;
    const sessions = new Map<string, string>();
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, bcrypt: cappedBcrypt(bcrypt, BCRYPT_MAX_COST), sessions });
    const User = learnerModel<UserFields>(ctx, 'passwordHash', 'db.model(\'User\', schema)');

    // Facts about bcrypt, shown live.
    const [hashA, hashB] = await Promise.all([bcrypt.hash(ORIGINAL, BCRYPT_MAX_COST), bcrypt.hash(ORIGINAL, BCRYPT_MAX_COST)]);
    const bothMatch = (await bcrypt.compare(ORIGINAL, hashA)) && (await bcrypt.compare(ORIGINAL, hashB));
    // $2b$06$ + 22 salt characters + 31 hash characters
    const salts = ctx.observe('salts of two hashes of one password', [hashA.slice(7, 29), hashB.slice(7, 29)]);
    ctx.check('saltsDiffer', hashA !== hashB && bothMatch, salts, `hashes equal: ${hashA === hashB}, compare accepts both: ${bothMatch}`);

    const cpuMs = async (cost: number): Promise<number> => {
      const started = process.cpuUsage();
      await bcrypt.hash(ORIGINAL, cost);
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
    const ratio = Math.round((median(high) / Math.max(median(low), 0.01)) * 100) / 100;
    ctx.observe(`CPU ms per hash at cost ${COST_PROBE} / ${COST_PROBE + 1}`, [Math.round(median(low) * 10) / 10, Math.round(median(high) * 10) / 10]);
    ctx.check('costDoubles', ratio >= 1.6 && ratio <= 2.4, ctx.observe('ratio', ratio));

    // One user, one session.
    const user = await User.create({ email: 'ada@example.com', passwordHash: await bcrypt.hash(ORIGINAL, BCRYPT_MAX_COST) });
    const token = randomBytes(24).toString('base64url');
    sessions.set(token, user.id);
    const session = { authorization: `Bearer ${token}` };
    const storedHash = async (): Promise<string> => (await User.findById(user._id).lean())?.passwordHash ?? '';
    const change = (json: Record<string, string>, headers: Record<string, string> = session) =>
      app.request({ method: 'PUT', path: '/me/password', json, headers });

    const start = await storedHash();
    const same = await change({ currentPassword: ORIGINAL, newPassword: ORIGINAL });
    const afterSame = await storedHash();
    ctx.check('sameRefused', same.status === 400 && afterSame === start, ctx.observe('same password', same.status),
      afterSame === start ? `status ${same.status}` : `status ${same.status}; the stored hash was replaced`);

    const wrong = await change({ currentPassword: 'not-my-password', newPassword: NEXT });
    const afterWrong = await storedHash();
    ctx.observe('wrong current password', `${wrong.status} ${code(wrong) ?? ''}`.trim());
    ctx.check('wrongCurrent403', wrong.status === 403 && code(wrong) === 'current_password_invalid' && afterWrong === afterSame, wrong.status,
      afterWrong === afterSame ? `status ${wrong.status}, code ${code(wrong)}` : `status ${wrong.status}; the password was changed without the current one`);

    const anonymous = await change({ currentPassword: ORIGINAL, newPassword: NEXT }, {});
    const afterAnonymous = await storedHash();
    const challenge = ctx.observe('no session', `${anonymous.status} ${anonymous.headers['www-authenticate'] ?? '(no challenge)'}`);
    ctx.check('noSession401', anonymous.status === 401 && /^bearer\b/i.test(anonymous.headers['www-authenticate'] ?? '') && afterAnonymous === afterWrong,
      challenge);

    // Whatever happened above, the user knows their password as the app now stores it.
    const current = (await bcrypt.compare(ORIGINAL, afterAnonymous)) ? ORIGINAL : NEXT;
    const fresh = await change({ currentPassword: current, newPassword: NEXT === current ? ORIGINAL : NEXT });
    const afterFresh = await storedHash();
    const matches = await bcrypt.compare(NEXT === current ? ORIGINAL : NEXT, afterFresh);
    ctx.check('newAccepted', fresh.status === 204 && matches, ctx.observe('new password', fresh.status), `status ${fresh.status}, stored hash matches: ${matches}`);

    const now = NEXT === current ? ORIGINAL : NEXT;
    const back = await change({ currentPassword: now, newPassword: current });
    ctx.check('historyRefused', back.status === 400, ctx.observe('back to the previous password', back.status), `status ${back.status}`);
  },
});
