// Scenario 31's attack, run against starter.js, the ObjectId trap, solution.js (`run 31`) and the
// learner's own file (`verify 31`). It seeds accounts through the learner's own User model, signs
// tokens with the secret it hands over, and walks the cases an interviewer asks about: a stranger,
// the owner, an admin, a deleted account, a demoted admin, a malformed id and an id probe.
import { defineAttack } from '../../src/practice/attack-contract.js';
import type { AttackContext } from '../../src/practice/attack-contract.js';
import type { HydratedDocument, Model } from 'mongoose';

interface UserFields {
  email: string;
  role: 'admin' | 'user';
}
type UserModel = Model<UserFields>;
type UserDoc = HydratedDocument<UserFields>;

export const checks = {
  challengeOn401: { claim: 'a request without a token gets 401 with WWW-Authenticate: Bearer realm="api"', level: 'core' },
  othersRefused: { claim: 'an ordinary user deleting someone else\'s account gets 403, and the account stays', level: 'core', broken: 'an ordinary user deletes someone else\'s account' },
  ownerDeletes: { claim: 'a user deleting their own account gets 204', level: 'core', broken: 'the owner is refused when deleting their own account' },
  adminDeletes: { claim: 'an admin deleting any account gets 204', level: 'core' },
  deletedAccountRefused: { claim: 'a still-valid token of a deleted account gets 401', level: 'core', broken: 'a deleted account\'s token still deletes accounts' },
  demotedAdminRefused: { claim: 'an admin demoted a moment ago gets 403 with her still-valid token', level: 'core', broken: 'a demoted admin keeps her power until her token expires' },
  malformedIdIs404: { claim: 'a malformed id gets 404, not a CastError 500', level: 'core', broken: 'a malformed id is answered 500' },
  idsComparedByValue: { claim: 'ObjectId == ObjectId compares references; .equals() and the id virtual compare values; lean() has no virtuals', level: 'core', fact: true },
  noEnumeration: { claim: 'a stranger gets the same status for an existing and a missing id, and the account stays', level: 'senior', broken: 'a stranger tells existing ids from missing ones by the status (or deletes them)' },
} as const;

export type CheckId = keyof typeof checks;

/** The learner's user model: whichever model on their connection has email and role paths. */
function userModel(ctx: AttackContext): UserModel {
  const model = Object.values(ctx.db.models).find((candidate) => candidate.schema.path('email') !== undefined && candidate.schema.path('role') !== undefined);
  if (!model) throw new Error('no model with `email` and `role` paths was defined on deps.db (db.model(\'User\', schema))');
  return model as unknown as UserModel;
}

