// Scenario 34's metadata: the question, the answer, the quiz, the follow-up ladder and the exercise.
// No code here: `show` reads the code files as text, and `run`/`verify` run them through
// attack.ts. This file imports only the contract, so `list` and `show` stay light.
import { defineExercise } from '../../src/scenario/contract.js';

export const scenario = defineExercise({
  id: 34,
  slug: 'environment-config',
  title: 'Environment-specific configuration',
  tags: ['config', 'security', 'reliability'],
  summary: 'Layered .env files, real environment first, validated at startup, secrets redacted and never committed.',
  question:
    'Your Node.js service runs in development, staging and production. How do you manage its configuration per '
    + 'environment, make sure a bad deploy cannot start with a wrong or missing setting, and keep secrets out of the '
    + 'repository and the logs?',
  answer: {
    short:
      'The same build runs everywhere and configuration comes from the environment: .env files only give local and '
      + 'non-secret defaults, ordered specific before generic, and the real environment always wins (no `override`). One '
      + 'module validates everything at startup with a schema and exits listing every problem, instead of `|| default` '
      + 'fallbacks; secrets come from a secret manager, stay out of git and are redacted in logs.',
    reasoning: [
      'Configuration comes from the environment (twelve-factor): the same build runs everywhere and only variables change. '
        + '.env files are a convenience for local development and for non-secret per-environment defaults; the real '
        + 'environment set by the platform (container, orchestrator, CI) must always win over them. With dotenv that is the '
        + 'default behaviour: it never replaces a variable that already exists, and with several paths the first file that '
        + 'sets a key wins, so the order is [.env.<NODE_ENV>, .env] — specific before generic. NODE_ENV itself has to come '
        + 'from the real environment, because it decides which file to read.',
      'override: true is the classic trap: it makes the last file win and lets file values replace variables that were '
        + 'already set, so the port or database URL the platform injected is silently overwritten by a file baked into the '
        + 'image. Node\'s own --env-file has the opposite file order (a later file overrides an earlier one) but the same '
        + 'rule that the real environment wins.',
      'Reading process.env all over the code with `|| default` fallbacks hides mistakes: a typo in a variable name, or a '
        + 'variable the deploy forgot, silently becomes a development default — a local database or a well-known JWT secret '
        + 'in production — and the failure shows up much later, far from its cause. Instead, one module reads the '
        + 'environment once, validates it against a schema (zod, envalid, or similar), coerces types (PORT is a string in '
        + 'process.env), and exits with a non-zero code and a list of every missing or invalid variable before the server '
        + 'listens. The rest of the code imports a typed, frozen config object.',
      'Secrets never enter the repository: .env and .env.* are git-ignored, a committed .env.example documents every '
        + 'variable without values. In production, secrets come from a secret manager or the orchestrator\'s secret store, '
        + 'injected as environment variables or mounted files at deploy time. Logs show the configuration with secrets '
        + 'redacted (keep the host of a database URI, drop the password), and validation messages name the variable, '
        + 'never echo its value.',
    ],
    keyPoints: [
      {
        text: 'The real environment wins over .env files; environment-specific files win over the generic .env.',
        terms: [['real environment', 'environment variables win', 'takes precedence', 'precedence', 'platform', 'already set',
          'not overrid'], ['.env.production', 'environment-specific', '.env.<', 'per environment']],
        provenBy: 'Fix',
      },
      {
        text: 'dotenv: first value wins without override; override: true lets files replace real variables (and the last file win).',
        terms: [['override'], ['first', 'last', 'order']],
        provenBy: 'The override trap',
      },
      {
        text: 'Validate the whole configuration once at startup with a schema and exit non-zero listing every problem (fail fast).',
        terms: [['validate', 'schema', 'zod', 'envalid'], ['fail fast', 'exit', 'startup', 'refuse to start']],
        provenBy: 'Fix',
      },
      {
        text: 'No silent `|| default` for required settings: a missing DB URI or secret must stop the process, not fall back.',
        terms: [['|| ', 'fallback', 'silent default'], ['missing', 'required', 'misspel', 'typo']],
        provenBy: 'Naive',
      },
      {
        text: 'Secrets stay out of git (.gitignore, .env.example committed) and come from a secret manager in production.',
        terms: [['.gitignore', 'git-ignored', 'ignored', 'out of version control'], ['secret manager', 'vault', 'secrets manager', 'kubernetes secret', '.env.example']],
      },
      {
        text: 'Logs redact secrets (tokens, passwords inside connection strings).',
        terms: [['redact', 'mask', '***', 'never log']],
        provenBy: 'Fix',
      },
    ],
    seniorNotes: [
      'Node 20.6+ loads env files itself: `node --env-file=.env --env-file-if-exists=.env.production` (the -if-exists '
        + 'variant needs Node 22.9+ or 20.19+; both flags were '
        + 'experimental for a long time). Later files override earlier ones and the real environment still wins, '
        + 'so for simple services dotenv is no longer necessary.',
      'Staging should run with NODE_ENV=production: Express caches views and hides stack traces under it, and '
        + '`npm ci --omit=dev` installs what production installs, so staging tests what ships. Name the deployment '
        + 'separately (APP_ENV=staging) and pick env files and settings by APP_ENV, not by inventing NODE_ENV=staging, '
        + 'which the schema here rejects.',
      'Production secrets belong in a secret manager (AWS Secrets Manager, GCP Secret Manager, HashiCorp Vault, Doppler) '
        + 'or Kubernetes Secrets, injected at deploy time, scoped per service, rotated without a rebuild, with access audited. '
        + 'Not in images, not in CI logs, not in .env files shipped with the code.',
      'If a .env was ever committed, adding it to .gitignore does not remove it: `git rm --cached .env` stops tracking it, '
        + 'but the secret stays in history and every clone — rotate it. Secret scanning (gitleaks, GitHub push protection) '
        + 'in CI catches the next one before it lands.',
      'Redaction belongs in the logger, not in each call site: pino\'s `redact` paths or a serializer, plus a config object '
        + 'whose secrets are marked, so a `logger.info(config)` or an error dump of process.env cannot leak them. Crash '
        + 'reporters and APM agents capture environment variables too; configure their scrubbing.',
      'Environment variables are not a vault: every child process inherits them, and crash dumps, `/proc/<pid>/environ` '
        + 'and APM agents can capture them. The stricter option is secrets mounted as files (Docker and Kubernetes '
        + 'secrets), read once at startup through the `*_FILE` convention (JWT_SECRET_FILE=/run/secrets/jwt), so '
        + 'nothing sensitive sits in the environment at all.',
      'Validate at startup but also keep the schema as the single source of truth: the TypeScript type of the config '
        + '(z.infer), .env.example and the deploy manifests can be checked against it in CI, so a new required variable '
        + 'fails the pipeline, not the first production start. Prefer explicit variables (LOG_LEVEL, CACHE_TTL_S) over '
        + 'branching on NODE_ENV throughout the code.',
    ],
  },
  quiz: {
    choices: [
      {
        prompt:
          'The platform sets PORT=9090. The app calls dotenv.config({ path: [\'.env.production\', \'.env\'] }); '
          + '.env.production has PORT=8080 and .env has PORT=3000. Which port does the app see?',
        options: [
          { text: '9090', correct: true, explanation: 'Without override, dotenv never replaces a variable that already exists in the real environment.' },
          { text: '8080', correct: false, explanation: '.env.production would win only if PORT were not set yet: it is the first file listed, and the first value set wins.' },
          { text: '3000', correct: false, explanation: 'The generic .env is listed last; without override its values only fill keys nobody set before.' },
          { text: 'It depends on which of the two files was modified most recently', correct: false, explanation: 'dotenv does not look at file times: the order of the path array and the override flag decide.' },
        ],
      },
      {
        prompt: 'What does adding override: true to that same call change?',
        options: [
          { text: 'Nothing: real environment variables always take precedence over any file', correct: false, explanation: 'That is true only without override; with it, file values replace existing variables.' },
          { text: 'PORT becomes 3000: the last file wins, over the platform too', correct: true, explanation: 'With override the last value set wins (.env is last) and it is written over process.env — the platform\'s 9090 is lost.' },
          { text: 'PORT becomes 8080: the specific file now beats the platform\'s value', correct: false, explanation: 'Override does let files beat the platform, but it also makes the LAST file win, and .env is listed last.' },
          { text: 'dotenv throws, because two files set different values for PORT', correct: false, explanation: 'Conflicting keys are normal; dotenv resolves them by order and the override flag.' },
        ],
      },
      {
        prompt: 'Why is `const mongoUri = process.env.MONGODB_URI || \'mongodb://localhost/dev\'` dangerous in production code?',
        options: [
          { text: 'Reading process.env on every call is slow, so it belongs in a cached config object', correct: false, explanation: 'Reading process.env is cheap enough; the problem is correctness, not speed.' },
          { text: 'A missing or misspelled variable silently starts production on the dev database', correct: true, explanation: 'The process starts "fine" against the wrong database; the cause surfaces later, as missing data or errors far from the deploy. The demo\'s naive deploy does exactly that.' },
          { text: 'It is harmless once dotenv runs, because dotenv always sets MONGODB_URI from some file', correct: false, explanation: 'dotenv only fills process.env from files that exist and set the key; if none does, the fallback is used.' },
        ],
      },
      {
        prompt: 'A teammate committed .env with a live API key last month. What is the right response?',
        options: [
          { text: 'Add .env to .gitignore, which removes the tracked file from the repository', correct: false, explanation: '.gitignore only affects untracked files; a tracked file stays tracked and the key stays in history.' },
          { text: 'Delete the file in a new commit and force-push so nobody can see it any more', correct: false, explanation: 'Every existing clone and fork still has the history, and so may caches and CI logs.' },
          { text: 'Rotate the key, then untrack and ignore the file', correct: true, explanation: 'The leaked key must be treated as compromised; git rm --cached plus .gitignore and secret scanning prevent the next leak.' },
          { text: 'Make the repository private; only the team can read its history then', correct: false, explanation: 'Everyone who cloned it still has the key, and private repositories leak too.' },
        ],
      },
      {
        prompt: 'The config schema rejects PORT=eighty. What should the process do?',
        options: [
          { text: 'Log a warning and fall back to 3000, so the service stays available', correct: false, explanation: 'That is the silent fallback again: the service listens somewhere nobody routes traffic to.' },
          { text: 'Exit non-zero before listening, listing every invalid variable', correct: true, explanation: 'Failing fast makes the deploy fail visibly (crash loop, failed health check) with the full list of what to fix.' },
          { text: 'Exit at the first invalid variable and print its rejected value for the operator', correct: false, explanation: 'List every problem at once, and name the variable and the rule, never the value: the invalid one may be a secret.' },
        ],
      },
    ],
  },
  followUps: [
    {
      question: 'The platform sets PORT, a .env.production file sets it too, and so does .env. Which one wins, and why that order?',
      answer:
        'The real environment wins, then the environment-specific file, then the generic .env. With dotenv that is the '
        + 'default: it never replaces a variable that already exists, and with a path array the first file to set a key '
        + 'wins, so list `.env.${NODE_ENV}` before `.env`. `override: true` would reverse both rules, letting a file baked '
        + 'into the image replace what the platform injected; the demo shows it turning 9090 into 8080.',
      keyPoints: [
        { text: 'The real environment wins over any file.', terms: [['real environment', 'platform', 'already set', 'process.env wins', 'environment wins']] },
        { text: 'Specific file before generic; override: true reverses it.', terms: [['override'], ['first', 'order', 'specific']] },
      ],
      probes: 0,
      kind: 'probe',
      shownBy: 'Fix',
    },
    {
      question: 'Someone argues that `|| \'mongodb://localhost/dev\'` keeps the service up. What is your answer?',
      answer:
        'It keeps the process up while pointing it at the wrong thing: a misspelled MONGO_URI in production quietly '
        + 'connects to a development default, or a well-known JWT secret signs real tokens, and the failure appears far '
        + 'from its cause. Required settings must have no fallback; the config module validates them once and exits '
        + 'before listening, so the deploy fails visibly with a list of every problem.',
      keyPoints: [
        { text: 'Fallbacks turn a missing or misspelled variable into a silent wrong setting.', terms: [['silent', 'wrong database', 'dev database', 'development', 'misspel', 'typo']] },
        { text: 'Validate at startup and exit listing every problem.', terms: [['validat', 'schema', 'zod'], ['exit', 'fail fast', 'refuse']] },
      ],
      probes: 3,
      kind: 'probe',
      shownBy: 'Naive',
    },
    {
      question: 'Staging should behave like production but talk to other services. Do you set NODE_ENV=staging?',
      answer:
        'No. NODE_ENV is a switch libraries read: Express, React builds and many packages only optimise or hide stack '
        + 'traces for `production`, so staging should run with NODE_ENV=production and test what ships. The deployment '
        + 'gets its own name (APP_ENV=staging) that picks files and settings, and the code branches on explicit settings '
        + '(LOG_LEVEL, feature flags) rather than on the environment name.',
      keyPoints: [
        { text: 'NODE_ENV=production in staging, because libraries key on it.', terms: [['node_env=production', 'node_env production', 'production mode']] },
        { text: 'A separate variable names the deployment; branch on explicit settings.', terms: [['app_env', 'deploy_env', 'separate variable', 'explicit']] },
      ],
      kind: 'trade-off',
    },
    {
      question: 'Are environment variables a safe place for secrets at all?',
      answer:
        'Better than the repository, but not a vault: every child process inherits them, and crash dumps, `/proc/<pid>/environ`, '
        + 'debug endpoints and APM agents can capture them. The stricter setup mounts secrets as files from the '
        + 'orchestrator (Docker or Kubernetes secrets) or fetches them from a secret manager at startup, read once '
        + 'through a `*_FILE` variable, with rotation and audited access, and scrubbing configured in every log and '
        + 'crash reporter.',
      keyPoints: [
        { text: 'Env vars leak to children, dumps and agents.', terms: [['child process', 'inherit', 'crash dump', 'core dump', 'environ', 'apm']] },
        { text: 'Mounted secret files or a secret manager; rotation and audit.', terms: [['_file', 'mounted', 'secret file', 'secret manager', 'vault', 'kubernetes secret', 'docker secret']] },
      ],
      kind: 'security',
    },
    {
      question: 'Product wants to change a rate limit or switch a feature on without redeploying. Where does that setting live?',
      answer:
        'Not in startup configuration, which is read once and frozen. Settings that change at run time belong in a '
        + 'feature-flag or dynamic-config service (or a collection the app polls or watches with a change stream), with '
        + 'safe defaults when it is unreachable, validation of every update, and an audit trail of who changed what. Keep '
        + 'secrets and connection strings out of it: those stay deploy-time configuration.',
      keyPoints: [
        { text: 'Startup config is frozen; runtime settings need a flag or dynamic-config service.', terms: [['feature flag', 'feature-flag', 'dynamic config', 'remote config', 'launchdarkly', 'unleash', 'change stream']] },
        { text: 'Safe defaults, validated updates, audit trail.', terms: [['default', 'fallback'], ['audit', 'validat']] },
      ],
      kind: 'scale',
    },
  ],
  exercise: {
    shape: 'Your file exports `loadConfig({ processEnv, dotenv, z, dir })`, which reads the environment once and returns the configuration '
      + '(NODE_ENV, PORT, MONGODB_URI, JWT_SECRET, LOG_LEVEL, CACHE_TTL_S) or throws naming every invalid variable, and '
      + '`async function createApp({ express, config, log })`, which logs its startup line through `log` and resolves with the Express app (no app.listen).',
    starter: {
      title: 'Naive: process.env with || fallbacks',
      lesson: 'The broken deploy started anyway, on the development database and port 3000; only .env was read, so production ran at debug level; '
        + 'and the startup line printed the JWT secret and the database password for anyone with access to the logs.',
      fails: ['failsFast', 'envSpecificWins', 'secretsRedacted', 'configFrozen'],
    },
    traps: [
      {
        file: 'traps/override-true.js',
        title: 'The override trap: dotenv with override: true',
        lesson: 'Validated and redacted, but override: true made the last file win and let it replace what the platform set: the service came up on 8080, '
          + 'not the 9090 the platform routes to, and on the local database from .env instead of the one the platform injected. '
          + 'Without override, dotenv never replaces an existing variable and the first file listed wins.',
        fails: ['realEnvWins'],
      },
    ],
    solution: {
      title: 'Fix: layered files under the real environment, validated, redacted',
      lesson: 'The broken deploy was refused with all three problems named and no value echoed. The good one took PORT from the platform as a number, LOG_LEVEL from .env.production, '
        + 'CACHE_TTL_S from .env, and logged its configuration with the secret and the password redacted.',
    },
    hints: {
      failsFast: [
        'The misspelled MONGO_URI and PORT=eighty became working defaults. Which of these settings may have a default at all?',
        'Validate the environment once with a schema (deps.z: z.object, z.coerce.number for PORT, a minimum length for JWT_SECRET) and throw when it fails.',
        'Collect every issue (safeParse, error.issues) and name the path and the rule in the message, never the value.',
      ],
      envSpecificWins: [
        'Production has its own file, .env.production. Is it ever read?',
        'dotenv.config accepts a list of paths; without override the first file to set a key wins, so list the specific file before the generic one.',
      ],
      secretsRedacted: [
        'The startup line is the whole configuration, secrets included.',
        'Log a copy with JWT_SECRET replaced and the password inside MONGODB_URI masked, keeping the host so the line still helps.',
      ],
      configFrozen: [
        'Any module can assign config.PORT = 1 at run time. Who should be able to change settings after start-up?',
        'Return Object.freeze(...) of the validated settings.',
      ],
      realEnvWins: [
        'The platform set PORT and MONGODB_URI, yet the files decided both. Which dotenv option lets files replace existing variables?',
        'Drop override: true; then dotenv never touches a variable that exists, and the first file listed wins.',
      ],
    },
  },
});
