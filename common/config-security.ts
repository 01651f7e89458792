import { isIP } from 'node:net';
import Type, { type Static } from 'typebox';

// Credentials and transport security of every link redscope opens: TLS towards Redis,
// Kafka and ClickHouse, SASL towards Kafka, one ClickHouse user per role. Passwords are
// secrets: validation messages name the key, never the value (common/secrets.ts keeps
// them out of log lines too). Documented in docs/security.md.

const Path = Type.String({ minLength: 1 });

/**
 * TLS towards a server. `true` = TLS verified against the system's CAs; an object adds a
 * private CA, a client certificate (mutual TLS) and the name the server's certificate
 * must carry. Certificates are always verified: there is no switch to turn that off.
 */
export const TlsFiles = Type.Object(
  {
    /** PEM file with the CA certificate(s) that signed the server's certificate; default: the system's CAs. */
    caFile: Type.Optional(Path),
    /** PEM client certificate, for servers that require one (mutual TLS); needs keyFile. */
    certFile: Type.Optional(Path),
    /** PEM private key of certFile (unencrypted). */
    keyFile: Type.Optional(Path),
    /**
     * The name the server's certificate must carry (and the SNI sent), when it is not the
     * host connected to — e.g. cluster nodes discovered by IP whose certificates name a host.
     */
    serverName: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  },
  { additionalProperties: false },
);
export type TlsFiles = Static<typeof TlsFiles>;
export const TlsSetting = Type.Union([Type.Boolean(), TlsFiles]);
export type TlsSetting = Static<typeof TlsSetting>;

/** SASL towards Kafka: SCRAM (the password never crosses the wire) or PLAIN (only ever over TLS). */
export const KafkaSasl = Type.Object(
  {
    mechanism: Type.Enum(['scram-sha-512', 'scram-sha-256', 'plain']),
    username: Type.String({ minLength: 1 }),
    /** A secret. */
    password: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type KafkaSasl = Static<typeof KafkaSasl>;

export const ClickHouseCredentials = Type.Object(
  { username: Type.String({ minLength: 1 }), /** A secret. */ password: Type.String() },
  { additionalProperties: false },
);
export type ClickHouseCredentials = Static<typeof ClickHouseCredentials>;

/** What each redscope process does in ClickHouse, and so which user it connects as. */
export type ClickHouseRole = 'migrator' | 'writer' | 'reader';
export const CLICKHOUSE_ROLES: readonly ClickHouseRole[] = ['migrator', 'writer', 'reader'];

/**
 * One user per role (names suggested: redscope_migrator, redscope_writer, redscope_reader);
 * a role without its own entry uses clickhouse.username/password.
 */
export const ClickHouseUsers = Type.Object(
  {
    /** DDL: migrations at start and retention (dropping old partitions). */
    migrator: Type.Optional(ClickHouseCredentials),
    /** Inserts and the reads that go with them (stream processor, alert manager); no DDL. */
    writer: Type.Optional(ClickHouseCredentials),
    /** Read-only: the API (and Grafana's datasource). */
    reader: Type.Optional(ClickHouseCredentials),
  },
  { additionalProperties: false },
);
export type ClickHouseUsers = Static<typeof ClickHouseUsers>;

/** Who may call the API behind a reverse proxy: Fastify's `trustProxy` (true, hop count, or addresses/CIDRs). */
export const TrustProxy = Type.Union([
  Type.Boolean(),
  Type.Integer({ minimum: 1, maximum: 100 }),
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 100 }),
]);
export type TrustProxy = Static<typeof TrustProxy>;

/** The certFile/keyFile pair of a TLS setting, checked; `key` names it in the message (`/kafka/tls`). */
function tlsProblems(tls: TlsSetting | undefined, key: string): string[] {
  if (typeof tls !== 'object') return [];
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    return [`${key}: certFile and keyFile go together (a client certificate needs its key)`];
  return [];
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isCidrOrIp = (s: string) => {
  const [ip = '', bits, extra] = s.split('/');
  const family = isIP(ip);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

interface SecuritySections {
  kafka: { tls?: TlsSetting; sasl?: KafkaSasl | null };
  clickhouse: { url: string; tls?: TlsFiles };
  collector: { clusters: Array<{ tls?: TlsSetting }>; instances: Array<{ tls?: TlsSetting }> };
  api: { trustProxy?: TrustProxy };
}
type KafkaSection = Pick<SecuritySections, 'kafka'>;

/** What the schema cannot say about the security settings. Messages name the key, never a value. */
export function securityConfigProblems(c: SecuritySections): string[] {
  const problems: string[] = [];
  if (URL.canParse(c.clickhouse.url)) {
    const u = new URL(c.clickhouse.url);
    if (u.username || u.password)
      problems.push('/clickhouse/url: must not carry credentials; use clickhouse.username and clickhouse.password');
    if (c.clickhouse.tls && u.protocol !== 'https:')
      problems.push('/clickhouse/tls: is only used with an https:// url');
  } else problems.push('/clickhouse/url: not a valid URL');
  problems.push(...tlsProblems(c.kafka.tls, '/kafka/tls'), ...tlsProblems(c.clickhouse.tls, '/clickhouse/tls'));
  for (const [i, t] of c.collector.clusters.entries())
    problems.push(...tlsProblems(t.tls, `/collector/clusters/${i}/tls`));
  for (const [i, t] of c.collector.instances.entries())
    problems.push(...tlsProblems(t.tls, `/collector/instances/${i}/tls`));
  if (Array.isArray(c.api.trustProxy))
    c.api.trustProxy.forEach((p, i) => {
      if (!PROXY_NAMES.has(p) && !isCidrOrIp(p))
        problems.push(`/api/trustProxy/${i}: expected an IP address, a CIDR range or loopback|linklocal|uniquelocal`);
    });
  return problems;
}

/**
 * Settings that work but weaken security, for start-up warnings and `redscope doctor`.
 * PLAIN without TLS sends the Kafka password in clear text on every connection.
 */
export function securityConfigWarnings(c: KafkaSection): string[] {
  const warnings: string[] = [];
  if (c.kafka.sasl?.mechanism === 'plain' && !c.kafka.tls)
    warnings.push('kafka.sasl: PLAIN without kafka.tls sends the password in clear text; enable TLS or use SCRAM');
  return warnings;
}
