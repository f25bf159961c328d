#!/usr/bin/env -S npx tsx
/** Runs the Klaviyo double as its own process: tsx src/cli.ts --port 8899 [--rate-limits] [--scale 0.1] */
import { startKlaviyoDouble } from './index.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const double = await startKlaviyoDouble({
  port: Number(arg('--port') ?? 0),
  host: arg('--host') ?? '127.0.0.1',
  specPath: process.env.KLAVIYO_SPEC || undefined,
  rateLimits: args.includes('--rate-limits') ? { enabled: true, scale: Number(arg('--scale') ?? 1) } : { enabled: false },
});
process.stdout.write(`KLAVIYO_DOUBLE_URL=${double.url}\n`);
const stop = () => void double.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
