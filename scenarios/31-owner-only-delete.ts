import { randomBytes } from 'node:crypto';
import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext, ServedApp } from '../src/runtime/context.js';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { HydratedDocument, Model } from 'mongoose';
import type * as JsonWebToken from 'jsonwebtoken';

// ---------------------------------------------------------------------------------------------
// Code shown to the user.
// ---------------------------------------------------------------------------------------------

const naiveCode = `// Authenticated, but never asks WHOSE account it is.
app.delete('/users/:id', authenticate,
  async (req, res) => {
    await User.findByIdAndDelete(req.params.id);
    res.status(204).end();
  });`;

const pitfallCode = `// authenticate loaded the caller from the database:
//   res.locals.user = await User.findById(sub)
const me = res.locals.user;
// ObjectId !== string is ALWAYS true:
if (me._id !== req.params.id && me.role !== 'admin') {
  return res.status(403).json({ error: 'forbidden' });
}`;

const fixedCode = `async function deleteUser(req, res) {
  // from the DB on every request: role is current
  const me = res.locals.user;
  const { id } = req.params;
  if (!mongoose.isObjectIdOrHexString(id)) {
    return res.status(404)
      .json({ error: 'not found' });
  }
  // ObjectId.equals takes an ObjectId or a hex string.
  // Also right: me.id === id (the id virtual is the
  // hex string) or String(res.locals.auth.sub) === id.
  const isSelf = me._id.equals(id);
  if (!isSelf && me.role !== 'admin') {
    return res.status(403)
      .json({ error: 'forbidden' });
  }
  const deleted = await User.findByIdAndDelete(id);
  if (!deleted) {
    return res.status(404)
      .json({ error: 'not found' });
  }
  res.status(204).end();
}
app.delete('/users/:id', authenticate, deleteUser);`;

const enumerationCode = `// Lookup first, then check: the status code tells a
// stranger whether the id exists.
const target = await User.findById(req.params.id);
if (!target) {
  return res.status(404).end(); // no such id
}
if (!me._id.equals(target._id)) {
  return res.status(403).end(); // exists!
}
// Fix: decide ownership BEFORE the lookup,
// or answer 404 to both.`;

// ---------------------------------------------------------------------------------------------
// The demo's building blocks.
// ---------------------------------------------------------------------------------------------

type Jwt = Pick<typeof JsonWebToken, 'sign' | 'verify'>;
type Role = 'admin' | 'user';

interface UserFields {
  email: string;
  role: Role;
}
type UserModel = Model<UserFields>;
type UserDoc = HydratedDocument<UserFields>;

type Variant = 'naive' | 'string-compare-bug' | 'fixed' | 'lookup-first';

interface Comparison {
  left: string;
  right: string;
  differentByStrictInequality: boolean;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
  return typeof value;
}

// RFC 9110 §15.5.2: a 401 names the scheme the client should authenticate with.
function unauthorized(res: Response, error: string): void {
  res.set('WWW-Authenticate', 'Bearer realm="api"');
  res.status(401).json({ error });
}

