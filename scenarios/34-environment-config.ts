import { defineScenario } from '../src/scenario/contract.js';
import type { DemoContext } from '../src/runtime/context.js';

// Every child process gets at most this long; a healthy one takes a few hundred milliseconds.
const CHILD_TIMEOUT_MS = 10_000;

const naiveConfigCode = `// config.js: process.env everywhere, holes patched
import 'dotenv/config';

export const config = {
  env: process.env.NODE_ENV || 'development',
  port: Number(process.env.PORT) || 3000,
  mongoUri: process.env.MONGODB_URI
    || 'mongodb://127.0.0.1:27017/shop_dev',
  jwtSecret: process.env.JWT_SECRET || 'change-me',
};
console.log('starting with', JSON.stringify(config));`;

const loadOrderCode = `// dotenv 17 without override: the FIRST value set
// wins, and a variable that already exists in the
// real environment is never replaced
const env = process.env.NODE_ENV ?? 'development';
dotenv.config({
  path: [\`.env.\${env}\`, '.env'], // specific first
  quiet: true,          // dotenv 17 logs otherwise
});
// override: true flips both rules: the LAST file
// wins, and files beat the real environment`;

const fixedConfigCode = `// config.js: read once, validate, freeze
import dotenv from 'dotenv';
import { z } from 'zod';

const env = process.env.NODE_ENV ?? 'development';
dotenv.config({ path: [\`.env.\${env}\`, '.env'],
  quiet: true });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test',
    'production']),
  PORT: z.coerce.number().int().min(1).max(65535),
  MONGODB_URI: z.string()
    .regex(/^mongodb(\\+srv)?:\\/\\/\\S+$/,
      'must be a mongodb:// URI'),
  JWT_SECRET: z.string()
    .min(32, 'must be at least 32 characters'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'])
    .default('info'),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  console.error('Invalid configuration:');
  for (const { path, message } of parsed.error.issues)
    console.error(\`  - \${path.join('.')}: \${message}\`);
  process.exit(1);   // before listening or connecting
}
export const config = Object.freeze(parsed.data);

// what may be logged: secrets out, the rest kept
export function redactedConfig(c = config) {
  return {
    ...c,
    JWT_SECRET: '[redacted]',
    MONGODB_URI: c.MONGODB_URI.replace(
      /\\/\\/([^:/@]+):[^@]*@/, '//$1:[redacted]@'),
  };
}`;

const gitignoreCode = `# .gitignore
.env
.env.*
!.env.example`;

const envExampleCode = `# .env.example: committed; names only, no values
NODE_ENV=development
PORT=3000
MONGODB_URI=
JWT_SECRET=
LOG_LEVEL=info`;

const nodeEnvFileCode = `# No library. --env-file: Node 20.6+;
# --env-file-if-exists: Node 22.9+ or 20.19+.
# A later file wins over an earlier one, the real
# environment wins over both.
node --env-file=.env \\
  --env-file-if-exists=.env.production server.js`;

