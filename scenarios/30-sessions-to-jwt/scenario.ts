// Scenario 30's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads starter.js and solution.js as text, and `run`/`verify` run them
// through attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 30,
  slug: 'sessions-to-jwt',
  title: 'Moving from session cookies to JWT',
  tags: ['security', 'auth', 'express', 'redis'],
  summary: 'Short access token in an HttpOnly cookie, rotating refresh token in Redis, revocation by jti.',
  question:
    'A legacy Express app keeps its logins in server-side sessions. You are asked to move it to JWT. '
    + 'How do you do that without making tokens easy to steal or impossible to revoke?',
  answer: {
    short:
      'First I ask what JWT buys us: for a browser-only app, a session id in Redis behind an HttpOnly cookie is '
      + 'simpler and revocable. If tokens are needed, the access JWT lives minutes in an HttpOnly, Secure, SameSite '
      + 'cookie, the refresh token is opaque, stored hashed in Redis and rotated on every use (reuse revokes the '
      + 'whole family), and logout deny-lists the access token\'s id until it expires.',
    reasoning: [
      'Question the premise before designing. A JWT\'s selling point is that anyone holding the key can verify it '
        + 'without calling you: other services, third parties (with a public key), mobile clients, single sign-on. '
        + 'A browser-only monolith gets none of that, and once you add revocation (below) every request reads Redis '
        + 'again, exactly like a session store. If that is the situation, the honest answer is to keep server-side '
        + 'sessions (a Redis store, a session id rotated at login, an HttpOnly cookie) and say why; the rest of this '
        + 'answer is for when tokens are genuinely needed.',
      'A JWT is verified by its signature alone, so the server cannot take one back before it expires. The '
        + 'naive migration (one 30-day token returned in the JSON body and kept in localStorage or a readable '
        + 'cookie) turns every XSS bug into a month-long account takeover, and "logout" only deletes the browser '
        + 'copy. The design has to bound how long a stolen token is useful and give the server a way to revoke.',
      'Split the session in two. The access token is a JWT with a short life (minutes), verified statelessly on '
        + 'every request with a pinned algorithm (`algorithms: [\'HS256\']` or an asymmetric key) and a signing key from a '
        + 'secret store, shared by all instances and rotated with overlapping keys (a `kid`, key id, header selects the key). '
        + 'The refresh token is long-lived, opaque (random bytes), and '
        + 'its digest is stored server-side in Redis with a TTL, so the server can look it up, expire it and delete it.',
      'For browsers both travel in cookies with `HttpOnly` (page scripts cannot read them) and `Secure` (HTTPS only), '
        + 'and the refresh cookie is scoped with `Path=/auth` so it only reaches the refresh and logout endpoints. The '
        + 'tokens never appear in a response body. Cookies are sent automatically, which brings cross-site request '
        + 'forgery (CSRF) back: `SameSite=Strict` or `Lax` is a useful second layer, not the defence, because it is '
        + 'scoped to the site (a sibling subdomain counts as same-site) and `Lax` still sends cookies on top-level GETs. '
        + 'So state-changing routes check `Origin` or Fetch Metadata (`Sec-Fetch-Site`), or require a CSRF token, and '
        + 'nothing changes state on a GET.',
      'Refresh rotates: each refresh token works exactly once and is replaced by a new pair. The old one is kept '
        + 'marked as used, so a second presentation is detectable; since either the user or the thief may be '
        + 'presenting it, the server revokes the whole token family (every refresh token descended from that login) '
        + 'and both must log in again. Marking must be atomic (HSETNX, SET NX or a Lua script) so two concurrent '
        + 'refreshes cannot both win.',
      'Logout deletes the refresh family and puts the access token\'s `jti` (its unique id claim) on a deny-list whose '
        + 'TTL equals the token\'s remaining lifetime (`exp - now`), so the list stays small and cleans itself. Checking '
        + 'that list costs one Redis lookup per request, which is the price of revocability; the short access lifetime '
        + 'bounds the damage when Redis is unavailable and you choose to fail open. Every 401 carries '
        + '`WWW-Authenticate: Bearer realm="api"`, so clients know which scheme to retry with.',
    ],
    keyPoints: [
      {
        text: 'Access JWTs that expire within minutes, paired with an opaque refresh token the server stores (Redis, with TTL).',
        terms: [['short-lived', 'short lived', 'minutes', 'expiresin'], ['refresh'], ['redis', 'server-side', 'database']],
        provenBy: 'Fix',
      },
      {
        text: 'Cookies with HttpOnly, Secure and SameSite; tokens never in localStorage or the JSON body.',
        terms: [['httponly', 'http-only', 'http only'], ['samesite', 'same-site', 'same site']],
        provenBy: 'Fix',
      },
      {
        text: 'Refresh token rotation: each refresh token is single-use and replaced by a new pair.',
        terms: [['rotat', 'single-use', 'one-time']],
        provenBy: 'Fix',
      },
      {
        text: 'Reuse of a rotated refresh token signals theft: revoke the whole token family.',
        terms: [['reuse', 'replay'], ['family', 'revoke all', 'all sessions']],
        provenBy: 'Fix',
      },
      {
        text: 'Revocation via a deny-list keyed by jti with a TTL equal to the token\'s remaining lifetime.',
        terms: [['jti', 'token id'], ['deny', 'blacklist', 'blocklist', 'revok'], ['a ttl', 'the ttl', 'ttl of', 'ttl equal', 'ttl:', '(ttl', 'time to live', 'expire', 'remaining life']],
      },
      {
        text: 'Verify with a pinned algorithm and a secret from a secret store, never hard-coded.',
        terms: [['algorithm', 'alg:', 'hs256', 'rs256', 'es256'], ['secret']],
      },
      {
        text: 'Ask why JWT at all: for a browser-only app server-side sessions are simpler and revocable; JWT pays off when other services or clients verify tokens themselves.',
        terms: [['session id', 'server-side session', 'session store', 'express-session'], ['other service', 'microservice', 'third part', 'mobile', 'public key', 'jwks', 'sso', 'oidc']],
      },
      {
        text: 'Cookie auth needs CSRF protection: SameSite is defence in depth; check Origin or Sec-Fetch-Site (or a CSRF token) on writes, never change state on GET.',
        terms: [['csrf', 'cross-site request'], ['origin', 'sec-fetch-site', 'fetch metadata', 'csrf token', 'double-submit', 'synchronizer']],
        provenBy: 'Fix',
      },
    ],
    seniorNotes: [
      'Migrate without a flag day: for a while the auth middleware accepts the old session cookie OR the new access '
        + 'token, and a request with a valid session gets a token pair issued; remove the session store once traffic '
        + 'on it drops to zero.',
      'Name the access cookie `__Host-access_token`: browsers then insist on Secure, Path=/ and no Domain attribute, '
        + 'so a sibling subdomain cannot plant or overwrite it (cookie tossing). Bearer headers avoid CSRF altogether '
        + 'but put the token within reach of any script that runs in the page, i.e. of XSS.',
      'Strict reuse detection revokes on a legitimate race (two tabs refreshing at once, as the demo shows). Production '
        + 'systems allow a short grace window in which the just-rotated token returns the pair it already issued, instead '
        + 'of revoking.',
      'Prefer asymmetric signing (RS256 or ES256; EdDSA needs the `jose` library, jsonwebtoken 9 lacks it) with a `kid` '
        + 'header when other services verify tokens: they get only the public key, published as a JWKS (a JSON list of '
        + 'public keys by kid), and keys rotate by publishing the next one before signing with it. Never accept '
        + '`alg: none` or let the token pick the algorithm.',
      'Decide how the deny-list fails: if Redis is down, failing closed logs everybody out, failing open accepts revoked '
        + 'tokens for at most the access lifetime. Keep that lifetime short enough that failing open is acceptable.',
      'A JWT payload is signed, not encrypted: it is only base64url-encoded, so anyone holding the token reads its '
        + 'claims. Put an id, a role and the token ids in it, never personal data or secrets (or use JWE).',
      'Revoke all families of a user on password change or account compromise (index families by user id in Redis).',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'In the legacy design, a user logs out and an attacker replays a copied 30-day JWT. What happens?',
        options: [
          {
            text: '200: the signature and exp still check out, and nothing marks it revoked.',
            correct: true,
            explanation: 'Stateless verification only checks signature and expiry; the demo\'s stolen token works after logout.',
          },
          {
            text: '401: logout cleared the cookie, and with it every copy the server would accept.',
            correct: false,
            explanation: 'clearCookie only asks the browser to drop its copy; the server keeps no record, and the attacker has another copy.',
          },
          {
            text: '403: the server notices the token is presented from a different IP address.',
            correct: false,
            explanation: 'A JWT carries no binding to an IP, and the legacy server checks none.',
          },
        ],
      },
      {
        prompt: 'Which cookie attribute stops an XSS payload from reading the access token with document.cookie?',
        options: [
          { text: 'Secure', correct: false, explanation: 'Secure restricts the cookie to HTTPS; scripts can still read it.' },
          { text: 'HttpOnly', correct: true, explanation: 'HttpOnly cookies are sent with requests but invisible to page scripts.' },
          { text: 'SameSite=Strict', correct: false, explanation: 'SameSite limits cross-site sending (CSRF); it does not hide the cookie from scripts.' },
          { text: 'Path=/auth', correct: false, explanation: 'Path limits which URLs receive the cookie, not script access.' },
        ],
      },
      {
        prompt: 'A refresh token that was already rotated is presented again. What should the server do?',
        options: [
          {
            text: 'Issue a new pair: it has not expired, so a repeat is most likely a client retry.',
            correct: false,
            explanation: 'That defeats rotation: a stolen copy would keep working indefinitely. (A short grace window for a genuine race returns the pair already issued, not a fresh one.)',
          },
          {
            text: 'Refuse it and revoke every token of that login\'s family.',
            correct: true,
            explanation: 'The server cannot tell thief from user, so every token from that login is revoked (the demo\'s newest refresh and live access token then get 401).',
          },
          {
            text: 'Refuse only the replayed token; the newest token of the family stays valid.',
            correct: false,
            explanation: 'If the thief was first to rotate, the newest token belongs to the thief.',
          },
        ],
      },
      {
        prompt: 'Why does the logout deny-list entry for a jti get a TTL equal to exp − now?',
        options: [
          {
            text: 'Past exp the token fails verification anyway; a longer entry only bloats the list.',
            correct: true,
            explanation: 'The entry disappears exactly when the token could no longer be used anyway, so the list never outgrows the tokens still alive.',
          },
          {
            text: 'Redis evicts keys without a TTL first when memory runs short, so every key needs one.',
            correct: false,
            explanation: 'The reverse: the volatile-* eviction policies only evict keys that have a TTL, and the default policy evicts nothing. The TTL is a design choice.',
          },
          {
            text: 'So the user can log back in with the same token once the entry has expired.',
            correct: false,
            explanation: 'By then the token itself has expired, and an expired token is never accepted again.',
          },
        ],
      },
      {
        prompt: 'How do you test that an expired access token is refused without the test waiting for it to expire?',
        options: [
          {
            text: 'Give sign and verify one injected clock (clockTimestamp or fake timers) and move it past exp.',
            correct: true,
            explanation: 'Signing and verifying read the same clock, so time moves deterministically; the demo does exactly this.',
          },
          {
            text: 'Decode the token, set exp to a time in the past, re-encode it and keep the original signature.',
            correct: false,
            explanation: 'The signature covers the payload: verify fails with an invalid-signature error, which tests the wrong thing.',
          },
          {
            text: 'Sleep for the access lifetime; five minutes in CI is acceptable for a security test.',
            correct: false,
            explanation: 'Minutes per test, and flaky near the boundary; a suite cannot sleep through lifetimes.',
          },
        ],
      },
      {
        prompt: 'The app is one Express monolith used only by its own browser front end. What is the strongest argument against moving it to JWT?',
        options: [
          {
            text: 'A session id in Redis is revocable and simpler, and nobody else verifies tokens.',
            correct: true,
            explanation: 'JWT pays off when other services, third parties or mobile clients verify tokens themselves (with a public key). With revocation, this design reads Redis on every request anyway.',
          },
          {
            text: 'A JWT cannot be stored in a cookie, so the front end must keep it in localStorage.',
            correct: false,
            explanation: 'Any string fits in a cookie under about 4 KB; the demo keeps its access JWT in an HttpOnly cookie.',
          },
          {
            text: 'Verifying a JWT needs a database round trip per request, which a session lookup avoids.',
            correct: false,
            explanation: 'Backwards: a signature check needs no round trip; a session lookup does. Revocation is what brings the round trip back.',
          },
        ],
      },
      {
        prompt: 'The access cookie is SameSite=Strict. What still holds about CSRF?',
        options: [
          {
            text: 'Writes still check Origin or Sec-Fetch-Site, or a CSRF token; SameSite is a second layer.',
            correct: true,
            explanation: 'SameSite is scoped to the site: a sibling subdomain is same-site and still gets the cookies, as the demo\'s forged POST shows; the Origin check refuses it.',
          },
          {
            text: 'Nothing: Strict stops the browser from sending the cookie on any request from another origin.',
            correct: false,
            explanation: 'Strict is about sites, not origins: pages.example.com and app.example.com are the same site.',
          },
          {
            text: 'HttpOnly cookies cannot be used by another page, so CSRF only threatens Bearer headers.',
            correct: false,
            explanation: 'Backwards: HttpOnly hides the cookie from scripts, but the browser still attaches it to forged requests. Bearer headers are the ones CSRF cannot use.',
          },
          {
            text: 'A GET route may change state as long as the cookie is Strict or Lax.',
            correct: false,
            explanation: 'Lax sends cookies on top-level GET navigations, and GETs are prefetched and cached: never change state on GET.',
          },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'Your design reads Redis on every request. So what did JWT buy you over a session id in Redis?',
      answer:
        'For a browser-only app, very little: the deny-list and family check make it stateful again, and a server-side '
        + 'session behind the same HttpOnly cookie would be simpler, smaller and revocable at once. JWT earns its keep '
        + 'when someone else verifies the token without calling us: other services, partners holding a public key from a '
        + 'JWKS, mobile clients, or single sign-on. In this hybrid the access token is stateless only within its few '
        + 'minutes; I would say that trade-off out loud, or keep sessions.',
      keyPoints: [
        { text: 'Revocation makes it stateful: every request reads Redis, like a session store.', terms: [['redis', 'lookup', 'stateful', 'round trip']] },
        { text: 'Server-side sessions are simpler for a browser-only app.', terms: [['session']] },
        { text: 'JWT pays off when others verify it: services, partners (public key / JWKS), mobile, SSO.', terms: [['other service', 'microservice', 'partner', 'third part', 'public key', 'jwks', 'mobile', 'sso']] },
      ],
      probes: 6,
      kind: 'probe',
    },
    {
      question: 'You moved the tokens into cookies. What does that do to CSRF, and is SameSite enough?',
      answer:
        'Cookies are attached automatically, so a forged form on another page can ride the session: CSRF is back in '
        + 'scope. SameSite helps but is defence in depth: it works per site, so a sibling subdomain still gets the '
        + 'cookies, and Lax sends them on top-level GETs. On every state-changing route I check Origin or Sec-Fetch-Site '
        + 'against our own origin, or require a CSRF token (synchronizer or signed double-submit), and no GET changes state.',
      keyPoints: [
        { text: 'Cookies are ambient, so CSRF applies.', terms: [['csrf', 'cross-site request', 'forged']] },
        { text: 'SameSite is per site and Lax allows top-level GETs: a second layer only.', terms: [['samesite', 'same-site'], ['subdomain', 'site', 'lax', 'defence in depth', 'defense in depth', 'layer']] },
        { text: 'Check Origin / Sec-Fetch-Site or use a CSRF token on writes; no state change on GET.', terms: [['origin', 'sec-fetch', 'fetch metadata', 'csrf token', 'double-submit', 'synchronizer']] },
      ],
      probes: 7,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Two tabs refresh at the same moment with the same refresh token. What happens, and would you change it?',
      answer:
        'HSETNX lets exactly one request win; the other looks like a replay, so the family is revoked and the user is '
        + 'logged out in both tabs, as the demo shows. That is safe but hostile. I would keep a short grace window '
        + '(a few seconds) in which presenting the just-rotated token returns the pair it already produced, and only '
        + 'treat it as theft after that window, or serialise refreshes in the client.',
      keyPoints: [
        { text: 'The atomic mark lets one win; the loser reads as reuse and revokes the family.', terms: [['one win', 'only one', 'exactly one', 'hsetnx', 'atomic'], ['revok', 'logged out', 'log out']] },
        { text: 'A short grace window returns the already-issued pair instead of revoking.', terms: [['grace', 'window', 'leeway'], ['same pair', 'already issued', 'previous', 'cached', 'return']] },
      ],
      probes: 3,
      kind: 'failure',
      shownBy: 'Fix',
    },
    {
      question: 'How do you rotate the signing key without logging everybody out?',
      answer:
        'Give every token a `kid` header naming its key, and let verifiers hold a small set of keys by kid. Roll in '
        + 'two phases: first publish the new key to every verifier (for asymmetric keys, add its public half to the JWKS), '
        + 'then start signing with it, and drop the old key only after the longest-lived token it signed has expired. '
        + 'Verifiers must pick the key by kid but still pin the algorithm, never trusting the token\'s `alg`.',
      keyPoints: [
        { text: 'A kid header selects the key; verifiers keep several keys.', terms: [['kid', 'key id']] },
        { text: 'Publish first, sign later, retire after the longest token lifetime.', terms: [['overlap', 'publish', 'both keys', 'old key', 'previous key', 'two phases'], ['expire', 'lifetime', 'until']] },
        { text: 'Asymmetric keys via a JWKS for other verifiers; algorithm stays pinned.', terms: [['jwks', 'public key', 'rs256', 'es256', 'asymmetric']] },
      ],
      kind: 'security',
    },
    {
      question: 'Redis goes down for ten minutes. What do users see?',
      answer:
        'Refresh cannot work at all: it must read and write Redis, so it fails closed and clients keep their current '
        + 'access token until it expires. For the deny-list check I choose explicitly: failing closed turns the outage '
        + 'into a full logout, failing open accepts revoked access tokens for at most the access lifetime (five minutes '
        + 'here). That bound is why the access token is short, and the choice belongs in the runbook and the alerts.',
      keyPoints: [
        { text: 'Refresh fails closed: no rotation without the store.', terms: [['refresh'], ['fail', 'unavailable', 'cannot', '503']] },
        { text: 'The deny-list check must choose fail open or fail closed.', terms: [['fail open', 'fail-open', 'fails open'], ['fail closed', 'fail-closed', 'fails closed']] },
        { text: 'Failing open is bounded by the short access lifetime.', terms: [['lifetime', 'minutes', 'short-lived', 'expire']] },
      ],
      kind: 'failure',
    },
    {
      question: 'A mobile app and a single-page app on another domain now need the same API. Where do their tokens live?',
      answer:
        'The mobile app is not a browser: it sends the access token in an `Authorization: Bearer` header and keeps the '
        + 'refresh token in the platform\'s secure storage (Keychain, Android Keystore), so CSRF does not apply. A '
        + 'cross-site SPA would need `SameSite=None` cookies plus real CSRF checks, or tokens in JavaScript; the safer '
        + 'pattern is a backend-for-frontend on the SPA\'s own site that holds the tokens and gives the browser only an '
        + 'HttpOnly session cookie.',
      keyPoints: [
        { text: 'Mobile: Bearer header, refresh token in Keychain/Keystore, no CSRF.', terms: [['bearer', 'authorization header'], ['keychain', 'keystore', 'secure storage']] },
        { text: 'Cross-site SPA: SameSite=None with CSRF checks, or a backend-for-frontend.', terms: [['backend-for-frontend', 'backend for frontend', 'bff', 'samesite=none', 'samesite none']] },
      ],
      kind: 'trade-off',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, cookieParser, jwt, crypto, redis, clock, accessSecret, accounts })` and resolves with the Express app. '
      + 'Sign and verify with `clock.now()` (the tool moves it forward), check passwords with `accounts.verify(email, password)`, keep server-side state in `redis`; no app.listen.',
    starter: {
      title: 'Naive: one 30-day JWT the page can read',
      lesson: 'The login handed a month-long token to page scripts (body and a readable cookie), logout only deleted the browser\'s copy, and nothing could rotate, '
        + 'expire early or revoke a token: a JWT is valid until exp, whoever holds it. The forged same-site POST went through with the cookie.',
      fails: ['tokenHiddenFromScripts', 'accessExpiresInMinutes', 'logoutRevokes', 'refreshRotates', 'reuseRevokesFamily', 'crossSiteWriteRefused', 'concurrentRefreshOneWins'],
    },
    solution: {
      title: 'Fix: short access JWT, rotating refresh token in Redis, revocable',
      lesson: 'The access token lived minutes and travelled only in an HttpOnly cookie; the refresh token was opaque, its digest in Redis, and worked once. '
        + 'Replaying a rotated one revoked the whole login, logout deny-listed the access token\'s jti for its remaining life, and writes refused a same-site forgery by its Origin. '
        + 'Two simultaneous refreshes showed the strictness: one won, the loser revoked the login, which is why production adds a short grace window.',
    },
    hints: {
      tokenHiddenFromScripts: [
        'Anything in the JSON body or in a cookie without HttpOnly is readable by a script on the page, including an injected one.',
        'Send the token only as a cookie, and give every auth cookie the HttpOnly, Secure and SameSite attributes (res.cookie options).',
      ],
      accessExpiresInMinutes: [
        'A stolen JWT is useful until its exp. How long is that here?',
        'Make the access token short-lived (minutes, expiresIn) and sign and verify it with clock.now() (iat, clockTimestamp), so the tool\'s clock decides.',
        'A short token needs a way to get the next one without a login: that is the refresh token (see refreshRotates).',
      ],
      logoutRevokes: [
        'Logout cleared the browser\'s cookie; the copy the thief took still verifies. What does the server remember about a token?',
        'Nothing, unless you store it: keep a deny-list keyed by the token\'s id (a jti claim) in Redis, checked on every request.',
        'On logout, deny the jti with a TTL equal to the token\'s remaining life (exp - now), and delete the refresh token\'s record too.',
      ],
      refreshRotates: [
        'POST /auth/refresh does not exist yet. It should trade a refresh token for a new access/refresh pair.',
        'Make the refresh token opaque (random bytes), store its SHA-256 digest in Redis with a TTL, and send it in an HttpOnly cookie with Path=/auth.',
        'On refresh, look the digest up, mark it used, issue a new pair and answer 204.',
      ],
      reuseRevokesFamily: [
        'A refresh token presented twice means two parties hold it, and you cannot tell which one is the thief.',
        'Group every refresh token of one login into a family; on a second use of any member, revoke the family and refuse its live access tokens.',
        'Mark use atomically (HSETNX on the token\'s record): the first use wins, a later one is the replay.',
      ],
      crossSiteWriteRefused: [
        'SameSite works per site: a page on a sibling subdomain is same-site, and the browser attaches your cookies to its POST.',
        'On state-changing requests, compare the Sec-Fetch-Site and Origin headers with your own origin (https://app.example.com) and answer 403 otherwise.',
      ],
      concurrentRefreshOneWins: [
        'Two requests with the same refresh token arrive at once. Can both of them pass a "not used yet" check?',
        'Only if checking and marking are two steps. One atomic Redis command decides which request used the token first.',
      ],
    },
  },
});
