import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { closeDeps, createDeps } from './deps.js';
import { bootstrapFirstAdmin } from './features/tenants/bootstrap.js';
import { createLogger } from './logger.js';
import { createSimulatorDemo } from './whatsapp/simulator/demo.js';

async function main() {
  const warnings: string[] = [];
  const config = loadConfig(process.env, { warn: (m) => warnings.push(m) });
  const logger = createLogger(config.logLevel, { pretty: config.logFormat === 'pretty' });
  for (const w of warnings) logger.warn(w);

  // A first start spends most of its time here (PGlite boot, migrations): say so, step by step.
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL (PGlite) in ${config.dataDir}`;
  logger.info(`opening the database (${where}) and applying migrations`);
  const started = Date.now();
  const deps = await createDeps(config, logger);
  logger.info(`database ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (await bootstrapFirstAdmin(deps.database.db, config, (m) => logger.warn(m))) {
    logger.info(`created the default tenant and admin user "${config.admin.username}"`);
    if (config.whatsapp.simulator && !config.isProduction)
      logger.info('creating the demo WhatsApp number (built-in simulator)');
    await createSimulatorDemo(deps);
  }
  const app: FastifyInstance = await buildApp(deps);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await app.close();
      await closeDeps(deps);
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  logger.info(
    `ApiCeChat listening on ${config.publicUrl} (database: ${deps.database.kind}, redis: ${config.redisUrl ? 'yes' : 'no'})`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError) {
    process.stderr.write(`ApiCeChat cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(
      `ApiCeChat failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