/** What a child printed as its startup line, or null when it printed none. */
function parseStartupLine(stdout: string): Record<string, unknown> | null {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    } catch {
      // not a JSON line; keep looking
    }
  }
  return null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function asJsonText(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** The generated programs the children run. They live in the temporary directory but import
 * dotenv and zod by absolute URL from this package's node_modules, so no install is needed there. */
function childPrograms(urls: { dotenv: string; zod: string }): Record<string, string> {
  const dotenv = JSON.stringify(urls.dotenv);
  const zod = JSON.stringify(urls.zod);
  return {
    'naive-server.mjs': `import dotenv from ${dotenv};
dotenv.config({ quiet: true });
const config = {
  env: process.env.NODE_ENV || 'development',
  port: Number(process.env.PORT) || 3000,
  mongoUri: process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017/shop_dev',
  jwtSecret: process.env.JWT_SECRET || 'change-me',
};
console.log(JSON.stringify({ event: 'started', config }));
`,
    'which-wins.mjs': `import dotenv from ${dotenv};
const keys = ['PORT', 'LOG_LEVEL', 'CACHE_TTL_S'];
const environment = process.env.NODE_ENV ?? 'development';
// each strategy populates its own copy of the real environment, exactly as it would process.env
function load(options) {
  const processEnv = { ...process.env };
  dotenv.config({ ...options, processEnv, quiet: true });
  return Object.fromEntries(keys.map((key) => [key, processEnv[key] ?? null]));
}
console.log(JSON.stringify({
  envOnly: load({}),
  override: load({ path: ['.env', '.env.' + environment], override: true }),
  specificFirst: load({ path: ['.env.' + environment, '.env'] }),
}));
`,
    'config.mjs': `import dotenv from ${dotenv};
import { z } from ${zod};
const environment = process.env.NODE_ENV ?? 'development';
dotenv.config({ path: ['.env.' + environment, '.env'], quiet: true });
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']),
  PORT: z.coerce.number().int().min(1).max(65535),
  MONGODB_URI: z.string().regex(/^mongodb(\\+srv)?:\\/\\/\\S+$/, 'must be a mongodb:// URI'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  console.error('Invalid configuration:');
  for (const { path, message } of parsed.error.issues) console.error('  - ' + path.join('.') + ': ' + message);
  process.exit(1);
}
export const config = Object.freeze(parsed.data);
export function redactedConfig(c = config) {
  return {
    ...c,
    JWT_SECRET: '[redacted]',
    MONGODB_URI: c.MONGODB_URI.replace(/\\/\\/([^:/@]+):[^@]*@/, '//$1:[redacted]@'),
  };
}
`,
    'server.mjs': `import { redactedConfig } from './config.mjs';
console.log(JSON.stringify({ event: 'started', config: redactedConfig() }));
`,
    'print-env.mjs': `const keys = ['PORT', 'LOG_LEVEL', 'CACHE_TTL_S'];
console.log(JSON.stringify(Object.fromEntries(keys.map((key) => [key, process.env[key] ?? null]))));
`,
  };
}

export const scenario = defineScenario({
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
        provenBy: 'Which value',
      },
      {
        text: 'dotenv: first value wins without override; override: true lets files replace real variables (and the last file win).',
        terms: [['override'], ['first', 'last', 'order']],
        provenBy: 'Which value',
      },
      {
        text: 'Validate the whole configuration once at startup with a schema and exit non-zero listing every problem (fail fast).',
        terms: [['validate', 'schema', 'zod', 'envalid'], ['fail fast', 'exit', 'startup', 'refuse to start']],
        provenBy: 'Fix: validate',
      },
      {
        text: 'No silent `|| default` for required settings: a missing DB URI or secret must stop the process, not fall back.',
        terms: [['|| ', 'fallback', 'silent default'], ['missing', 'required', 'misspel', 'typo']],
        provenBy: 'Naive',
      },
      {
        text: 'Secrets stay out of git (.gitignore, .env.example committed) and come from a secret manager in production.',
        terms: [['.gitignore', 'git-ignored', 'ignored', 'out of version control'], ['secret manager', 'vault', 'secrets manager', 'kubernetes secret', '.env.example']],
        provenBy: '.env stays',
      },
      {
        text: 'Logs redact secrets (tokens, passwords inside connection strings).',
        terms: [['redact', 'mask', '***', 'never log']],
        provenBy: 'Fix: start',
      },
    ],
    code: [
      { title: 'Naive: process.env with || defaults', language: 'js', code: naiveConfigCode },
      { title: 'Fix: validated, frozen config that fails fast', language: 'js', code: fixedConfigCode },
      { title: 'Load order with dotenv 17', language: 'js', code: loadOrderCode },
      { title: 'Keep env files out of git', language: 'text', code: `${gitignoreCode}\n\n${envExampleCode}` },
      { title: 'Node\'s built-in loader', language: 'bash', code: nodeEnvFileCode },
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
      shownBy: 'Which value',
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
  demo: {
    async run(ctx: DemoContext) {
      const { execa } = await import('execa');
      const { randomBytes } = await import('node:crypto');
      const { mkdir, writeFile } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const { devNull } = await import('node:os');

      const root = await ctx.tempDir();
      const programs = childPrograms({ dotenv: import.meta.resolve('dotenv'), zod: import.meta.resolve('zod') });
      for (const [name, source] of Object.entries(programs)) await writeFile(join(root, name), source);

      // A child with exactly the environment given: nothing leaks in from the shell running the demo.
      const runNode = (script: string, cwd: string, env: Record<string, string>, nodeFlags: string[] = []) =>
        execa(process.execPath, [...nodeFlags, join(root, script)], {
          cwd,
          env,
          extendEnv: false,
          reject: false,
          timeout: CHILD_TIMEOUT_MS,
          cancelSignal: ctx.signal,
        });

      // Secrets of this run only; checks search the output for them, nothing prints them.
      const shortSecret = randomBytes(6).toString('hex');
      const jwtSecret = randomBytes(32).toString('base64url');
      const dbPassword = randomBytes(12).toString('hex');
      const platformPort = '9090';

      // A bad deploy: a misspelled MONGO_URI (the code reads MONGODB_URI), a port that is not a number, a short secret.
      const brokenDeploy = join(root, 'deploy-broken');
      await mkdir(brokenDeploy);
      const brokenEnv = { NODE_ENV: 'production', MONGO_URI: 'mongodb://db.internal:27017/shop', PORT: 'eighty', JWT_SECRET: shortSecret };

      // The application directory: generic local defaults and production overrides, no secrets in
      // the production file (those come from the platform).
      const app = join(root, 'app');
      await mkdir(app);
      await writeFile(join(app, '.env'), [
        'PORT=3000', 'LOG_LEVEL=debug', 'CACHE_TTL_S=5',
        'MONGODB_URI=mongodb://127.0.0.1:27017/shop_dev', `JWT_SECRET=${randomBytes(32).toString('base64url')}`, '',
      ].join('\n'));
      await writeFile(join(app, '.env.production'), ['PORT=8080', 'LOG_LEVEL=warn', ''].join('\n'));

      // --env-file-if-exists needs Node 22.9+ or 20.19+ (--env-file: 20.6+); where this Node lacks
      // it (exit 9: bad option) the file is loaded with --env-file, which requires it to exist (it does here).
      const runWithNodeLoader = async () => {
        const env = { NODE_ENV: 'production', PORT: platformPort };
        const preferred = ['--env-file=.env', '--env-file-if-exists=.env.production'];
        const first = await runNode('print-env.mjs', app, env, preferred);
        if (first.exitCode !== 9) return { run: first, flags: preferred };
        const fallback = ['--env-file=.env', '--env-file=.env.production'];
        return { run: await runNode('print-env.mjs', app, env, fallback), flags: fallback };
      };

      // The five deploys are independent child processes. They run side by side in one step of
      // their own (one after another would make the demo noticeably slower), so that step's duration
      // is what they cost; each later step only reads its deploy's output, and its duration says so.
      // Every child is bounded by CHILD_TIMEOUT_MS and killed if the demo is aborted.
      const startChildren = () => ({
        naive: runNode('naive-server.mjs', brokenDeploy, brokenEnv),
        whichWins: runNode('which-wins.mjs', app, { NODE_ENV: 'production', PORT: platformPort }),
        failFast: runNode('server.mjs', brokenDeploy, brokenEnv),
        goodStart: runNode('server.mjs', app, {
          NODE_ENV: 'production',
          PORT: platformPort,
          MONGODB_URI: `mongodb://shop_app:${dbPassword}@db.internal:27017/shop`,
          JWT_SECRET: jwtSecret,
        }),
        nodeLoader: runWithNodeLoader(),
      });
      type Children = ReturnType<typeof startChildren>;
      let children!: { [name in keyof Children]: Awaited<Children[name]> };

      await ctx.step('Five deploys, started side by side as child processes', async () => {
        ctx.say('Each of the next steps reads the output of one of these Node processes, each started with exactly the environment shown there.');
        const started = startChildren();
        ctx.defer(async () => {
          await Promise.allSettled(Object.values(started));
        });
        const [naive, whichWins, failFast, goodStart, nodeLoader] = await Promise.all(
          [started.naive, started.whichWins, started.failFast, started.goodStart, started.nodeLoader]);
        children = { naive, whichWins, failFast, goodStart, nodeLoader };
        ctx.observe('ms each (side by side)', {
          naive: Math.round(naive.durationMs),
          whichWins: Math.round(whichWins.durationMs),
          failFast: Math.round(failFast.durationMs),
          goodStart: Math.round(goodStart.durationMs),
          nodeLoader: Math.round(nodeLoader.run.durationMs),
        });
      }, { shows: 'context' });

      await ctx.step('Naive: || defaults', async () => {
        ctx.say('A deploy with a misspelled MONGO_URI (the code reads MONGODB_URI), PORT=eighty and a 12-character secret.');
        ctx.showCode('config.js (naive)', naiveConfigCode, 'js');
        const run = children.naive;
        const started = parseStartupLine(run.stdout);
        const config = asRecord(started?.['config']);
        ctx.observe('exit code', run.exitCode ?? null);
        ctx.observe('db uri used', asJsonText(config['mongoUri']));
        ctx.observe('port used', asJsonText(config['port']));
        ctx.check('the naive process starts despite the missing MONGODB_URI', run.exitCode === 0 && started?.['event'] === 'started',
          `exit ${String(run.exitCode)}, stderr ${run.stderr.slice(0, 200)}`);
        ctx.check('production silently falls back to the development database',
          typeof config['mongoUri'] === 'string' && config['mongoUri'].includes('shop_dev'));
        ctx.check('a non-numeric PORT silently becomes 3000', config['port'] === 3000);
        ctx.check('the startup log prints the JWT secret in clear', run.stdout.includes(shortSecret));
      }, { shows: 'failure' });

      let specificFirst: Record<string, unknown> = {};
      await ctx.step('Which value wins', async () => {
        ctx.say(`.env: PORT=3000 LOG_LEVEL=debug CACHE_TTL_S=5; .env.production: PORT=8080 LOG_LEVEL=warn; the platform sets PORT=${platformPort}.`);
        ctx.showCode('dotenv load order', loadOrderCode, 'js');
        const run = children.whichWins;
        const result = parseStartupLine(run.stdout);
        const envOnly = asRecord(result?.['envOnly']);
        const override = asRecord(result?.['override']);
        specificFirst = asRecord(result?.['specificFirst']);
        ctx.observe('exit code', run.exitCode ?? null);
        ctx.observe('.env only: LOG_LEVEL', asJsonText(envOnly['LOG_LEVEL']));
        ctx.observe('override: PORT', asJsonText(override['PORT']));
        ctx.observe('ordered: PORT', asJsonText(specificFirst['PORT']));
        ctx.observe('ordered: LOG_LEVEL', asJsonText(specificFirst['LOG_LEVEL']));
        ctx.observe('ordered: CACHE_TTL_S', asJsonText(specificFirst['CACHE_TTL_S']));
        ctx.check('config() alone reads only .env: production gets the debug log level', envOnly['LOG_LEVEL'] === 'debug');
        ctx.check('override: true lets a file replace the platform\'s PORT', override['PORT'] === '8080',
          `PORT ${String(override['PORT'])}`);
        ctx.check('without override the real environment wins', specificFirst['PORT'] === platformPort);
        ctx.check('.env.production wins over .env', specificFirst['LOG_LEVEL'] === 'warn');
        ctx.check('.env still supplies keys the specific file lacks', specificFirst['CACHE_TTL_S'] === '5');
      }, { shows: 'context' });

      await ctx.step('Fix: validate, fail fast', async () => {
        ctx.say('The same broken deploy, now through one config module that validates with zod before anything starts.');
        ctx.showCode('config.js (fixed)', fixedConfigCode, 'js');
        const run = children.failFast;
        const problems = [...run.stderr.matchAll(/^\s+- ([A-Z_]+):/gm)].map((match) => match[1] ?? '').sort();
        ctx.observe('exit code', run.exitCode ?? null);
        ctx.observe('problems', problems);
        ctx.check('the process refuses to start (non-zero exit, no startup line)',
          run.exitCode !== 0 && parseStartupLine(run.stdout) === null, `exit ${String(run.exitCode)}`);
        ctx.check('every problem is listed at once: JWT_SECRET, MONGODB_URI, PORT',
          JSON.stringify(problems) === JSON.stringify(['JWT_SECRET', 'MONGODB_URI', 'PORT']), run.stderr.slice(0, 300));
        ctx.check('the messages name the variables without echoing the secret', !run.stderr.includes(shortSecret));
      }, { shows: 'fix' });

      await ctx.step('Fix: start, secrets redacted', async () => {
        ctx.say('A good deploy: the platform injects MONGODB_URI and JWT_SECRET from its secret store; .env.production adds LOG_LEVEL.');
        const run = children.goodStart;
        const config = asRecord(parseStartupLine(run.stdout)?.['config']);
        ctx.observe('exit code', run.exitCode ?? null);
        ctx.observe('PORT', asJsonText(config['PORT']));
        ctx.observe('LOG_LEVEL', asJsonText(config['LOG_LEVEL']));
        ctx.observe('logged MONGODB_URI', asJsonText(config['MONGODB_URI']));
        ctx.check('the valid configuration starts', run.exitCode === 0 && config['NODE_ENV'] === 'production', run.stderr.slice(0, 300));
        ctx.check('PORT is coerced to a number from the real environment', config['PORT'] === Number(platformPort));
        ctx.check('the log holds neither the JWT secret nor the DB password',
          !run.stdout.includes(jwtSecret) && !run.stdout.includes(dbPassword));
        ctx.check('secrets are visibly redacted, the DB host kept', config['JWT_SECRET'] === '[redacted]'
          && typeof config['MONGODB_URI'] === 'string' && config['MONGODB_URI'].includes('[redacted]@db.internal'));
      }, { shows: 'fix' });

      await ctx.step('.env stays out of git', async () => {
        // Neither the user's global git config (a global excludes file may already ignore .env) nor
        // the system one may influence the result.
        const gitEnv = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: devNull };
        const git = (args: string[]) => execa('git', ['-c', 'init.defaultBranch=main', ...args], {
          cwd: app, env: gitEnv, reject: false, timeout: CHILD_TIMEOUT_MS, cancelSignal: ctx.signal,
        });
        const init = await git(['init', '-q']);
        if (init.code === 'ENOENT') {
          ctx.say('git was not found on this machine: the git-ignore check is skipped.');
          ctx.observe('git', 'not found');
          return;
        }
        // A failed init is the demo misbehaving, not a finding: stop the step with the reason.
        if (init.exitCode !== 0) throw new Error(`git init failed: ${init.stderr.slice(0, 200)}`);
        ctx.observe('git', 'found');
        const untracked = async () => (await git(['status', '--porcelain', '--untracked-files=all'])).stdout
          .split('\n').filter((line) => line.startsWith('?? ')).map((line) => line.slice(3)).sort();

        const before = await untracked();
        ctx.observe('untracked before', before);
        ctx.check('without .gitignore, `git add .` would commit .env and .env.production',
          before.includes('.env') && before.includes('.env.production'));

        await writeFile(join(app, '.gitignore'), `${gitignoreCode.split('\n').slice(1).join('\n')}\n`);
        await writeFile(join(app, '.env.example'), `${envExampleCode.split('\n').slice(1).join('\n')}\n`);
        ctx.showCode('.gitignore', gitignoreCode, 'text');
        const after = await untracked();
        // -v --non-matching: one line per path, "source:line:pattern<TAB>path"; a path is ignored
        // when a pattern matched and it is not a negation (!).
        const rules = await git(['check-ignore', '-v', '--non-matching', '.env', '.env.production', '.env.example']);
        const ruleFor = new Map(rules.stdout.split('\n').filter(Boolean).map((line) => {
          const [source = '', path = ''] = line.split('\t');
          return [path, source] as const;
        }));
        const isIgnored = (path: string) => {
          const pattern = (ruleFor.get(path) ?? '').split(':').slice(2).join(':');
          return pattern !== '' && !pattern.startsWith('!');
        };
        ctx.observe('untracked after', after);
        ctx.observe('rule for .env', ruleFor.get('.env') ?? '');
        ctx.observe('ignored', ['.env', '.env.production', '.env.example'].filter(isIgnored));
        ctx.check('git check-ignore matches .env and .env.production', isIgnored('.env') && isIgnored('.env.production'),
          rules.stdout || rules.stderr);
        ctx.check('.env.example stays committable', !isIgnored('.env.example') && after.includes('.env.example'));
        ctx.check('no env file with values is left to commit', !after.includes('.env') && !after.includes('.env.production'));
      }, { shows: 'fix' });

      await ctx.step('Senior: Node --env-file', async () => {
        ctx.showCode('no library needed', nodeEnvFileCode, 'bash');
        const { run, flags } = children.nodeLoader;
        const seen = parseStartupLine(run.stdout) ?? {};
        ctx.observe('flags', flags.join(' '));
        ctx.observe('PORT', asJsonText(seen['PORT']));
        ctx.observe('LOG_LEVEL', asJsonText(seen['LOG_LEVEL']));
        ctx.check('Node keeps the real PORT and lets the later file win',
          seen['PORT'] === platformPort && seen['LOG_LEVEL'] === 'warn' && seen['CACHE_TTL_S'] === '5', run.stderr.slice(0, 200));
        ctx.check('same result as dotenv with [.env.production, .env]',
          JSON.stringify(seen) === JSON.stringify(specificFirst));
        ctx.say('Files only for local defaults; production secrets come from a secret manager, injected at deploy time.');
      }, { shows: 'fix', senior: true });
    },
  },
});
