// Local Kafka: one KRaft node acting as broker and controller, run straight from
// Apache's jars on Maven Central (no Kafka package exists for Debian or npm).
// Layout under the data dir:
//   kafka-lib/<version>/   jars fetched once by Maven (stack/kafka/pom.xml)
//   kafka/                 server.properties, logging config, data/ (log.dirs),
//                          logs/server.log, kafka.out (JVM stdout/stderr), kafka.pid
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { requireJava, requireMaven } from './install.ts';
import {
  ensureScramUsers,
  grantRoleAcls,
  saslSslProperties,
  writeKeystore,
  type KafkaSecurity,
} from './kafka-security.ts';
import {
  isPortOpen,
  isProcessAlive,
  livePidFromFile,
  runChecked,
  runCommand,
  spawnDetached,
  stopByPidFile,
  tailFile,
  waitFor,
  type Log,
  writePrivateFile,
} from './processes.ts';

const { Kafka, logLevel } = kafkajs;
const HOST = '127.0.0.1';
const POM = fileURLToPath(new URL('./kafka/pom.xml', import.meta.url));
const PROCESS_HINT = 'kafka.Kafka'; // the main class, to recognise our JVM in /proc

export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const version = env.REDSCOPE_KAFKA_VERSION?.trim() || '3.9.1';
  if (!/^[34]\.\d+\.\d+$/.test(version))
    throw new Error(`REDSCOPE_KAFKA_VERSION must be a 3.x or 4.x release like 3.9.1, got ${JSON.stringify(version)}`);
  return version;
}

interface KafkaLayout {
  version: string;
  major: number;
  libDir: string;
  dir: string;
  logDirs: string;
  serverProperties: string;
  loggingConfig: string;
  serverLog: string;
  outputFile: string;
  pidFile: string;
  versionFile: string;
}

function layout(dataDir: string, version: string): KafkaLayout {
  const dir = join(dataDir, 'kafka');
  const major = Number(version.split('.')[0]);
  return {
    version,
    major,
    libDir: join(dataDir, 'kafka-lib', version),
    dir,
    logDirs: join(dir, 'data'),
    serverProperties: join(dir, 'server.properties'),
    loggingConfig: join(dir, major >= 4 ? 'log4j2.properties' : 'log4j.properties'),
    serverLog: join(dir, 'logs', 'server.log'),
    outputFile: join(dir, 'kafka.out'),
    pidFile: join(dir, 'kafka.pid'),
    versionFile: join(dir, 'data', 'redscope-kafka-version'),
  };
}

