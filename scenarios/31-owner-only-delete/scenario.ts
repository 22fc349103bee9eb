// Scenario 31's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads the code files as text, and `run`/`verify` run them through
// attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
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
        provenBy: 'Fix',
      },
      {
        text: 'An ObjectId compared to a string with !== is always different (object vs primitive), so the owner is wrongly refused.',
        terms: [['objectid'], ['string'], ['!==', '===', 'strict', 'reference']],
        provenBy: 'The ObjectId trap',
      },
      {
        text: 'Compare correctly: _id.equals(id), the id virtual (doc.id is the hex string), or string against string (token sub vs req.params.id).',
        terms: [['.equals', 'equals(', 'tostring', 'string(', '.sub', 'sub claim', '.id ===', 'id virtual']],
        provenBy: 'The ObjectId trap',
      },
      {
        text: 'Status codes: 401 unauthenticated (with WWW-Authenticate), 403 not yours, 204 deleted, 404 missing; validate the id to avoid a CastError 500.',
        terms: [['401'], ['403'], ['204', 'no content']],
        provenBy: 'Fix',
      },
      {
        text: 'Avoid account enumeration: decide ownership before the lookup, or answer 404 for both "missing" and "not yours".',
        terms: [['enumerat', 'reveal', 'leak', 'exist'], ['404']],
        provenBy: 'Fix',
      },
      {
        text: 'Load the caller and role from the database on each request, so a deleted or demoted account loses its power at once.',
        terms: [['database', 'from the db', 'findbyid', 'load the user', 'load the caller', 'fresh'], ['demot', 'deleted', 'role change', 'stale']],
        provenBy: 'Fix',
      },
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
      shownBy: 'Naive',
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
      shownBy: 'The ObjectId trap',
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
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, jwt, jwtSecret })` and resolves with the Express app. '
      + 'Define the User model (email, role: "admin" | "user") on `db`; tokens are HS256 with the user\'s id as `sub`. No app.listen.',
    starter: {
      title: 'Naive: authenticated, never authorised',
      lesson: 'Any valid token deleted any account: the route never asked whose account it was (IDOR, OWASP API1). '
        + 'It trusted the token alone, so a deleted account and a demoted admin kept their power, a malformed id became a 500, and a probe deleted the account it probed.',
      fails: ['othersRefused', 'deletedAccountRefused', 'demotedAdminRefused', 'malformedIdIs404', 'noEnumeration'],
    },
    traps: [
      {
        file: 'traps/objectid-strict-compare.js',
        title: 'The ObjectId trap: me._id !== req.params.id',
        lesson: 'Every rule is there, and strangers are refused, but so is the owner: me._id is an ObjectId and the parameter a string, so !== is always true. '
          + 'It fails closed, which makes it look secure; teams then "fix" it by deleting the check. Compare values: _id.equals(id), or the id virtual, or two strings.',
        fails: ['ownerDeletes'],
      },
    ],
    solution: {
      title: 'Fix: owner or admin, compared by value, caller loaded per request',
      lesson: 'Strangers got 403 whether or not the id existed, the owner and the admin got 204, and because the caller was loaded from the database on every request, '
        + 'a deleted account got 401 and a demoted admin 403 with tokens that were still valid.',
    },
    hints: {
      othersRefused: [
        'The route deletes whatever id arrives in the URL. Who is allowed to delete this account?',
        'Allow it when the caller is the account\'s owner or an admin; answer 403 otherwise.',
        'You need the caller as a document (to know their id and role): load it in the authentication middleware.',
      ],
      deletedAccountRefused: [
        'The token of a deleted account still has a valid signature. What does the middleware know about the account itself?',
        'Load the caller by the token\'s sub on every request and answer 401 when no such account exists.',
      ],
      demotedAdminRefused: [
        'Where does the route learn the caller\'s role, and how fresh is that?',
        'Read the role from the account you load on every request, never from something frozen at login.',
      ],
      malformedIdIs404: [
        'findByIdAndDelete("not-an-id") cannot cast the id to an ObjectId and throws; Express 5 answers that 500.',
        'Check the parameter first (mongoose.isObjectIdOrHexString) and answer 404 for an id that cannot exist.',
      ],
      noEnumeration: [
        'A stranger who gets 403 for ids that exist and 404 for ids that do not has learned which accounts exist.',
        'Decide ownership before looking the target up, so a stranger gets the same answer for any id.',
      ],
      ownerDeletes: [
        'The owner was refused. Print typeof of both sides of your comparison.',
        'req.params.id is a string; a loaded document\'s _id is an ObjectId. Strict (in)equality never converts types.',
      ],
    },
  },
});
