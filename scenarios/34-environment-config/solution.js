// Scenario 34 · Environment-specific configuration: the reference fix. One module reads the
// environment once: env files fill gaps (specific before generic), the real environment wins,
// a schema validates everything before anything starts, and the startup log redacts secrets.

/**
 * Reads the configuration once. Throws, listing every invalid variable by name (never its value),
 * when the deploy is broken: the caller exits non-zero before listening or connecting.
 * @param {object} deps
 * @param {Record<string, string | undefined>} deps.processEnv the real environment (a copy of process.env)
 * @param {typeof import('dotenv')} deps.dotenv dotenv 17
 * @param {typeof import('zod')} deps.z zod 4
 * @param {string} deps.dir the folder holding .env and .env.<NODE_ENV>
 */
export function loadConfig({ processEnv, dotenv, z, dir }) {
  const env = processEnv.NODE_ENV ?? 'development';
  // FIX: specific file first, generic after, no override: the first value set wins and a variable
  // the platform already set is never replaced.
  dotenv.config({ path: [`${dir}/.env.${env}`, `${dir}/.env`], processEnv, quiet: true });
  // FIX: every setting checked and typed in one place; no `|| default` for what must exist.
  const schema = z.object({
    NODE_ENV: z.enum(['development', 'test', 'production']),
    PORT: z.coerce.number().int().min(1).max(65535),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// URI'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    CACHE_TTL_S: z.coerce.number().int().positive().default(60),
  });
  const parsed = schema.safeParse(processEnv);
  if (!parsed.success) {
    // FIX: fail fast with the whole list, naming variables, never echoing values (one may be a secret).
    const problems = parsed.error.issues.map(({ path, message }) => `  - ${path.join('.')}: ${message}`);
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

/** What may be logged: secrets out, the database host kept. */
function redacted(config) {
  return {
    ...config,
    JWT_SECRET: '[redacted]',
    MONGODB_URI: config.MONGODB_URI.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:[redacted]@'),
  };
}

/**
 * Called once the configuration loaded; resolve with the Express app (the tool serves it).
 * @param {object} deps
 * @param {typeof import('express')} deps.express
 * @param {ReturnType<typeof loadConfig>} deps.config
 * @param {(line: string) => void} deps.log the startup log
 */
export async function createApp({ express, config, log }) {
  // FIX: the startup line shows the configuration with its secrets redacted.
  log(`starting with ${JSON.stringify(redacted(config))}`);
  const app = express();
  app.get('/health', (req, res) => res.json({ ok: true, env: config.NODE_ENV }));
  return app;
}