/** Lists topics through a throwaway kafkajs admin client: the readiness test the app itself depends on. */
export async function kafkaListTopics(broker: string, timeoutMs = 3000): Promise<string[]> {
  const kafka = new Kafka({
    clientId: 'redscope-stack',
    brokers: [broker],
    logLevel: logLevel.NOTHING, // a broker still starting makes kafkajs log every refused connect
    connectionTimeout: Math.min(timeoutMs, 1000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Fetches in flight, by lib dir: Kafka and ZooKeeper (--ch-cluster) start side by side and need the same jars. */
const fetching = new Map<string, Promise<void>>();

function ensureJars(l: KafkaLayout, log: Log): Promise<void> {
  if (existsSync(l.libDir)) return Promise.resolve();
  let fetch = fetching.get(l.libDir);
  if (!fetch) {
    fetch = fetchJars(l, log).finally(() => fetching.delete(l.libDir));
    fetching.set(l.libDir, fetch);
  }
  return fetch;
}

async function fetchJars(l: KafkaLayout, log: Log): Promise<void> {
  const mvn = requireMaven();
  log(`fetching Kafka ${l.version} jars from Maven Central (first run only)…`);
  // Fetch into a temp dir of this process and rename, so an interrupted fetch is not
  // mistaken for a complete lib dir, and two processes fetching at once do not collide.
  const partial = `${l.libDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  await runChecked(
    mvn,
    [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`,
      '-DincludeScope=runtime',
      `-Dkafka.version=${l.version}`,
      ...(l.major >= 4 ? ['-Plog4j2'] : []),
    ],
    { timeoutMs: 10 * 60_000 },
  );
  try {
    renameSync(partial, l.libDir);
  } catch (err) {
    // Another process finished the same fetch first: use its jars.
    if (!existsSync(l.libDir)) throw err;
    rmSync(partial, { recursive: true, force: true });
  }
  log(`Kafka jars in ${l.libDir}`);
}

/** server.properties as this code writes it (compared with the file on disk to spot an outdated running broker). */
function serverProperties(l: KafkaLayout, port: number, controllerPort: number, security?: KafkaSecurity): string {
  const quorum =
    l.major >= 4
      ? `controller.quorum.bootstrap.servers=${HOST}:${controllerPort}` // 4.x: dynamic quorum, formatted with --standalone
      : `controller.quorum.voters=1@${HOST}:${controllerPort}`;
  const sasl = security ? `,SASL_SSL://${HOST}:${security.port}` : '';
  return [
    '# Generated by redscope stack (stack/kafka.ts); rewritten on every start.',
    'process.roles=broker,controller',
    'node.id=1',
    quorum,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}${sasl}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}${sasl}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${security ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(security ? saslSslProperties(HOST, security, join(l.dir, 'keystore.pem')) : []),
    `log.dirs=${l.logDirs}`,
    'num.partitions=6',
    // A single broker cannot hold the default 3 replicas of the internal topics.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Tests start one consumer at a time; the default 3 s delay only slows them.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

function writeConfigs(l: KafkaLayout, properties: string, security?: KafkaSecurity): void {
  mkdirSync(join(l.dir, 'logs'), { recursive: true });
  if (security) writeKeystore(l.dir, security.tls);
  // Mode 0600: with a SASL listener it holds the PLAIN users' passwords.
  writePrivateFile(l.serverProperties, properties);
  writeFileSync(l.loggingConfig, l.major >= 4 ? log4j2Config(l.serverLog) : log4jConfig(l.serverLog));
}

/**
 * The lib dir of Kafka `version`'s runtime jars, fetched on first use. Kafka 3.x's jars
 * include ZooKeeper 3.8 and a reload4j logging binding: stack/zookeeper.ts runs from them.
 */
export async function kafkaJars(dataDir: string, version: string, log: Log): Promise<string> {
  const l = layout(dataDir, version);
  await ensureJars(l, log);
  return l.libDir;
}

export function log4jConfig(file: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${file}`,
    'log4j.appender.file.MaxFileSize=50MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

function log4j2Config(file: string): string {
  return [
    'status = warn',
    'appender.file.type = RollingFile',
    'appender.file.name = file',
    `appender.file.fileName = ${file}`,
    `appender.file.filePattern = ${file}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 50MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 2',
    'rootLogger.level = info',
    'rootLogger.appenderRef.file.ref = file',
    '',
  ].join('\n');
}

function javaArgs(l: KafkaLayout, mainClass: string, args: string[], heap: string[] = []): string[] {
  const logging =
    l.major >= 4
      ? `-Dlog4j2.configurationFile=file:${l.loggingConfig}`
      : `-Dlog4j.configuration=file:${l.loggingConfig}`;
  // 'lib/*' is expanded by the JVM itself, not by a shell.
  return [...heap, '-Djava.awt.headless=true', logging, '-cp', join(l.libDir, '*'), mainClass, ...args];
}

/** KRaft needs its log dir formatted with a cluster id once, before the first start. */
async function formatStorage(l: KafkaLayout, java: string, log: Log, security?: KafkaSecurity): Promise<void> {
  if (existsSync(join(l.logDirs, 'meta.properties'))) {
    const formattedWith = existsSync(l.versionFile) ? readFileSync(l.versionFile, 'utf8').trim() : l.version;
    if (formattedWith.split('.')[0] !== l.version.split('.')[0]) {
      throw new Error(
        `Kafka data in ${l.logDirs} was formatted by Kafka ${formattedWith}, not ${l.version}; run \`stack reset\``,
      );
    }
    return;
  }
  log('formatting Kafka storage (KRaft)…');
  const clusterId = (
    await runChecked(java, javaArgs(l, 'kafka.tools.StorageTool', ['random-uuid']), { cwd: l.dir, timeoutMs: 60_000 })
  ).trim();
  const standalone = l.major >= 4 ? ['--standalone'] : [];
  // A new broker gets its SASL users' SCRAM credentials here, saving a JVM run per user later.
  const scram = security
    ? Object.values(security.credentials.kafka).flatMap((u) =>
        ['SCRAM-SHA-512', 'SCRAM-SHA-256'].flatMap((m) => [
          '--add-scram',
          `${m}=[name=${u.username},password=${u.password}]`,
        ]),
      )
    : [];
  const res = await runCommand(
    java,
    javaArgs(l, 'kafka.tools.StorageTool', [
      'format',
      '-t',
      clusterId,
      '-c',
      l.serverProperties,
      ...standalone,
      ...scram,
    ]),
    { cwd: l.dir, timeoutMs: 60_000 },
  );
  // Not runChecked: its error would quote the command line, SCRAM passwords and all.
  if (res.code !== 0)
    throw new Error(`formatting Kafka storage failed (exit ${res.code}):\n${res.stderr.slice(-2000)}`);
  writeFileSync(l.versionFile, `${l.version}\n`);
}

export interface KafkaStartOptions {
  port: number;
  controllerPort: number;
  dataDir: string;
  log: Log;
  version?: string;
  /** Also a SASL_SSL listener with the authorizer, SCRAM users and role ACLs (stack/kafka-security.ts). */
  security?: KafkaSecurity;
}

/** Starts the broker detached (it outlives this process) and waits until kafkajs can list topics. */
export async function startKafka(opts: KafkaStartOptions): Promise<{ started: boolean }> {
  const l = layout(opts.dataDir, opts.version ?? kafkaVersion());
  const broker = `${HOST}:${opts.port}`;
  const properties = serverProperties(l, opts.port, opts.controllerPort, opts.security);
  let running = livePidFromFile(l.pidFile, PROCESS_HINT);

  // A broker started by an older stack (without the SASL listener, say) is restarted with today's config.
  if (
    running !== undefined &&
    existsSync(l.serverProperties) &&
    readFileSync(l.serverProperties, 'utf8') !== properties
  ) {
    opts.log(`Kafka (pid ${running}) runs with an outdated configuration; restarting it…`);
    await stopKafka(opts.dataDir, opts.log);
    running = undefined;
  }

  if (running !== undefined || (await isPortOpen(opts.port))) {
    if (
      await kafkaListTopics(broker).then(
        () => true,
        () => false,
      )
    ) {
      await secure(l, opts);
      return { started: false };
    }
    if (running === undefined) throw new Error(`port ${opts.port} is taken by something that is not a Kafka broker`);
    // Our JVM is alive but not answering yet: most likely still starting.
    opts.log(`Kafka (pid ${running}) is running but not ready; waiting…`);
    await waitUntilReady(l, broker, running);
    await secure(l, opts);
    return { started: false };
  }

  const java = requireJava();
  await ensureJars(l, opts.log);
  writeConfigs(l, properties, opts.security);
  await formatStorage(l, java, opts.log, opts.security);
  opts.log(`starting Kafka ${l.version} on ${broker}${opts.security ? ` (SASL_SSL on ${opts.security.port})` : ''}…`);
  const pid = await spawnDetached({
    command: java,
    args: javaArgs(l, 'kafka.Kafka', [l.serverProperties], ['-Xmx512m', '-Xms256m']),
    cwd: l.dir,
    outputFile: l.outputFile,
    pidFile: l.pidFile,
  });
  await waitUntilReady(l, broker, pid);
  await secure(l, opts);
  return { started: true };
}

/** SCRAM users and role ACLs, when the broker has a SASL listener. */
async function secure(l: KafkaLayout, opts: KafkaStartOptions): Promise<void> {
  if (!opts.security) return;
  await ensureScramUsers({
    host: HOST,
    plaintextPort: opts.port,
    security: opts.security,
    java: requireJava(),
    classpath: join(l.libDir, '*'),
    major: l.major,
    log: opts.log,
  });
  await grantRoleAcls(HOST, opts.port, opts.security);
}

async function waitUntilReady(l: KafkaLayout, broker: string, pid: number): Promise<void> {
  await waitFor(
    `Kafka on ${broker}`,
    async () => {
      if (!isProcessAlive(pid, PROCESS_HINT)) {
        const tail = tailFile(l.outputFile, 10) || tailFile(l.serverLog, 10);
        throw new Error(`Kafka (pid ${pid}) exited during start-up; see ${l.serverLog} and ${l.outputFile}:\n${tail}`);
      }
      try {
        await kafkaListTopics(broker);
        return true;
      } catch (err) {
        return `admin listTopics failed: ${(err as Error).message}`;
      }
    },
    { timeoutMs: 60_000, intervalMs: 500, hint: `see ${l.serverLog}` },
  );
}

export async function stopKafka(dataDir: string, log: Log): Promise<void> {
  // Controlled shutdown of a single KRaft node usually takes 1-5 s; SIGKILL after 30 s.
  const pidFile = join(dataDir, 'kafka', 'kafka.pid');
  if (await stopByPidFile(pidFile, PROCESS_HINT, 30_000)) log('stopped Kafka');
}

export async function kafkaStatus(port: number, dataDir: string): Promise<{ up: boolean; detail: string }> {
  const broker = `${HOST}:${port}`;
  try {
    const topics = await kafkaListTopics(broker);
    const pid = livePidFromFile(join(dataDir, 'kafka', 'kafka.pid'), PROCESS_HINT);
    const owner = pid === undefined ? 'not started by this stack' : `pid ${pid}`;
    return { up: true, detail: `broker ${broker} (${owner}), ${topics.length} topics` };
  } catch (err) {
    return { up: false, detail: `broker ${broker}: ${(err as Error).message}` };
  }
}
