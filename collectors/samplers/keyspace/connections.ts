// The scan's own connections to the node it runs on: one for the batches, one for the
// latency probes (a PING queued behind our own batch would measure us, not the instance).
// Both are duplicates of the instance's connection (same credentials and TLS), named so
// they are recognisable in CLIENT LIST, and closed when the scan ends.
import type { Redis } from 'ioredis';
import { errorMessage } from '../../../common/errors.ts';

export interface ScanConnections {
  scan: Redis;
  probe: Redis;
  close(): void;
}

export class ScanConnectionError extends Error {
  override name = 'ScanConnectionError';
}

export async function openScanConnections(
  base: Redis,
  node: { host: string; port: number } | 'self',
  opts: { clusterEnabled: boolean; commandTimeoutMs: number },
): Promise<ScanConnections> {
  const where = node === 'self' ? {} : { host: node.host, port: node.port };
  const make = (name: string) => {
    const r = base.duplicate({
      ...where,
      connectionName: name,
      lazyConnect: true,
      commandTimeout: opts.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => {}); // reported by the command that fails
    return r;
  };
  const scan = make('redscope-scan');
  const probe = make('redscope-scan-probe');
  const close = () => {
    scan.disconnect();
    probe.disconnect();
  };
  try {
    await Promise.all([scan.connect(), probe.connect()]);
    // A cluster replica answers reads only after READONLY; without it every key is "MOVED".
    if (opts.clusterEnabled) await scan.call('READONLY');
    return { scan, probe, close };
  } catch (err) {
    close();
    const address = node === 'self' ? `${base.options.host}:${base.options.port}` : `${node.host}:${node.port}`;
    throw new ScanConnectionError(`cannot open scan connections to ${address}: ${errorMessage(err)}`);
  }
}
