/**
 * A background loop for the worker's periodic jobs (the history runner, gap repair): `tick` runs when the loop is
 * woken or when the wait it asked for is over, never two at a time; a wake during a tick runs one more tick right
 * after it. `tick` answers how many milliseconds to wait before the next one. Stopping waits for the tick in flight.
 */
export class WakeLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(private readonly tick: () => Promise<number>) {}

  get stopped(): boolean {
    return this.stopping;
  }

  /** Run a tick now (or right after the one in flight). */
  wake(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.tick()
      .then((wait) => this.schedule(wait), () => this.schedule(1000))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, ms);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