export const attack = defineAttack({
  checks,
  preamble: 'Each file below gets a fresh database with the same accounts (alice, bob, carol, dave, erin, frank, mallory, and ada the admin), '
    + 'created through the file\'s own User model, and tokens signed with the secret it was given, each carrying a user id as `sub`.',
  async run(ctx, target) {
    const [{ default: jwt }, { randomBytes }] = await Promise.all([import('jsonwebtoken'), import('node:crypto')]);
    const jwtSecret = randomBytes(32);
    const app = await target.start({ express: ctx.express, mongoose: ctx.mongoose, db: ctx.db, jwt, jwtSecret });
    const User = userModel(ctx);
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'mallory'] as const;
    const created = await User.create([...names.map((name) => ({ email: `${name}@example.test`, role: 'user' as const })), { email: 'ada@example.test', role: 'admin' as const }]);
    const user = Object.fromEntries([...names, 'ada'].map((name, index) => [name, created[index]!])) as Record<(typeof names)[number] | 'ada', UserDoc>;
    const tokenFor = (caller: UserDoc): string => jwt.sign({ sub: String(caller._id) }, jwtSecret, { algorithm: 'HS256', expiresIn: '5m' });
    const del = async (caller: UserDoc | null, id: string): Promise<number> => (await app.request({
      method: 'DELETE', path: `/users/${id}`, headers: caller ? { authorization: `Bearer ${tokenFor(caller)}` } : {},
    })).status;
    const exists = async (account: UserDoc): Promise<boolean> => (await User.countDocuments({ _id: account._id })) === 1;

    const anonymous = await app.request({ method: 'DELETE', path: `/users/${String(user.alice._id)}` });
    const challenge = ctx.observe('no token', { status: anonymous.status, 'www-authenticate': anonymous.headers['www-authenticate'] ?? null });
    ctx.check('challengeOn401', anonymous.status === 401 && anonymous.headers['www-authenticate'] === 'Bearer realm="api"', challenge);

    const stranger = await del(user.mallory, String(user.alice._id));
    const aliceStays = await exists(user.alice);
    ctx.check('othersRefused', stranger === 403 && aliceStays, ctx.observe('mallory deletes alice', { status: stranger, 'alice still there': aliceStays }));

    const self = await del(user.bob, String(user.bob._id));
    const bobGone = !(await exists(user.bob));
    ctx.check('ownerDeletes', self === 204 && bobGone, ctx.observe('bob deletes himself', { status: self, 'bob gone': bobGone }));

    const admin = await del(user.ada, String(user.carol._id));
    const carolGone = !(await exists(user.carol));
    ctx.check('adminDeletes', admin === 204 && carolGone, ctx.observe('ada (admin) deletes carol', { status: admin, 'carol gone': carolGone }));

    // Dave's account is removed behind the app's back; his token stays valid for minutes.
    await User.deleteOne({ _id: user.dave._id });
    const stale = await del(user.dave, String(user.erin._id));
    const erinStays = await exists(user.erin);
    ctx.check('deletedAccountRefused', stale === 401 && erinStays, ctx.observe('deleted dave\'s token deletes erin', { status: stale, 'erin still there': erinStays }));

    const malformed = await del(user.ada, 'not-an-id');
    ctx.check('malformedIdIs404', malformed === 404, ctx.observe('ada deletes /users/not-an-id', malformed));

    // Ada is demoted; her token says nothing about roles and stays valid.
    await User.updateOne({ _id: user.ada._id }, { $set: { role: 'user' } });
    const demoted = await del(user.ada, String(user.mallory._id));
    const malloryStays = await exists(user.mallory);
    ctx.check('demotedAdminRefused', demoted === 403 && malloryStays, ctx.observe('demoted ada deletes mallory', { status: demoted, 'mallory still there': malloryStays }));

    // The platform facts behind the trap, shown live on the same ids.
    const again = await User.findById(user.frank._id);
    const lean = await User.findById(user.frank._id).lean();
    const idString = String(user.frank._id);
    const left: unknown = user.frank._id;
    const right: unknown = again?._id;
    // Loose equality on purpose: it is the lesson.
    const facts = ctx.observe('comparing frank\'s id', {
      'id == same id': left == right,
      'id !== its string': left !== idString,
      'id.equals(string)': user.frank._id.equals(idString),
      'doc.id === string': again?.id === idString,
      'lean().id': typeof (lean as { id?: unknown } | null)?.id,
    });
    ctx.check('idsComparedByValue', facts['id == same id'] === false && facts['id !== its string'] === true && facts['id.equals(string)'] === true
      && facts['doc.id === string'] === true && facts['lean().id'] === 'undefined', facts);

    // Last, because a route that lets strangers delete would delete frank here.
    const missingId = new ctx.mongoose.Types.ObjectId().toString();
    const probeExisting = await del(user.mallory, idString);
    const probeMissing = await del(user.mallory, missingId);
    const frankStays = await exists(user.frank);
    const probe = ctx.observe('mallory probes frank\'s id and a missing id', { existing: probeExisting, missing: probeMissing, 'frank still there': frankStays });
    ctx.check('noEnumeration', probeExisting === probeMissing && frankStays, probe);
  },
});
