// Scenario 34's attack, run against starter.js, the override trap, solution.js (`run 34`) and the
// learner's own file (`verify 34`). It writes the repository's env files into a temporary folder
// and plays two deploys through the file's loadConfig: a broken one (a misspelled variable, a port
// that is not a number, a short secret) and a good one whose platform injects PORT and the secrets.
// Each gets its own copy of an environment, as process.env would be; nothing leaks in from the shell.
import { defineAttack } from '../../src/practice/attack-contract.js';

const PLATFORM_PORT = '9090';

export const checks = {
  failsFast: { claim: 'a broken deploy is refused before starting, every bad variable named (JWT_SECRET, MONGODB_URI, PORT) and no value echoed', level: 'core', broken: 'a broken deploy starts anyway, on fallback values' },
  realEnvWins: { claim: `the platform's PORT=${PLATFORM_PORT} (as a number) and MONGODB_URI win over both env files`, level: 'core', broken: 'the env files replace what the platform set (PORT, MONGODB_URI)' },
  envSpecificWins: { claim: '.env.production wins over .env (LOG_LEVEL warn, not debug)', level: 'core', broken: 'production runs with the generic .env settings (LOG_LEVEL debug)' },
  envFillsGaps: { claim: '.env still supplies what the specific file lacks (CACHE_TTL_S 5)', level: 'core' },
  secretsRedacted: { claim: 'the startup log holds neither the JWT secret nor the database password, and shows them redacted', level: 'core', broken: 'the startup log prints the JWT secret and the database password' },
  configFrozen: { claim: 'the configuration object is frozen: no module can change a setting at run time', level: 'senior', broken: 'any module can change a setting at run time' },
} as const;

export type CheckId = keyof typeof checks;

type LoadConfig = (deps: Record<string, unknown>) => Record<string, unknown>;

export const attack = defineAttack({
  checks,
  preamble: 'The repository holds .env (PORT=3000, LOG_LEVEL=debug, CACHE_TTL_S=5, a local MONGODB_URI and JWT_SECRET; written 0600) and .env.production (PORT=8080, LOG_LEVEL=warn). '
    + 'Each file below loads its configuration twice: for a broken deploy (MONGO_URI misspelled, PORT=eighty, a 12-character secret) and for a good one, '
    + `where the platform sets NODE_ENV=production, PORT=${PLATFORM_PORT} and injects MONGODB_URI and JWT_SECRET from its secret store. Secrets are made for this run and never printed.`,
  async run(ctx, target) {
    const [{ default: dotenv }, { z }, { randomBytes }, { mkdir, writeFile }, { join }] = await Promise.all([
      import('dotenv'), import('zod'), import('node:crypto'), import('node:fs/promises'), import('node:path'),
    ]);
    const loadConfig = target.exports['loadConfig'] as LoadConfig | undefined;
    if (typeof loadConfig !== 'function') throw new Error(`${target.file} does not export loadConfig(deps)`);

    const root = await ctx.tempDir();
    const repo = join(root, 'app');
    const bare = join(root, 'bare-deploy');
    await mkdir(repo);
    await mkdir(bare);
    await writeFile(join(repo, '.env'), ['PORT=3000', 'LOG_LEVEL=debug', 'CACHE_TTL_S=5', 'MONGODB_URI=mongodb://127.0.0.1:27017/shop_dev',
      `JWT_SECRET=${randomBytes(32).toString('base64url')}`, ''].join('\n'), { mode: 0o600 });
    await writeFile(join(repo, '.env.production'), ['PORT=8080', 'LOG_LEVEL=warn', ''].join('\n'), { mode: 0o600 });

    // The broken deploy: no env files in its folder, a misspelled variable, a bad port, a short secret.
    const shortSecret = randomBytes(6).toString('hex');
    const brokenEnv = { NODE_ENV: 'production', PORT: 'eighty', MONGO_URI: 'mongodb://db.internal:27017/shop', JWT_SECRET: shortSecret };
    let refusal: string | null = null;
    let brokenConfig: Record<string, unknown> | null = null;
    try {
      brokenConfig = loadConfig({ processEnv: { ...brokenEnv }, dotenv, z, dir: bare });
    } catch (error) {
      refusal = error instanceof Error ? error.message : String(error);
    }
    const named = ['JWT_SECRET', 'MONGODB_URI', 'PORT'].filter((name) => refusal?.includes(name));
    const broken = ctx.observe('broken deploy', refusal !== null
      ? { refused: true, 'variables named': named, 'secret echoed': refusal.includes(shortSecret) }
      : { refused: false, 'database used': String(brokenConfig?.['MONGODB_URI'] ?? null), 'port used': Number(brokenConfig?.['PORT'] ?? null) });
    ctx.check('failsFast', refusal !== null && named.length === 3 && !refusal.includes(shortSecret), broken);

    // The good deploy.
    const jwtSecret = randomBytes(32).toString('base64url');
    const dbPassword = randomBytes(12).toString('hex');
    const goodEnv = { NODE_ENV: 'production', PORT: PLATFORM_PORT, MONGODB_URI: `mongodb://shop_app:${dbPassword}@db.internal:27017/shop`, JWT_SECRET: jwtSecret };
    const config = loadConfig({ processEnv: { ...goodEnv }, dotenv, z, dir: repo });
    const databaseHost = /@([^:/]+)/.exec(String(config['MONGODB_URI']))?.[1] ?? /\/\/([^:/]+)/.exec(String(config['MONGODB_URI']))?.[1] ?? null;
    const seen = ctx.observe('good deploy: PORT, database host, LOG_LEVEL, CACHE_TTL_S', {
      PORT: config['PORT'] as number, 'database host': databaseHost, LOG_LEVEL: String(config['LOG_LEVEL']), CACHE_TTL_S: Number(config['CACHE_TTL_S']),
    });
    ctx.check('realEnvWins', seen.PORT === Number(PLATFORM_PORT) && config['MONGODB_URI'] === goodEnv.MONGODB_URI, { PORT: seen.PORT, 'database host': databaseHost });
    ctx.check('envSpecificWins', seen.LOG_LEVEL === 'warn', seen.LOG_LEVEL);
    ctx.check('envFillsGaps', seen.CACHE_TTL_S === 5, seen.CACHE_TTL_S);

    const logLines: string[] = [];
    await target.start({ express: ctx.express, config, log: (line: string) => { logLines.push(String(line)); } });
    const log = logLines.join('\n');
    const leaks = ctx.observe('startup log', { lines: logLines.length, 'JWT secret': log.includes(jwtSecret), 'DB password': log.includes(dbPassword), redacted: log.includes('[redacted]') });
    ctx.check('secretsRedacted', logLines.length > 0 && !leaks['JWT secret'] && !leaks['DB password'] && leaks.redacted, leaks);

    ctx.check('configFrozen', Object.isFrozen(config), ctx.observe('config frozen', Object.isFrozen(config)));
  },
});
