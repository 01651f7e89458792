import type { Logger } from './log.ts';

/** Keeps a started component running until SIGINT/SIGTERM, then stops it once. */
export function runUntilSignal(log: Logger, running: { stop(): Promise<void> }): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      try {
        await running.stop();
      } finally {
        resolve();
      }
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
