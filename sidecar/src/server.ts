/** Runs the sidecar: config from the environment, listen, graceful shutdown on SIGTERM/SIGINT. */
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { ConfigError, SecretKeyMismatchError } from './errors.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let sidecar;
  try {
    sidecar = await buildApp(config);
  } catch (err) {
    if (err instanceof SecretKeyMismatchError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (sidecar.adminTokenGenerated) {
    // Printed once, on the first start; it is kept in DATA_DIR/admin-token.
    process.stdout.write(`Generated admin token (shown once, kept in ${config.dataDir}/admin-token): ${sidecar.adminToken}\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sidecar.app.log.info({ signal }, 'shutting down: draining in-flight work');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    sidecar.shutdown().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await sidecar.app.listen({ port: config.port, host: config.host });
}

void main();
