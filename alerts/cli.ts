// `redscope alerts` (run the alert manager and chat delivery) and
// `redscope alerts test --receiver NAME` (send one test message now, to check a webhook).
import type { Command } from 'commander';
import { loadConfig, type Config } from '../common/config.ts';
import { createLogger, redactUrl } from '../common/log.ts';
import { runUntilSignal } from '../common/signals.ts';
import { deliver } from './deliver-one.ts';
import { testMessage } from './test-message.ts';

/** A test message is tried a few times, not forever: the answer is wanted now. */
const TEST_ATTEMPTS = 3;

function configOf(cmd: Command): Config {
  return loadConfig({ file: (cmd.optsWithGlobals() as { config?: string }).config });
}

export function registerAlertCommands(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('run the alert manager (alert events → lifecycle → outbox) and chat delivery (outbox → chat)')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = configOf(cmd);
      const log = createLogger('alerts');
      const { startAlerts } = await import('./index.ts');
      await runUntilSignal(log, await startAlerts(config, log));
    });

  alerts
    .command('test')
    .description('send a test message to one receiver now and report what it answered')
    .requiredOption('--receiver <name>', 'a receiver name from alerts.receivers')
    .action(async (opts: { receiver: string }, cmd: Command) => {
      const config = configOf(cmd);
      const receiver = config.alerts.receivers.find((r) => r.name === opts.receiver);
      if (!receiver) {
        const known = config.alerts.receivers.map((r) => r.name).join(', ') || 'none configured';
        console.error(`error: no receiver named ${JSON.stringify(opts.receiver)} (receivers: ${known})`);
        process.exitCode = 1;
        return;
      }
      const log = createLogger('alerts-test');
      const outcome = await deliver(testMessage(config.alerts, receiver, Date.now()), receiver, {
        policy: { initialMs: config.alerts.retryInitialMs, maxMs: config.alerts.retryMaxMs },
        timeoutMs: config.alerts.requestTimeoutMs,
        maxAttempts: TEST_ATTEMPTS,
        log,
      });
      const where = `${receiver.name} (${receiver.type}, ${redactUrl(receiver.url)})`;
      if (outcome.outcome === 'ok') console.log(`test message delivered to ${where}`);
      else {
        console.error(`error: test message to ${where} failed after ${outcome.attempts} attempt(s): ${outcome.reason}`);
        process.exitCode = 1;
      }
    });
}
