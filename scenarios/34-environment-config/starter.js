// Scenario 34 · Environment-specific configuration: process.env with `||` fallbacks.
// The service runs in development, staging and production. Make a broken deploy refuse to start,
// let the platform's variables win over env files (specific file before generic), and keep
// secrets out of the logs.
// Check your fix: npx backend-scenarios verify 34   ·   stuck? npx backend-scenarios hint 34

/**
 * Reads the configuration once. Throws, listing every invalid variable by name (never its value),
 * when the deploy is broken: the caller exits non-zero before listening or connecting.
 * @param {object} deps
 * @param {Record<string, string | undefined>} deps.processEnv the real environment (a copy of process.env)
 * @param {typeof import('dotenv')} deps.dotenv dotenv 17
 * @param {typeof import('zod')} deps.z zod 4
 * @param {string} deps.dir the folder holding .env and .env.<NODE_ENV>
 */
export function loadConfig({ processEnv, dotenv, dir }) {
  // TODO: production has its own file of settings; it should count, without ever beating a
  // variable the platform set.
  dotenv.config({ path: `${dir}/.env`, processEnv, quiet: true });
  // TODO: a missing or misspelled variable must stop the start, not quietly become a default.
  return {
    NODE_ENV: processEnv.NODE_ENV || 'development',
    PORT: Number(processEnv.PORT) || 3000,
    MONGODB_URI: processEnv.MONGODB_URI || 'mongodb://127.0.0.1:27017/shop_dev',
    JWT_SECRET: processEnv.JWT_SECRET || 'change-me',
    LOG_LEVEL: processEnv.LOG_LEVEL || 'info',
    CACHE_TTL_S: Number(processEnv.CACHE_TTL_S) || 60,
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
  // TODO: this line ends up in log storage that many people can read.
  log(`starting with ${JSON.stringify(config)}`);
  const app = express();
  app.get('/health', (req, res) => res.json({ ok: true, env: config.NODE_ENV }));
  return app;
}
