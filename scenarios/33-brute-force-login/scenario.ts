// Scenario 33's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads the code files as text, and `run`/`verify` run them through
// attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 33,
  slug: 'brute-force-login',
  title: 'Protecting login from brute force',
  tags: ['security', 'auth', 'express', 'redis'],
  summary: 'Rate-limit login per IP (with trust proxy set right) and lock accounts after repeated failures.',
  question:
    'Your login endpoint answers every attempt as fast as it can. How do you stop an attacker from guessing '
    + 'passwords, including one who rotates IP addresses?',
  answer: {
    short:
      'Two layers: a rate limit per client IP on the login route (429 with Retry-After, even for the right password), '
      + 'with `trust proxy` set to the real proxy hops so a forged X-Forwarded-For cannot reset it; and a failure '
      + 'counter per account that locks or slows it across all IPs, because botnets rotate addresses. Both counters '
      + 'live in Redis so every instance shares them, and unknown e-mails get the same answer and the same work.',
    reasoning: [
      'Without limits an attacker tries a password list at network speed, and the endpoint answers each guess '
        + 'with 401 until one gets 200. The first layer is a rate limiter on the login route: express-rate-limit 8 '
        + 'with `windowMs`, `limit` (renamed from `max` in v7; `max` still works but is deprecated), `standardHeaders: \'draft-8\'` and '
        + '`legacyHeaders: false`. Past the limit it answers 429 Too Many Requests with the IETF `RateLimit` and '
        + '`RateLimit-Policy` headers and `Retry-After`, and it refuses even the right password, which is what makes '
        + 'the limit bite. `skipSuccessfulRequests: true` counts only failed logins.',
      'An IP limit is only as good as `req.ip`. Behind a load balancer the socket address is the balancer, so '
        + 'Express is told to read X-Forwarded-For through the `trust proxy` setting. Setting it to `true` trusts the '
        + 'left-most address a client wrote itself, so every forged header gets a fresh budget. Set it to the exact '
        + 'number of proxy hops (e.g. 1) or their addresses; express-rate-limit 8 validates this at runtime and '
        + 'reports ERR_ERL_PERMISSIVE_TRUST_PROXY.',
      'Even with correct IPs, botnets and residential proxies spread guesses over thousands of addresses. So the '
        + 'second layer tracks failures per account (the submitted e-mail, normalised, whether or not it exists, so '
        + 'the lock does not reveal which accounts exist) and locks it for a while after N failures, answering 423 '
        + 'Locked (or 429) with Retry-After, across all IPs, again refusing even the right password.',
      'Both counters must live in a shared store such as Redis (rate-limit-redis for express-rate-limit) when '
        + 'several instances run: in-memory counters are per process, so N instances multiply the limit by N. Keys '
        + 'need a TTL equal to the window so they clean themselves up.',
      'Do not let the login reveal which accounts exist: the same status and message for an unknown e-mail, failures '
        + 'counted for it too, and the same work, because returning before bcrypt makes unknown e-mails answer measurably '
        + 'faster. Comparing against a dummy hash costs every login one compare. Every 401 also carries '
        + '`WWW-Authenticate: Bearer realm="api"`, the challenge RFC 9110 asks of it.',
    ],
    keyPoints: [
      {
        text: 'Rate-limit the login route (express-rate-limit: windowMs, limit) and answer 429 past the limit.',
        terms: [['rate limit', 'rate-limit', 'ratelimit', 'throttl'], ['429', 'too many requests']],
        provenBy: 'Fix',
      },
      {
        text: 'Send standard RateLimit / RateLimit-Policy headers and Retry-After so clients know when to retry.',
        terms: [['retry-after', 'retry after'], ['ratelimit header', 'ratelimit-policy', 'standardheaders', 'draft-8', 'draft-7']],
        provenBy: 'Fix',
      },
      {
        text: 'Configure trust proxy to the real proxy hops; `true` lets a forged X-Forwarded-For bypass IP limits.',
        terms: [['trust proxy'], ['x-forwarded-for', 'xff', 'spoof', 'forged']],
        provenBy: 'The trust-proxy trap',
      },
      {
        text: 'Track failed attempts per account and lock it temporarily, independent of IP (423/429).',
        terms: [['per account', 'per-account', 'per user', 'per-user', 'account lock', 'lockout', 'failed attempt'],
          ['per ip', 'ip address', 'any ip', 'across ip', 'distributed', 'botnet']],
        provenBy: 'Fix',
      },
      {
        text: 'Keep counters in a shared store (Redis, rate-limit-redis) when several instances run.',
        terms: [['redis', 'shared store', 'rate-limit-redis']],
        provenBy: 'Fix',
      },
      {
        text: 'Add CAPTCHA or progressive backoff after repeated failures instead of hard locks alone.',
        terms: [['captcha', 'backoff', 'exponential', 'delay']],
      },
      {
        text: 'No account enumeration: the same answer and the same bcrypt work for unknown e-mails (a dummy hash).',
        terms: [['enumerat', 'unknown e-mail', 'unknown email', 'exist'], ['dummy', 'same answer', 'same response', 'timing', 'constant']],
        provenBy: 'Fix',
      },
    ],
    seniorNotes: [
      'A hard account lock is itself a denial-of-service lever: anyone can lock out a victim by failing on purpose. '
        + 'Prefer escalating measures: progressive backoff (1 s, 2 s, 4 s… per account), then a CAPTCHA challenge '
        + 'after a few failures, and a short lock only as the last step; notify the user and offer a reset link.',
      'IPv6 and shared addresses: one home or cloud host gets a whole /64, so express-rate-limit 8 keys IPv6 clients '
        + 'by subnet (`ipv6Subnet`, /56 by default, as the demo checks). The opposite problem is carrier-grade NAT and '
        + 'office networks, where hundreds of honest users share one IPv4 address: keep the per-IP limit generous and let '
        + 'the per-account layer do the precise work.',
      'The account lock here expires ten minutes after the FIRST failure (SET NX EX, then INCR), not ten minutes after '
        + 'locking. Say which you mean; to lock from the moment of locking, EXPIRE the key again when the count reaches '
        + 'the threshold.',
      'Credential stuffing tries one password per account across millions of accounts: per-account limits do not '
        + 'see it. Global failure-rate monitoring, breached-password checks and MFA are the answers there.',
      'Run both limiters against Redis (rate-limit-redis) with keys that expire with the window; decide whether the '
        + 'login should fail open or closed when Redis is down (express-rate-limit: passOnStoreError).',
      'Set trust proxy from the real topology (hop count or the load balancer\'s CIDR), and keep '
        + 'express-rate-limit\'s validations on; disable a single check only where you did it deliberately, as the '
        + 'botnet emulation in this demo does.',
      'Validate the body\'s types (zod) or enable `mongoose.set(\'sanitizeFilter\', true)`: `{ "email": { "$ne": null } }` '
        + 'is a query operator, not an address. Passed to findOne({ email }) it matches the first user; in the lock code, '
        + 'email.toLowerCase() would throw and turn the request into a 500. The demo answers it with 400.',
      '423 Locked comes from WebDAV (RFC 4918); many APIs answer 429 for both the IP limit and the account lock, so '
        + 'clients have a single retry path driven by Retry-After.',
      'Check-then-increment on the account counter has a small race (parallel guesses can overshoot by a few); an '
        + 'atomic INCR first and a decision on its result, or a Lua script, closes it.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt: 'With express-rate-limit (limit 5) on /login, what does the 6th wrong attempt from one IP get?',
        options: [
          { text: '401 Unauthorized', correct: false, explanation: 'The limiter answers before the handler runs, so no credential check happens.' },
          { text: '429 Too Many Requests with Retry-After', correct: true, explanation: 'The demo shows 429 with RateLimit (r=0), RateLimit-Policy and Retry-After.' },
          { text: '403 Forbidden', correct: false, explanation: '403 means authenticated but not allowed; rate limiting uses 429.' },
          { text: '503 Service Unavailable', correct: false, explanation: '503 describes the server being unable to serve, not the client exceeding a limit.' },
        ],
      },
      {
        prompt: 'Why does `app.set(\'trust proxy\', true)` break IP rate limiting?',
        options: [
          {
            text: 'req.ip comes from a header the client writes, so each forged value is a new budget.',
            correct: true,
            explanation: 'With true, Express takes the left-most X-Forwarded-For address. In the trust-proxy trap, seven guesses with seven forged headers all got 401 and no 429; express-rate-limit warned ERR_ERL_PERMISSIVE_TRUST_PROXY.',
          },
          {
            text: 'express-rate-limit skips every request that arrives through a proxy it was told to trust.',
            correct: false,
            explanation: 'The limiter still runs (and warns, ERR_ERL_PERMISSIVE_TRUST_PROXY); it is just counting per forged address.',
          },
          {
            text: 'req.ip becomes the load balancer\'s address, so all users share one budget.',
            correct: false,
            explanation: 'That is the problem of NOT trusting a real proxy: everyone shares one budget.',
          },
        ],
      },
      {
        prompt: 'An attacker uses a botnet with thousands of real IPs against one account. What stops them?',
        options: [
          { text: 'A per-IP limit of one guess per minute instead of five per ten minutes.', correct: false, explanation: 'Each IP stays under any per-IP limit; a stricter one mostly hurts users behind shared addresses.' },
          {
            text: 'Counting failures per account, with backoff or a lock.',
            correct: true,
            explanation: 'The demo\'s lock triggers after 5 failures across 7 different addresses and refuses even the right password. CAPTCHA and progressive backoff soften it.',
          },
          { text: 'Setting trust proxy to false, so forwarded addresses are ignored.', correct: false, explanation: 'That only stops forged headers; real distinct IPs remain distinct.' },
        ],
      },
      {
        prompt: 'Three app instances each use express-rate-limit\'s default MemoryStore with limit 5. How many guesses per window can an attacker make?',
        options: [
          { text: '5: the load balancer shares the counters', correct: false, explanation: 'Only with a shared store; each memory store counts on its own.' },
          { text: 'Up to 15', correct: true, explanation: 'Each process counts on its own and allows 5. In the demo, two instances with one Redis store let 5 of 12 alternating guesses through.' },
          { text: 'Unlimited: counters reset on every hop', correct: false, explanation: 'Each instance still enforces its own limit.' },
        ],
      },
      {
        prompt: 'While the account is locked, the attacker finally sends the right password. What should the API answer?',
        options: [
          { text: '200: a correct password proves the caller is the owner, so it should lift the lock.', correct: false, explanation: 'That would tell the attacker the guess was right, making the lock useless.' },
          { text: 'The lock answer: 423 or 429 with Retry-After.', correct: true, explanation: 'The decision comes before the password check, so the right password learns nothing.' },
          { text: '401, exactly as for any wrong password, so the lock stays hidden.', correct: false, explanation: 'A 401 would tell a real user their correct password is wrong and hide the lock; answer with the lock status so they know to wait or reset, and so the attacker learns nothing either way.' },
        ],
      },
      {
        prompt: 'Login answers 401 for both unknown e-mails and wrong passwords, with the same message. How can an attacker still tell which e-mails have accounts?',
        options: [
          { text: 'Unknown e-mails skip bcrypt, so they answer faster.', correct: true, explanation: 'A timing oracle: the demo counts 0 bcrypt compares for an unknown e-mail and 1 for a known one, then fixes it with a dummy hash.' },
          { text: 'They cannot: identical status codes and bodies hide everything an attacker can see.', correct: false, explanation: 'Latency is observable too, and so is a lock that only ever triggers for real accounts.' },
          { text: 'MongoDB adds a header naming the collection when findOne matches a document.', correct: false, explanation: 'The database never talks to the HTTP client; the app decides every header.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'The attacker has a botnet of ten thousand residential IPs. What does your per-IP limit do now?',
      answer:
        'Almost nothing: each address stays under the limit. The per-account layer is what holds, counting failures per '
        + 'normalised e-mail in Redis regardless of the source address, as the demo shows across 7 addresses. I pair it '
        + 'with progressive backoff or a CAPTCHA rather than only a hard lock, and watch the global failure rate to see '
        + 'the attack as a whole.',
      keyPoints: [
        { text: 'Per-IP limits miss distributed attacks.', terms: [['botnet', 'distributed', 'many ip', 'each ip', 'per-ip', 'per ip']] },
        { text: 'Count failures per account across all IPs.', terms: [['per account', 'per-account', 'per user', 'account']] },
        { text: 'Backoff or CAPTCHA; global failure-rate monitoring.', terms: [['backoff', 'captcha', 'delay', 'monitor', 'alert']] },
      ],
      probes: 3,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'You run the app behind one load balancer. How do you set trust proxy, and what goes wrong with true?',
      answer:
        'Set it to the number of proxies I run (1) or their addresses, so req.ip is the address the balancer saw. With '
        + '`true` Express takes the left-most X-Forwarded-For entry, which the client writes itself: every forged value '
        + 'is a fresh rate-limit budget, as the trust-proxy trap shows. express-rate-limit 8 warns '
        + 'about it (ERR_ERL_PERMISSIVE_TRUST_PROXY); keep those validations on.',
      keyPoints: [
        { text: 'Trust exactly the hops you run (hop count or addresses).', terms: [['trust proxy'], ['1', 'hop', 'cidr', 'address of the']] },
        { text: 'true trusts a client-written X-Forwarded-For: forged addresses bypass the limit.', terms: [['x-forwarded-for', 'xff', 'forged', 'spoof']] },
      ],
      probes: 2,
      kind: 'probe',
      shownBy: 'The trust-proxy trap',
    },
    {
      question: 'Anyone can lock any account by failing five times on purpose. How do you stop the lock from becoming a denial of service?',
      answer:
        'Escalate instead of slamming the door: after a few failures add a growing delay per account, then a CAPTCHA, '
        + 'and only then a short lock, with an e-mail to the owner and a reset link that still works. Requests from a '
        + 'device or IP that has logged in successfully before can get a separate, larger budget, so a victim is not '
        + 'locked out by a stranger. MFA makes a guessed password far less useful in the first place.',
      keyPoints: [
        { text: 'Progressive backoff and CAPTCHA before a hard lock.', terms: [['backoff', 'delay', 'captcha', 'progressive']] },
        { text: 'Known devices/IPs keep their own budget; notify the owner; reset still works.', terms: [['known device', 'trusted device', 'device', 'notify', 'e-mail', 'email', 'reset']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'How do attackers learn which e-mails have accounts at all, and how does your login avoid telling them?',
      answer:
        'Through any difference: a different message, a lock that only triggers for real accounts, or timing, because '
        + 'a login that returns before bcrypt answers unknown e-mails faster. I answer both cases with the same 401 and '
        + 'body, count failures for unknown e-mails too, and compare against a dummy hash so every login costs one '
        + 'bcrypt compare; the demo counts the compares before and after. Sign-up and password reset need the same care.',
      keyPoints: [
        { text: 'Same status and body; failures counted for unknown e-mails.', terms: [['same', 'identical'], ['unknown', 'not exist', 'enumerat']] },
        { text: 'Timing: a dummy bcrypt compare for unknown e-mails.', terms: [['timing', 'faster', 'latency'], ['dummy', 'fake hash', 'always compare']] },
      ],
      probes: 6,
      kind: 'security',
      shownBy: 'Naive',
    },
    {
      question: 'Credential stuffing: one password per account across a million accounts, from many IPs. Which of your layers sees it?',
      answer:
        'Neither, really: each account sees one failure and each IP a handful. What works is global: monitor the '
        + 'failure rate and the share of logins from known-breached credentials, check passwords against breach lists at '
        + 'sign-up and login (k-anonymity APIs such as Have I Been Pwned), offer or require MFA, and add bot detection '
        + 'or a CAPTCHA when the global failure rate spikes.',
      keyPoints: [
        { text: 'Per-account and per-IP limits miss low-and-slow stuffing.', terms: [['stuffing', 'one attempt', 'one password', 'low and slow']] },
        { text: 'Global failure-rate monitoring, breached-password checks, MFA.', terms: [['global', 'monitor', 'breach', 'pwned', 'mfa', 'two-factor', '2fa']] },
      ],
      kind: 'scale',
    },
    {
      question: 'Redis is down. Does login fail open or closed?',
      answer:
        'It is a decision, not an accident. express-rate-limit passes requests through when the store errors only with '
        + '`passOnStoreError: true`; by default the error reaches Express and the login fails. Failing closed stops every '
        + 'login during the outage; failing open removes brute-force protection for its duration. Many teams fail open '
        + 'for the IP limiter but keep a small in-process fallback limit and alert loudly, since the outage is short and '
        + 'the account lock is also gone.',
      keyPoints: [
        { text: 'Choose fail open or closed explicitly (passOnStoreError).', terms: [['fail open', 'fail-open', 'fail closed', 'fail-closed', 'passonstoreerror']] },
        { text: 'A local fallback limit and an alert bound the risk.', terms: [['fallback', 'in-memory', 'local', 'alert']] },
      ],
      kind: 'failure',
    },
  ],
  exercise: {
    shape: 'Your file exports `async function createApp({ express, mongoose, db, bcrypt, rateLimit, RedisStore, redis })` and resolves with the Express app (no app.listen). '
      + 'It may be called twice (two instances on one database and one Redis), so reuse `db.models.User` when it exists. The app sits behind exactly one load balancer, '
      + 'which appends the client\'s address to X-Forwarded-For; `rateLimit` is express-rate-limit 8 and `RedisStore` a Redis store for it.',
    starter: {
      title: 'Naive: unlimited guesses',
      lesson: 'Every guess got an answer at network speed, from one address, from a botnet, alternating between instances, and the right password got in at the end. '
        + 'An unknown e-mail cost no bcrypt work at all, so its faster answer told the attacker which accounts exist.',
      fails: ['ipLimited', 'forgedXffIgnored', 'accountLocked', 'sharedAcrossInstances', 'sameWorkForUnknownEmail'],
    },
    traps: [
      {
        file: 'traps/trust-proxy-true.js',
        title: 'The trust-proxy trap: app.set(\'trust proxy\', true)',
        lesson: 'Every layer is there, but with `true` Express takes the left-most X-Forwarded-For entry, the one the client writes: each forged value was a fresh budget, '
          + 'and express-rate-limit said so (ERR_ERL_PERMISSIVE_TRUST_PROXY). Trust exactly the hops you run: 1 here.',
        fails: ['forgedXffIgnored'],
      },
    ],
    solution: {
      title: 'Fix: IP limit behind one trusted hop, account lock, shared counters',
      lesson: 'Five guesses per address, then 429 with Retry-After and the RateLimit headers, forged headers or not; five failures per account from any number of addresses, then a lock; '
        + 'one budget across both instances because the counters live in Redis; and one bcrypt compare per login whether the account exists or not.',
    },
    hints: {
      ipLimited: [
        'Nothing counts the guesses. Which middleware limits requests per client over a window?',
        'express-rate-limit (deps.rateLimit) on POST /login: windowMs, limit: 5, standardHeaders: \'draft-8\', legacyHeaders: false.',
        'Count only failures (skipSuccessfulRequests) so a user who logs in is not limited.',
      ],
      forgedXffIgnored: [
        'Behind a load balancer the socket address is the balancer\'s. Where does Express get the client\'s address, and whom does it trust?',
        'The trust proxy setting: trust exactly the number of proxies you run (one here), never every hop.',
      ],
      accountLocked: [
        'A botnet sends each guess from another address, so no per-address limit ever fills. What do all its guesses have in common?',
        'Count failures per account (the normalised e-mail) in Redis with a TTL, whatever the address, and refuse with 423 or 429 and Retry-After after five.',
        'Check the count before the password, so the right password is refused too while locked.',
      ],
      sharedAcrossInstances: [
        'Each instance counted in its own memory: two instances, twice the budget.',
        'Give the limiter a store in Redis (deps.RedisStore with deps.redis), so every instance reads one counter.',
      ],
      sameWorkForUnknownEmail: [
        'For an unknown e-mail the handler answers before bcrypt: a faster answer that tells the attacker the account does not exist.',
        'Compare against a fixed dummy hash when no user is found, so every login costs one compare.',
      ],
    },
  },
});
