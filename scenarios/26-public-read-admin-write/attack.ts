// Scenario 26's attack, run against starter.js, the trap, solution.js (`run 26`) and the learner's own
// file (`verify 26`): every write route tried by an anonymous caller, a user and an admin, reads by
// all three, tokens that must not pass, and a method no route handles. Tokens are signed here with
// the key the app is given; the learner's guards verify them.
import { randomBytes } from 'node:crypto';
import { defineAttack } from '../../src/practice/attack-contract.js';
import { learnerModel } from '../../src/practice/attack-helpers.js';
import type { HttpResponse, ServedApp } from '../../src/runtime/context.js';

export const checks = {
  anonWritesRefused: { claim: 'anonymous POST, PATCH and DELETE are each answered 401 and change nothing', level: 'core', broken: 'an anonymous caller gets a write through' },
  userWritesForbidden: { claim: 'a signed-in user without the admin role gets 403 on every write, and nothing changes', level: 'core', broken: 'a signed-in user without the admin role gets a write through' },
  challengeOn401: { claim: 'every 401 names its scheme in WWW-Authenticate (Bearer)', level: 'core', broken: 'a 401 comes without a WWW-Authenticate challenge' },
  adminWrites: { claim: 'an admin creates (201), changes (200) and deletes (204)', level: 'core', broken: 'an admin cannot create, change or delete' },
  readsPublic: { claim: 'reads answer 200 for anonymous callers, users and admins alike', level: 'core', broken: 'a read is refused to someone it should be open to' },
  badTokensRefused: { claim: 'a token signed with another key, an alg "none" token and an expired one get 401 (invalid_token)', level: 'core', broken: 'a forged, unsigned or expired token is accepted' },
  unsafeMethodsFailClosed: { claim: 'an anonymous PUT, a method no route handles, is refused 401 before routing, not 404', level: 'senior', broken: 'an anonymous PUT nobody routes falls through to 404 instead of 401' },
} as const;

export type CheckId = keyof typeof checks;

interface ProductFields { name: string; price: number }

function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

interface Writes { post: number; patch: number; delete: number }

/** One POST, one PATCH and one DELETE as the caller; the PATCH and DELETE target products of their own. */
async function tryWrites(app: ServedApp, token: string | undefined, patchId: string, deleteId: string, price: number, seen: HttpResponse[]): Promise<Writes> {
  const headers = bearer(token);
  const post = await app.request({ method: 'POST', path: '/products', json: { name: `new-${price}`, price }, headers });
  const patch = await app.request({ method: 'PATCH', path: `/products/${patchId}`, json: { price }, headers });
  const del = await app.request({ method: 'DELETE', path: `/products/${deleteId}`, headers });
  seen.push(post, patch, del);
  return { post: post.status, patch: patch.status, delete: del.status };
}