function buildUserApi(ctx: DemoContext, User: UserModel, jwt: Jwt, secret: string, variant: Variant, comparisons: Comparison[]): Express {
  const app = ctx.express();
  app.use(ctx.express.json());

  // Verify the token; except in the naive app, also load the caller so a deleted or demoted
  // account loses its powers at once instead of when the token expires.
  const authenticate: RequestHandler = async (req, res, next) => {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    let sub: string | undefined;
    try {
      const claims = scheme === 'Bearer' && token ? jwt.verify(token, secret, { algorithms: ['HS256'] }) : undefined;
      sub = typeof claims === 'object' ? claims.sub : undefined;
    } catch {
      sub = undefined;
    }
    if (!sub) {
      unauthorized(res, 'authentication required');
      return;
    }
    res.locals.auth = { sub };
    if (variant !== 'naive') {
      const me = ctx.mongoose.isObjectIdOrHexString(sub) ? await User.findById(sub) : null;
      if (!me) {
        unauthorized(res, 'account no longer exists');
        return;
      }
      res.locals.user = me;
    }
    next();
  };

  const deleteUser: RequestHandler = async (req, res) => {
    const id = String(req.params.id);
    const me = res.locals.user as UserDoc | undefined;
    if (variant === 'string-compare-bug' && me) {
      // The bug under discussion: an ObjectId on the left, a string on the right.
      const left: unknown = me._id;
      comparisons.push({ left: typeName(left), right: typeName(id), differentByStrictInequality: left !== id });
      if (left !== id && me.role !== 'admin') {
        res.status(403).json({ error: 'forbidden' });
        return;
      }
    }
    if ((variant === 'fixed' || variant === 'lookup-first') && me) {
      if (!ctx.mongoose.isObjectIdOrHexString(id)) {
        res.status(404).json({ error: 'not found' });
        return;
      }
      if (variant === 'lookup-first') {
        const target = await User.findById(id);
        if (!target) {
          res.status(404).json({ error: 'not found' });
          return;
        }
      }
      if (!me._id.equals(id) && me.role !== 'admin') {
        res.status(403).json({ error: 'forbidden' });
        return;
      }
    }
    const deleted = await User.findByIdAndDelete(id);
    if (!deleted) res.status(404).json({ error: 'not found' });
    else res.status(204).end();
  };

  app.delete('/users/:id', authenticate, deleteUser);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err instanceof Error ? err.message : 'internal error' });
  });
  return app;
}

// ---------------------------------------------------------------------------------------------

