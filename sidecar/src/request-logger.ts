/**
 * Per-request loggers that cost nothing until something is logged. Fastify gives every request its own pino child
 * logger (bound to the request id); building it took about a fifth of a delivery's time on the event loop, for
 * a logger that at the default level almost never writes. This factory hands out a stand-in that creates the real
 * child on the first call at an enabled level, so request-scoped lines still carry the request id.
 */
import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
const RANK: Record<Level | 'silent', number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

class LazyRequestLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(private readonly parent: FastifyBaseLogger, private readonly bindings: Bindings, private readonly opts: ChildOptions) {}

  private logger(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings, this.opts));
  }

  private write(level: Level, args: unknown[]): void {
    const threshold = RANK[(this.real?.level ?? this.opts?.level ?? this.parent.level) as Level] ?? 0;
    if (RANK[level] < threshold) return;
    (this.logger()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.real?.level ?? this.opts?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  fatal(...a: unknown[]): void { this.write('fatal', a); }
  error(...a: unknown[]): void { this.write('error', a); }
  warn(...a: unknown[]): void { this.write('warn', a); }
  info(...a: unknown[]): void { this.write('info', a); }
  debug(...a: unknown[]): void { this.write('debug', a); }
  trace(...a: unknown[]): void { this.write('trace', a); }
  silent(): void { /* never writes */ }

  child(bindings: Bindings, opts?: ChildOptions): FastifyBaseLogger {
    return this.logger().child(bindings, opts);
  }
}

/** Fastify's `childLoggerFactory`. */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}
