// Loads configuration: defaults (which work against `npm run stack -- up`), then the YAML
// file named by --config or REDSCOPE_CONFIG, then REDSCOPE_* environment variables.
// Validation is pure and runs before any connection is made; errors name the bad key.
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { validator } from '../contracts/validate.ts';
import { Config } from './config-schema.ts';
import { alertsConfigProblems } from './config-alerts.ts';
import { securityConfigProblems, type TlsSetting } from './config-security.ts';
import { registerSecrets, urlTokens } from './redact.ts';

export { Config } from './config-schema.ts';
export type { ClusterTarget, StandaloneTarget } from './config-schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every setting at its default: derived from the schema's `default:` annotations (common/config-schema.ts), stated nowhere else. */
export function defaultConfig(): Config {
  return Value.Default(Config, {}) as Config;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(base[k]) ? merge(base[k] as Json, v) : v;
  return out;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function intVar(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new ConfigError(`${name}: expected a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

function boolVar(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(`${name}: expected true or false, got ${JSON.stringify(env[name])}`);
}

/** `<PREFIX>_TLS` (true/false) and `<PREFIX>_TLS_CA_FILE`, `_CERT_FILE`, `_KEY_FILE`, `_SERVER_NAME`. */
function tlsVars(env: NodeJS.ProcessEnv, prefix: string): TlsSetting | undefined {
  const files: Record<string, string> = {};
  for (const [key, suffix] of [
    ['caFile', 'CA_FILE'],
    ['certFile', 'CERT_FILE'],
    ['keyFile', 'KEY_FILE'],
    ['serverName', 'SERVER_NAME'],
  ] as const) {
    const v = env[`${prefix}_TLS_${suffix}`];
    if (v) files[key] = v;
  }
  const on = boolVar(env, `${prefix}_TLS`);
  if (on === false && Object.keys(files).length > 0)
    throw new ConfigError(`${prefix}_TLS is false but ${prefix}_TLS_* files are set`);
  if (Object.keys(files).length > 0) return files;
  return on;
}

/** REDSCOPE_REDIS_TLS* as a TLS setting, for commands that take Redis credentials from the environment (`redscope scan`). */
export function redisTlsFromEnv(env: NodeJS.ProcessEnv = process.env): TlsSetting | undefined {
  return tlsVars(env, 'REDSCOPE_REDIS');
}

/** Secret variables that may instead name a file holding the value (`…_FILE`: Docker and Kubernetes secrets). */
const FILE_VARIABLES =
  /^REDSCOPE_(CLICKHOUSE_(MIGRATOR_|WRITER_|READER_)?PASSWORD|REDIS_PASSWORD|KAFKA_PASSWORD|API_TOKENS)$/;

function withFileVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const [key, path] of Object.entries(env)) {
    if (!key.endsWith('_FILE') || !path || !FILE_VARIABLES.test(key.slice(0, -5))) continue;
    const name = key.slice(0, -5);
    if (env[name]) throw new ConfigError(`${name} and ${key} are both set; use one`);
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${key}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return out;
}

/** REDSCOPE_API_TRUST_PROXY: true/false, a hop count, or comma-separated addresses/CIDRs. */
function trustProxyVar(v: string | undefined): boolean | number | string[] | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^\d+$/.test(t)) return Number(t);
  return list(v);
}

/** REDSCOPE_API_TOKENS → read-scope tokens. Errors name the entry by position, never echo the token. */
function apiTokensVar(v: string): Array<{ name: string; token: string; scope: 'read' }> {
  return list(v).map((pair, i) => {
    const colon = pair.indexOf(':');
    if (colon <= 0 || colon === pair.length - 1)
      throw new ConfigError(`REDSCOPE_API_TOKENS: entry ${i + 1} must be name:token`);
    return { name: pair.slice(0, colon), token: pair.slice(colon + 1), scope: 'read' };
  });
}

/** The REDSCOPE_* variables as a partial config. */
function fromEnv(rawEnv: NodeJS.ProcessEnv): Json {
  const env = withFileVariables(rawEnv);
  const o: Json = { kafka: {}, clickhouse: {}, collector: {}, stream: {}, api: {} };
  const set = (section: string, key: string, value: unknown) => {
    if (value !== undefined && value !== '') (o[section] as Json)[key] = value;
  };
  if (env.REDSCOPE_KAFKA_BROKERS) set('kafka', 'brokers', list(env.REDSCOPE_KAFKA_BROKERS));
  set('clickhouse', 'url', env.REDSCOPE_CLICKHOUSE_URL);
  set('clickhouse', 'database', env.REDSCOPE_CLICKHOUSE_DATABASE);
  set('clickhouse', 'username', env.REDSCOPE_CLICKHOUSE_USER);
  set('clickhouse', 'password', env.REDSCOPE_CLICKHOUSE_PASSWORD);
  const users: Json = {};
  const role = (name: string, username: string | undefined, password: string | undefined) => {
    const user: Json = {};
    if (username) user.username = username;
    if (password !== undefined) user.password = password;
    if (Object.keys(user).length > 0) users[name] = user;
  };
  role('migrator', env.REDSCOPE_CLICKHOUSE_MIGRATOR_USER, env.REDSCOPE_CLICKHOUSE_MIGRATOR_PASSWORD);
  role('writer', env.REDSCOPE_CLICKHOUSE_WRITER_USER, env.REDSCOPE_CLICKHOUSE_WRITER_PASSWORD);
  role('reader', env.REDSCOPE_CLICKHOUSE_READER_USER, env.REDSCOPE_CLICKHOUSE_READER_PASSWORD);
  if (Object.keys(users).length > 0) set('clickhouse', 'users', users);
  set('clickhouse', 'tls', tlsVars(env, 'REDSCOPE_CLICKHOUSE'));
  set('clickhouse', 'migrateOnStart', boolVar(env, 'REDSCOPE_CLICKHOUSE_MIGRATE_ON_START'));
  set('kafka', 'tls', tlsVars(env, 'REDSCOPE_KAFKA'));
  if (env.REDSCOPE_KAFKA_USERNAME || env.REDSCOPE_KAFKA_PASSWORD || env.REDSCOPE_KAFKA_SASL_MECHANISM)
    set('kafka', 'sasl', {
      mechanism: env.REDSCOPE_KAFKA_SASL_MECHANISM || 'scram-sha-512',
      username: env.REDSCOPE_KAFKA_USERNAME,
      password: env.REDSCOPE_KAFKA_PASSWORD,
    });
  set('clickhouse', 'cluster', env.REDSCOPE_CLICKHOUSE_CLUSTER);
  set('collector', 'name', env.REDSCOPE_COLLECTOR_NAME);
  set('collector', 'infoEveryMs', intVar(env, 'REDSCOPE_INFO_EVERY_MS'));
  if (env.REDSCOPE_COLLECTOR_SPILL_DIR) set('collector', 'spill', { dir: env.REDSCOPE_COLLECTOR_SPILL_DIR });
  if (env.REDSCOPE_REDIS_SEEDS) {
    set('collector', 'clusters', [
      {
        name: env.REDSCOPE_CLUSTER_NAME || 'local',
        seeds: list(env.REDSCOPE_REDIS_SEEDS),
        ...(env.REDSCOPE_REDIS_USERNAME ? { username: env.REDSCOPE_REDIS_USERNAME } : {}),
        ...(env.REDSCOPE_REDIS_PASSWORD ? { password: env.REDSCOPE_REDIS_PASSWORD } : {}),
        ...(tlsVars(env, 'REDSCOPE_REDIS') !== undefined ? { tls: tlsVars(env, 'REDSCOPE_REDIS') } : {}),
      },
    ]);
  }
  set('stream', 'groupId', env.REDSCOPE_STREAM_GROUP_ID);
  // `off`, or a port (0: any free one) on the configured host.
  const healthPort = env.REDSCOPE_STREAM_HEALTH_PORT;
  if (healthPort === 'off') (o.stream as Json).health = null;
  else if (healthPort) set('stream', 'health', { host: '127.0.0.1', port: intVar(env, 'REDSCOPE_STREAM_HEALTH_PORT') });
  set('api', 'host', env.REDSCOPE_API_HOST);
  set('api', 'port', intVar(env, 'REDSCOPE_API_PORT'));
  set('api', 'allowNoAuth', boolVar(env, 'REDSCOPE_API_ALLOW_NO_AUTH'));
  set('api', 'trustProxy', trustProxyVar(env.REDSCOPE_API_TRUST_PROXY));
  // `name:token,name:token` (read scope); replaces api.tokens from the file.
  if (env.REDSCOPE_API_TOKENS) set('api', 'tokens', apiTokensVar(env.REDSCOPE_API_TOKENS));
  return o;
}

const checkConfig = validator(Config);

/** Validates a merged config object; the error names every bad key (first five). */
export function validateConfig(input: unknown, source: string): Config {
  const result = checkConfig(input);
  if (!result.ok) throw new ConfigError(`invalid configuration (${source}): ${result.reason}`);
  const problems = [...securityConfigProblems(result.value), ...alertsConfigProblems(result.value.alerts)];
  if (problems.length > 0)
    throw new ConfigError(`invalid configuration (${source}): ${problems.slice(0, 5).join('; ')}`);
  return result.value;
}

export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.REDSCOPE_CONFIG;
  let fromFile: Json = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined && !isObject(parsed))
      throw new ConfigError(`config file ${file}: expected a mapping at the top level`);
    fromFile = (parsed as Json | null) ?? {};
  }
  const merged = merge(merge(defaultConfig() as unknown as Json, fromFile), fromEnv(env));
  const config = validateConfig(merged, file ? `${file} + environment` : 'defaults + environment');
  registerSecrets(configSecrets(config));
  return config;
}

/** Every secret in a config: what no log line may contain (registered by loadConfig). */
export function configSecrets(c: Config): string[] {
  const ch = c.clickhouse;
  return [
    ch.password,
    ...Object.values(ch.users ?? {}).map((u) => u?.password),
    c.kafka.sasl?.password,
    ...[...c.collector.clusters, ...c.collector.instances].map((t) => t.password),
    ...c.api.tokens.map((t) => t.token),
    ...c.alerts.receivers.flatMap((r) => [r.secret, ...urlTokens(r.url)]),
  ].filter((s): s is string => typeof s === 'string' && s !== '');
}