export const scenario = defineScenario({
  id: 31,
  slug: 'owner-only-delete',
  title: 'Only the owner or an admin deletes an account',
  tags: ['security', 'auth', 'express', 'mongodb'],
  summary: 'DELETE /users/:id with authentication only lets anyone delete anyone; the ObjectId comparison trap.',
  question:
    'DELETE /users/:id sits behind your JWT authentication. A user should be able to delete their own account, ' +
    'and an administrator any account, but nobody else. What is wrong with checking authentication alone, ' +
    'how do you write the ownership check correctly with Mongoose ids, and which status codes do you return?',
  answer: {
    short:
      'Authentication says who is calling, not what they may touch: without an ownership check any logged-in user '
      + 'deletes any account by changing the id (IDOR, OWASP API1). I allow the delete only when the caller is the '
      + 'owner or an admin, comparing ids by value (`_id.equals(id)`, never `!==` between an ObjectId and a string), '
      + 'and answer 401 without a valid token, 403 for someone else\'s account, 204 when deleted.',
    reasoning: [
      'Authentication only proves who is calling; it says nothing about which records that caller may touch. A route that deletes whatever id arrives in the URL lets any logged-in user delete any account just by changing the id: an insecure direct object reference (IDOR, called BOLA, broken object level authorization, in the OWASP API Security Top 10, where it is #1), the most common access-control bug in APIs. The fix is an authorization rule evaluated on every request: the caller\'s id must equal the target id, or the caller must be an admin; otherwise 403.',
      'The comparison itself is a classic trap. If the auth middleware loads the caller with Mongoose, res.locals.user._id (or req.user._id) is an ObjectId object, while req.params.id is always a string. Strict inequality between an object and a string is always true, so `me._id !== req.params.id` rejects even the owner: the route looks secure because it fails closed, and teams end up "fixing" it by deleting the check. Loose equality happens to coerce an ObjectId to its hex string, but == between two ObjectIds compares references and is false for equal ids, so coercion is not a strategy.',
      'Correct comparisons are type-aware: me._id.equals(req.params.id) (ObjectId.equals accepts an ObjectId or a 24-character hex string), or compare two strings, typically the token\'s sub claim against the route parameter (String(sub) === req.params.id), or use Mongoose\'s `id` virtual, which is already the hex string: `me.id === req.params.id`. The bug appears only when `_id` (the ObjectId) is compared, or when the auth layer stores a plain object without virtuals (for example from lean()). I also validate the parameter (isObjectIdOrHexString) so a malformed id becomes 404 or 400, not a CastError 500.',
      'Status codes: 401 without a valid token (with a `WWW-Authenticate: Bearer realm="api"` challenge, as RFC 9110 requires of every 401), 403 when an authenticated user targets someone else, 204 No Content when the owner or an admin deletes, 404 when the account does not exist. I load the caller from the database rather than trusting a role frozen in the token, so a demoted admin or a deleted account stops working immediately. And I decide ownership before looking the target up, so the answer to a stranger does not reveal whether an id exists.',
    ],
    keyPoints: [
      {
        text: 'Authentication alone is not authorization: without an ownership check any user can delete any account (IDOR).',
        terms: [['idor', 'insecure direct object', 'any user', 'authorization', 'authorisation', 'ownership']],
        provenBy: 'Naive',
      },
      {
        text: 'Allow only when the caller\'s id equals the target id or the caller is an admin; otherwise 403.',
        terms: [['owner', 'own account', 'their own', 'own id', 'self-delet', 'same id', 'matches the id'], ['admin'], ['403', 'forbidden']],
        provenBy: 'Fixed',
      },
      {
        text: 'An ObjectId compared to a string with !== is always different (object vs primitive), so the owner is wrongly refused.',
        terms: [['objectid'], ['string'], ['!==', '===', 'strict', 'reference']],
        provenBy: 'Pitfall',
      },
      {
        text: 'Compare correctly: _id.equals(id), the id virtual (doc.id is the hex string), or string against string (token sub vs req.params.id).',
        terms: [['.equals', 'equals(', 'tostring', 'string(', '.sub', 'sub claim', '.id ===', 'id virtual']],
        provenBy: 'Pitfall',
      },
      {
        text: 'Status codes: 401 unauthenticated (with WWW-Authenticate), 403 not yours, 204 deleted, 404 missing; validate the id to avoid a CastError 500.',
        terms: [['401'], ['403'], ['204', 'no content']],
        provenBy: 'Fixed',
      },
      {
        text: 'Avoid account enumeration: decide ownership before the lookup, or answer 404 for both "missing" and "not yours".',
        terms: [['enumerat', 'reveal', 'leak', 'exist'], ['404']],
        provenBy: 'Senior: check-first',
      },
      {
        text: 'Load the caller and role from the database on each request, so a deleted or demoted account loses its power at once.',
        terms: [['database', 'from the db', 'findbyid', 'load the user', 'load the caller', 'fresh'], ['demot', 'deleted', 'role change', 'stale']],
        provenBy: 'Fixed',
      },
    ],
    code: [
      { title: 'Naive: authenticated, never authorized', language: 'js', code: naiveCode },
      { title: 'Pitfall: ObjectId !== string', language: 'js', code: pitfallCode },
      { title: 'Fixed: owner or admin, compared properly', language: 'js', code: fixedCode },
      { title: 'Enumeration through 404 versus 403', language: 'js', code: enumerationCode },
    ],
    seniorNotes: [
      'Decide ownership before touching the database for non-admins; if the lookup must come first (resources owned through a field), answer 404 for both "missing" and "not yours" so ids cannot be enumerated by status code.',
      'Prefer soft delete for accounts (deletedAt, excluded by a default query filter, purged by a job after a grace period): it makes mistakes and abuse recoverable and keeps referential data consistent, while still meeting erasure duties after the grace period.',
      'Destructive actions deserve re-authentication: ask for the password or a fresh login (a token with a recent auth_time) before deleting an account, so a stolen session cookie cannot erase the account.',
      'Revoke what the deleted account holds: sessions, refresh tokens, API keys. Loading the caller from the database on each request (as the fixed route does) makes a deleted account\'s remaining access token useless immediately.',
      'Put the rule in one place (a policy function canDelete(actor, targetId)) and test it as a table: self, other, admin, missing, malformed id, no token. Log admin deletions with the actor.',
      'Guard the last admin: an admin deleting the only admin account (or themselves) should be refused or need a second admin, or nobody can manage the system any more.',
      'Type the boundary: keep ids as strings in auth claims and DTOs and convert once; mixing ObjectId and string in comparisons, Set membership or Map keys fails silently in the same way as !==.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'The auth middleware sets req.user = await User.findById(sub). The route does `const notMine = req.user._id !== req.params.id;` and returns 403 when notMine and the role is not "admin". Why is the owner refused?',
        options: [
          { text: '_id is an ObjectId and params.id a string, so !== is always true', correct: true, explanation: 'Strict (in)equality never converts types; an object is never === a string. Use .equals(), compare strings, or use the id virtual: req.user.id (a hex string) !== req.params.id would have worked.' },
          { text: 'Express decodes req.params.id, so its hex digits no longer match the stored id', correct: false, explanation: 'A 24-character hex id has nothing to encode or decode; the strings would be identical.' },
          { text: 'ObjectIds embed a timestamp, so the id in the token differs from the one in the database', correct: false, explanation: 'The timestamp is part of the id itself; the same id always has the same bytes.' },
          { text: 'The owner is refused only because the role is not admin; the comparison is fine', correct: false, explanation: 'The role condition only matters when the id comparison says "different", which it wrongly always does.' },
        ],
      },
      {
        prompt: 'Mallory (a normal user) sends DELETE /users/<alice-id> with her valid token to the fixed route. What does she get?',
        options: [
          { text: '401 Unauthorized', correct: false, explanation: 'Her token is valid: she is authenticated.' },
          { text: '403 Forbidden', correct: true, explanation: 'Authenticated but not the owner and not an admin; the demo shows Alice still in the database.' },
          { text: '204 No Content', correct: false, explanation: 'That is the naive route\'s IDOR: deleting someone else\'s account.' },
          { text: '500 Internal Server Error', correct: false, explanation: 'The id is valid; nothing throws.' },
        ],
      },
      {
        prompt: 'Which comparison correctly tells whether the caller owns the target id?',
        options: [
          { text: 'req.user._id == otherDoc._id', correct: false, explanation: 'Two ObjectIds compared with == are compared by reference: false even for equal ids.' },
          { text: 'req.user._id.equals(req.params.id)', correct: true, explanation: 'ObjectId.equals compares the id value and accepts an ObjectId or a 24-character hex string.' },
          { text: 'req.user._id === new ObjectId(req.params.id)', correct: false, explanation: 'A freshly constructed object is never === another object.' },
          { text: 'typeof req.user._id === typeof req.params.id', correct: false, explanation: 'That compares types, not values.' },
        ],
      },
      {
        prompt: 'A route looks the target up first, answers 404 when it is missing and 403 when it belongs to someone else. What is the risk?',
        options: [
          { text: 'None: 404 and 403 are both refusals, so a stranger learns nothing from them', correct: false, explanation: 'They are different refusals, and the difference is the information.' },
          { text: 'A stranger learns which ids exist from 403 versus 404', correct: true, explanation: 'Account enumeration. Decide ownership before the lookup, or answer the same status to both cases; the demo measures the difference.' },
          { text: 'A race: the account may vanish between the lookup and the check, and the delete throws', correct: false, explanation: 'Then the delete finds nothing and answers 404; no harm is done.' },
        ],
      },
      {
        prompt: 'An admin is demoted to "user" while her 5-minute access token is still valid. What should her next DELETE of another account get?',
        options: [
          { text: '204 until the token expires: its signature is still valid', correct: false, explanation: 'Only if the route trusts a role frozen into the token. A valid signature proves identity, not current rights.' },
          { text: '401: a role change invalidates every token of the account', correct: false, explanation: 'Nothing revokes a JWT by itself; and she is still authenticated, so 401 would be the wrong status anyway.' },
          { text: '403, if the route reads her role from the database', correct: true, explanation: 'Loading the caller on every request makes demotion take effect at once; the demo demotes Ada and her next delete gets 403.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Why not answer 404 for everything the caller may not touch? When would you pick 403 and when 404?',
      answer:
        'The status itself can leak: if a stranger gets 403 for ids that exist and 404 for ids that do not, the API '
        + 'confirms which accounts exist. So either decide ownership before any lookup (a stranger always gets 403, '
        + 'whatever the id) or answer 404 for both "missing" and "not yours", which GitHub does for private '
        + 'repositories. I keep 403 when the rule is public knowledge and the caller can do something about it, '
        + 'and 404 when existence itself is sensitive.',
      keyPoints: [
        { text: '403 versus 404 reveals which ids exist (enumeration).', terms: [['enumerat', 'exist', 'reveal', 'leak']] },
        { text: 'Check ownership before the lookup, or answer 404 to both.', terms: [['before', 'same status', '404 for both', 'both 404', '404 to both']] },
      ],
      probes: 5,
      kind: 'probe',
      shownBy: 'Senior: lookup-first',
    },
    {
      question: 'req.user came from `User.findById(...).lean()` and the check uses `req.user.id === req.params.id`. Does it work?',
      answer:
        'No, and it fails closed: a lean() result is a plain object without virtuals, so `id` is undefined and the '
        + 'owner is refused. `_id` is still an ObjectId, so compare with `req.user._id.equals(req.params.id)` or '
        + '`String(req.user._id) === req.params.id`. Better still, convert ids to strings once at the auth boundary '
        + 'and compare strings everywhere after.',
      keyPoints: [
        { text: 'lean() objects have no virtuals: id is undefined.', terms: [['lean'], ['virtual', 'undefined']] },
        { text: 'Use _id.equals() or String(_id), or normalise to strings at the boundary.', terms: [['.equals', 'equals(', 'string(', 'tostring', 'tohexstring']] },
      ],
      probes: 3,
      kind: 'probe',
      shownBy: 'Pitfall',
    },
    {
      question: 'Fifty routes now need rules like this one. Where does the authorization logic live?',
      answer:
        'In one policy layer, not copied into each handler: functions such as `canDelete(actor, target)` that the '
        + 'routes call, or a library (CASL, an external policy engine) when rules depend on attributes. The list '
        + 'query filters by the same rule (`{ ownerId: me._id }`), so object-level checks cover reads and lists too. '
        + 'Each policy is tested as a table (self, other, admin, missing, malformed, anonymous), and a test walks the '
        + 'router so no route ships without a policy.',
      keyPoints: [
        { text: 'One policy function or layer, called by every route.', terms: [['policy', 'can(', 'candelete', 'casl', 'abac', 'rbac', 'central']] },
        { text: 'Lists and queries filter by the same rule.', terms: [['filter', 'query', 'ownerid', 'scope']] },
        { text: 'Policies tested as a table; every route covered.', terms: [['test', 'table']] },
      ],
      kind: 'scale',
    },
    {
      question: 'A stolen session cookie is used to delete the victim\'s account. How do you make that harder?',
      answer:
        'Treat account deletion as a sensitive action: require a fresh authentication (the password, a second factor, '
        + 'or a login within the last few minutes, e.g. an `auth_time` claim) before it runs, and send a notice to the '
        + 'account\'s e-mail. Soft delete with a grace period makes the damage reversible. Afterwards revoke every '
        + 'session, refresh token and API key the account holds.',
      keyPoints: [
        { text: 'Re-authenticate (password, MFA or a recent login) before destructive actions.', terms: [['re-auth', 'reauth', 'password again', 'fresh login', 'step-up', 'step up', 'auth_time', 'mfa']] },
        { text: 'Soft delete with a grace period; notify the owner.', terms: [['soft delete', 'soft-delete', 'grace', 'deletedat', 'notif', 'e-mail', 'email']] },
        { text: 'Revoke sessions, refresh tokens and API keys of the deleted account.', terms: [['revoke', 'invalidate'], ['session', 'token', 'api key']] },
      ],
      kind: 'security',
    },
    {
      question: 'The account owns orders, posts and files in other collections. What happens to them when it is deleted?',
      answer:
        'MongoDB has no foreign keys or cascades, so the application decides: delete, anonymise (keep orders for '
        + 'accounting with the personal fields erased) or reassign. I mark the account deleted first and let a '
        + 'background job clean the rest idempotently in batches, because a single request cannot reliably do it all; '
        + 'a multi-document transaction fits only when the set is small. Erasure duties such as GDPR decide what must '
        + 'go and by when, and backups need their own answer.',
      keyPoints: [
        { text: 'No cascading deletes in MongoDB: the application owns the cleanup.', terms: [['cascade', 'foreign key', 'no referential', 'orphan']] },
        { text: 'Delete, anonymise or reassign per collection; keep what law requires.', terms: [['anonymi', 'pseudonym', 'reassign', 'retain', 'keep orders']] },
        { text: 'A background job in batches, idempotent; transactions only for small sets.', terms: [['job', 'queue', 'background', 'batch', 'transaction']] },
      ],
      kind: 'failure',
    },
  ],
  demo: {
    async run(ctx) {
      const { default: jwt } = await import('jsonwebtoken');
      // A fresh signing secret per run; never printed.
      const secret = randomBytes(32).toString('base64url');
      const tokenFor = (user: UserDoc): string => jwt.sign({}, secret, { algorithm: 'HS256', subject: String(user._id), expiresIn: '5m' });

      const schema = new ctx.mongoose.Schema<UserFields>({
        email: { type: String, required: true, unique: true },
        role: { type: String, enum: ['admin', 'user'], default: 'user' },
      });
      const User = ctx.db.model<UserFields>('User', schema);
      await User.init();

      async function seed(): Promise<Record<'alice' | 'bob' | 'carol' | 'mallory' | 'ada', UserDoc>> {
        await User.deleteMany({});
        const [alice, bob, carol, mallory, ada] = await User.create([
          { email: 'alice@example.test', role: 'user' },
          { email: 'bob@example.test', role: 'user' },
          { email: 'carol@example.test', role: 'user' },
          { email: 'mallory@example.test', role: 'user' },
          { email: 'ada@example.test', role: 'admin' },
        ]);
        if (!alice || !bob || !carol || !mallory || !ada) throw new Error('seed failed');
        return { alice, bob, carol, mallory, ada };
      }
      const exists = async (user: UserDoc): Promise<number> => User.countDocuments({ _id: user._id });
      const del = (api: ServedApp, caller: UserDoc, target: string): Promise<number> =>
        api.request({ method: 'DELETE', path: `/users/${target}`, headers: { authorization: `Bearer ${tokenFor(caller)}` } }).then((r) => r.status);

      await ctx.step('Naive: auth only, no owner check', async () => {
        const { alice, mallory } = await seed();
        ctx.showCode('naive route', naiveCode, 'js');
        ctx.say('Every 401 here carries WWW-Authenticate: Bearer realm="api", as RFC 9110 asks: it tells the client which credentials to retry with.');
        const api = await ctx.serve(buildUserApi(ctx, User, jwt, secret, 'naive', []));
        const anon = await api.request({ method: 'DELETE', path: `/users/${String(alice._id)}` });
        ctx.observe('anonymous', anon.status);
        const challenge = ctx.observe('WWW-Authenticate', anon.headers['www-authenticate'] ?? null);
        ctx.say('Mallory, an ordinary user, sends DELETE with Alice\'s id and her own valid token.');
        const status = await del(api, mallory, String(alice._id));
        const aliceLeft = await exists(alice);
        ctx.observe('mallory deletes alice', status);
        ctx.observe('alice in db', aliceLeft);
        ctx.check('anonymous callers are refused (401)', anon.status === 401, `status ${anon.status}`);
        ctx.check('the 401 names its scheme (WWW-Authenticate)', challenge === 'Bearer realm="api"', String(challenge));
        ctx.check('another user deleted Alice (IDOR)', status === 204 && aliceLeft === 0, `status ${status}, alice count ${aliceLeft}`);
      }, { shows: 'failure' });

      await ctx.step('Pitfall: ObjectId !== string', async () => {
        const { alice, mallory, ada, carol } = await seed();
        ctx.showCode('the comparison', pitfallCode, 'js');
        const comparisons: Comparison[] = [];
        const api = await ctx.serve(buildUserApi(ctx, User, jwt, secret, 'string-compare-bug', comparisons));
        ctx.say('Alice deletes her OWN account.');
        const selfStatus = await del(api, alice, String(alice._id));
        const aliceLeft = await exists(alice);
        const strangerStatus = await del(api, mallory, String(alice._id));
        const adminStatus = await del(api, ada, String(carol._id));
        const first = comparisons[0];
        ctx.observe('owner self-delete', selfStatus);
        ctx.observe('alice in db', aliceLeft);
        ctx.observe('compared', first ? `${first.left} vs ${first.right}` : 'nothing');
        ctx.observe('!== said different', first?.differentByStrictInequality ?? null);
        ctx.observe('mallory deletes alice', strangerStatus);
        ctx.observe('admin deletes carol', adminStatus);

        // The same ids compared in process, to show which operators work.
        const again = await User.findById(alice._id);
        const idString = String(alice._id);
        const idA: unknown = alice._id;
        const idB: unknown = again?._id;
        // Loose equality on purpose: these comparisons are the lesson.
        const looseObjObj = idA == idB;
        const looseObjStr = idA == idString;
        const equalsStr = alice._id.equals(idString);
        ctx.observe('id == same id', looseObjObj);
        ctx.observe('id == its string', looseObjStr);
        ctx.observe('id.equals(string)', equalsStr);
        // The id virtual is already the hex string, but only on documents: lean() objects lack virtuals.
        const virtualId: unknown = again?.id;
        const leanAlice = await User.findById(alice._id).lean();
        const leanVirtual: unknown = (leanAlice as { id?: unknown } | null)?.id;
        ctx.observe('doc.id === string', virtualId === idString);
        ctx.observe('lean().id', typeName(leanVirtual));

        ctx.check('the owner is wrongly refused (403)', selfStatus === 403 && aliceLeft === 1, `status ${selfStatus}, alice count ${aliceLeft}`);
        ctx.check('because an ObjectId is compared to a string', first?.left === 'ObjectId' && first.right === 'string' && first.differentByStrictInequality,
          first ? `${first.left} vs ${first.right}` : 'no comparison recorded');
        ctx.check('== between two equal ObjectIds is false', looseObjObj === false);
        ctx.check('.equals() compares the value', equalsStr === true);
        ctx.check('the id virtual is the hex string; lean() has none', virtualId === idString && leanVirtual === undefined,
          `doc.id ${typeName(virtualId)}, lean id ${typeName(leanVirtual)}`);
        ctx.check('it fails closed: stranger 403, admin still 204', strangerStatus === 403 && adminStatus === 204,
          `stranger ${strangerStatus}, admin ${adminStatus}`);
      }, { shows: 'failure' });

      await ctx.step('Fixed: owner or admin', async () => {
        const { alice, bob, carol, mallory, ada } = await seed();
        ctx.showCode('fixed route', fixedCode, 'js');
        const api = await ctx.serve(buildUserApi(ctx, User, jwt, secret, 'fixed', []));
        const other = await del(api, mallory, String(bob._id));
        const bobAfterOther = await exists(bob);
        const self = await del(api, bob, String(bob._id));
        const bobAfterSelf = await exists(bob);
        const admin = await del(api, ada, String(carol._id));
        const carolAfter = await exists(carol);
        const stale = await api.request({ method: 'DELETE', path: `/users/${String(alice._id)}`, headers: { authorization: `Bearer ${tokenFor(bob)}` } });
        const staleToken = stale.status;
        const malformed = await del(api, ada, 'not-an-id');
        // Ada's token says nothing about her role, and it stays valid: the route reads the role now.
        await User.updateOne({ _id: ada._id }, { $set: { role: 'user' } });
        const demoted = await del(api, ada, String(mallory._id));
        const malloryAfter = await exists(mallory);
        const anon = await api.request({ method: 'DELETE', path: `/users/${String(alice._id)}` });
        ctx.observe('other user', other);
        ctx.observe('bob after other', bobAfterOther);
        ctx.observe('self', self);
        ctx.observe('bob after self', bobAfterSelf);
        ctx.observe('admin', admin);
        ctx.observe('carol after admin', carolAfter);
        ctx.observe('deleted user token', staleToken);
        ctx.observe('malformed id', malformed);
        ctx.observe('demoted admin', demoted);
        ctx.observe('anonymous', anon.status);
        ctx.check('another user gets 403 and Bob stays', other === 403 && bobAfterOther === 1, `status ${other}, bob count ${bobAfterOther}`);
        ctx.check('the owner deletes himself: 204', self === 204 && bobAfterSelf === 0, `status ${self}, bob count ${bobAfterSelf}`);
        ctx.check('an admin deletes anyone: 204', admin === 204 && carolAfter === 0, `status ${admin}, carol count ${carolAfter}`);
        ctx.check('a deleted account\'s token is refused (401)', staleToken === 401 && (await exists(alice)) === 1, `status ${staleToken}`);
        ctx.check('...with the same WWW-Authenticate challenge', stale.headers['www-authenticate'] === 'Bearer realm="api"', String(stale.headers['www-authenticate']));
        ctx.check('an admin demoted a moment ago loses the power at once (403)', demoted === 403 && malloryAfter === 1, `status ${demoted}, mallory count ${malloryAfter}`);
        ctx.check('a malformed id is 404, not a 500', malformed === 404, `status ${malformed}`);
        ctx.check('no token is still 401', anon.status === 401, `status ${anon.status}`);
      }, { shows: 'fix' });

      const { alice, mallory } = await seed();
      const missingId = new ctx.mongoose.Types.ObjectId().toString();
      await ctx.step('Senior: lookup-first enumeration', async () => {
        ctx.showCode('lookup first', enumerationCode, 'js');
        const lookupFirst = await ctx.serve(buildUserApi(ctx, User, jwt, secret, 'lookup-first', []));
        const lfExisting = await del(lookupFirst, mallory, String(alice._id));
        const lfMissing = await del(lookupFirst, mallory, missingId);
        ctx.observe('lookup-first: existing', lfExisting);
        ctx.observe('lookup-first: missing', lfMissing);
        ctx.check('lookup-first reveals which ids exist', lfExisting === 403 && lfMissing === 404, `${lfExisting} vs ${lfMissing}`);
      }, { shows: 'failure', senior: true });

      await ctx.step('Senior: check-first hides ids', async () => {
        ctx.say('The fixed route decides ownership before it looks anything up.');
        const checkFirst = await ctx.serve(buildUserApi(ctx, User, jwt, secret, 'fixed', []));
        const cfExisting = await del(checkFirst, mallory, String(alice._id));
        const cfMissing = await del(checkFirst, mallory, missingId);
        ctx.observe('check-first: existing', cfExisting);
        ctx.observe('check-first: missing', cfMissing);
        ctx.check('check-first answers strangers the same', cfExisting === 403 && cfMissing === 403, `${cfExisting} vs ${cfMissing}`);
        ctx.check('alice survived every probe', (await exists(alice)) === 1);
      }, { shows: 'fix', senior: true });
    },
  },
});