export const attack = defineAttack({
  checks,
  preamble: 'Each file below gets a fresh catalogue of three products and the same callers: anonymous, a user and an admin, each trying POST, PATCH and DELETE, '
    + 'then tokens that must not pass and a method no route handles. The tokens are HS256 JWTs signed with the key the app is given.',
  async run(ctx, target) {
    const { default: jwt } = await import('jsonwebtoken');
    const jwtSecret = randomBytes(32).toString('base64url');
    const sign = (sub: string, role: string): string => jwt.sign({ role }, jwtSecret, { algorithm: 'HS256', subject: sub, expiresIn: '5m' });
    const adminToken = sign('ada', 'admin');
    const userToken = sign('uma', 'user');
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, jwt, jwtSecret });
    const Product = learnerModel<ProductFields>(ctx, 'price', 'db.model(\'Product\', schema)');
    const [desk, lamp, chair] = await Product.create([{ name: 'desk', price: 300 }, { name: 'lamp', price: 40 }, { name: 'chair', price: 150 }]);
    if (!desk || !lamp || !chair) throw new Error('seeding the catalogue failed');
    const fingerprint = async (): Promise<string> => JSON.stringify(await Product.find().sort({ name: 1 }).select('name price -_id').lean());
    const seen: HttpResponse[] = [];

    const before = await fingerprint();
    const anon = ctx.observe('anonymous writes', { ...(await tryWrites(app, undefined, desk.id, lamp.id, 1, seen)) });
    const afterAnon = await fingerprint();
    ctx.check('anonWritesRefused', anon.post === 401 && anon.patch === 401 && anon.delete === 401 && afterAnon === before, anon,
      afterAnon === before ? `statuses ${JSON.stringify(anon)}` : `statuses ${JSON.stringify(anon)}; the catalogue changed`);

    const beforeUser = await fingerprint();
    const user = ctx.observe('user writes', { ...(await tryWrites(app, userToken, desk.id, lamp.id, 2, seen)) });
    const afterUser = await fingerprint();
    ctx.check('userWritesForbidden', user.post === 403 && user.patch === 403 && user.delete === 403 && afterUser === beforeUser, user,
      afterUser === beforeUser ? `statuses ${JSON.stringify(user)}` : `statuses ${JSON.stringify(user)}; the catalogue changed`);

    // A fresh product for each admin write, so refusals above cannot decide this one.
    const spare = await Product.create({ name: 'stool', price: 60 });
    const admin = ctx.observe('admin writes', { ...(await tryWrites(app, adminToken, chair.id, spare.id, 250, seen)) });
    const chairNow = (await Product.findById(chair._id).lean())?.price ?? null;
    const spareGone = (await Product.findById(spare._id).lean()) === null;
    ctx.check('adminWrites', admin.post === 201 && admin.patch === 200 && admin.delete === 204 && chairNow === 250 && spareGone, admin,
      `statuses ${JSON.stringify(admin)}, chair price ${chairNow}, deleted ${spareGone}`);

    const reads: Record<string, number> = {};
    for (const [who, token] of [['anonymous', undefined], ['user', userToken], ['admin', adminToken]] as const) {
      const list = await app.request({ path: '/products', headers: bearer(token) });
      const one = await app.request({ path: `/products/${desk.id}`, headers: bearer(token) });
      reads[who] = list.status === one.status ? list.status : -1;
    }
    ctx.observe('reads', reads);
    ctx.check('readsPublic', Object.values(reads).every((status) => status === 200), reads);

    const forged = jwt.sign({ role: 'admin' }, randomBytes(32).toString('base64url'), { algorithm: 'HS256', subject: 'eve' });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"eve","role":"admin"}').toString('base64url')}.`;
    const expired = jwt.sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) - 60 }, jwtSecret, { algorithm: 'HS256', subject: 'ada' });
    const bad: Record<string, HttpResponse> = {};
    for (const [label, token] of [['forged', forged], ['alg none', unsigned], ['expired', expired]] as const) {
      bad[label] = await app.request({ method: 'POST', path: '/products', json: { name: `bad-${label}`, price: 1 }, headers: bearer(token) });
      seen.push(bad[label]);
    }
    const badStatuses = ctx.observe('forged / alg none / expired', Object.values(bad).map((response) => response.status));
    const expiredChallenge = ctx.observe('challenge, expired token', bad['expired']?.headers['www-authenticate'] ?? null);
    ctx.check('badTokensRefused', badStatuses.every((status) => status === 401) && /invalid_token/.test(expiredChallenge ?? ''), badStatuses,
      `statuses ${badStatuses.join(', ')}, challenge ${expiredChallenge ?? 'none'}`);

    const put = await app.request({ method: 'PUT', path: `/products/${desk.id}`, json: { price: 5 } });
    seen.push(put);
    ctx.check('unsafeMethodsFailClosed', put.status === 401, ctx.observe('anonymous PUT (no route)', put.status), `status ${put.status}`);

    const unauthorized = seen.filter((response) => response.status === 401);
    const challenges = unauthorized.map((response) => response.headers['www-authenticate'] ?? null);
    const named = challenges.filter((challenge) => challenge !== null && /^bearer\b/i.test(challenge)).length;
    ctx.observe('401s with a Bearer challenge', `${named} of ${unauthorized.length}`);
    ctx.check('challengeOn401', unauthorized.length > 0 && named === unauthorized.length, `${named}/${unauthorized.length}`,
      [...new Set(challenges.map(String))].join(' | '));
  },
});
