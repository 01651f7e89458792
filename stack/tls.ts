// A private CA for the local stack, made with openssl on first use, under <dataDir>/tls/:
// the ClickHouse HTTPS port and the Kafka SASL_SSL listener present `server.crt`, tests
// start TLS Redis nodes with `redis-node.crt`, and clients authenticate with `client.crt`
// where a server asks for a client certificate. `other-ca.crt` is a CA that signed
// nothing here: what a test uses to show that a wrong CA is refused.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './install.ts';
import { runChecked } from './processes.ts';

export interface StackTls {
  dir: string;
  caFile: string;
  /** For the stack's servers: DNS:localhost, IP:127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** For TLS Redis nodes: only the name REDIS_NODE_NAME, no IP address (as many real fleets). */
  redisNodeCert: string;
  redisNodeKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed none of the above. */
  otherCaFile: string;
}

/** The one name on the TLS Redis nodes' certificate: clients reaching them by IP set tls.serverName to it. */
export const REDIS_NODE_NAME = 'redis.redscope.test';

export function stackTlsPaths(dataDir: string): StackTls {
  const dir = join(dataDir, 'tls');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    redisNodeCert: join(dir, 'redis-node.crt'),
    redisNodeKey: join(dir, 'redis-node.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    otherCaFile: join(dir, 'other-ca.crt'),
  };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await runChecked(requireBinary('openssl', 'apt-get install -y openssl'), args, { cwd, timeoutMs: 60_000 });
}

async function makeCa(dir: string, name: string, subject: string): Promise<void> {
  await openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', `/CN=${subject}`]
      .concat(['-keyout', `${name}.key`, '-out', `${name}.crt`])
      .concat(['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']),
    dir,
  );
}

/** A key (PKCS#8, unencrypted: what Kafka's PEM key store and ClickHouse read) and a certificate signed by ca. */
async function makeLeaf(dir: string, name: string, subject: string, ext: string): Promise<void> {
  await openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/CN=${subject}`, '-keyout', `${name}.key`].concat([
      '-out',
      `${name}.csr`,
    ]),
    dir,
  );
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  await openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-sha256'].concat([
      '-days',
      '825',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    ]),
    dir,
  );
  rmSync(join(dir, `${name}.csr`));
  rmSync(join(dir, `${name}.ext`));
}

/** Makes the CA and certificates once (about a second); afterwards only returns their paths. */
export async function ensureStackTls(dataDir: string): Promise<StackTls> {
  const paths = stackTlsPaths(dataDir);
  if (existsSync(join(paths.dir, 'complete'))) return paths;
  // Built in a temp dir and renamed, so an interrupted run never leaves half a CA behind.
  const partial = `${paths.dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  await makeCa(partial, 'ca', 'redscope local stack CA');
  await makeLeaf(
    partial,
    'server',
    'localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth',
  );
  await makeLeaf(
    partial,
    'redis-node',
    REDIS_NODE_NAME,
    `subjectAltName=DNS:${REDIS_NODE_NAME}\nextendedKeyUsage=serverAuth,clientAuth`,
  );
  await makeLeaf(partial, 'client', 'redscope-client', 'extendedKeyUsage=clientAuth');
  await makeCa(partial, 'other-ca', 'some other CA');
  writeFileSync(join(partial, 'complete'), 'made by redscope stack (stack/tls.ts)\n');
  rmSync(paths.dir, { recursive: true, force: true });
  renameSync(partial, paths.dir);
  return paths;
}
