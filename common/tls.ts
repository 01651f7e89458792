// TLS settings (common/config-security.ts) → Node's tls options, shared by the Redis,
// Kafka and ClickHouse clients. Files are read once, when a client is built, and a file
// that cannot be read is an error naming the config key and the path (never its content).
// Handshake failures are translated into messages that say what to fix (`tlsFailureHint`).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { TlsSetting } from './config-security.ts';

export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
}

function readPem(path: string, key: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new TlsConfigError(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!pem.includes('-----BEGIN ')) throw new TlsConfigError(`${key}: ${path} is not a PEM file`);
  return pem;
}

/**
 * Node tls options for a setting, or undefined for no TLS. `key` names the setting in
 * errors (`kafka.tls`). Certificates are always verified (rejectUnauthorized stays true).
 */
export function tlsOptions(setting: TlsSetting | undefined, key: string): ConnectionOptions | undefined {
  if (setting === undefined || setting === false) return undefined;
  if (setting === true) return { rejectUnauthorized: true };
  return {
    rejectUnauthorized: true,
    ...(setting.caFile ? { ca: readPem(setting.caFile, `${key}.caFile`) } : {}),
    ...(setting.certFile ? { cert: readPem(setting.certFile, `${key}.certFile`) } : {}),
    ...(setting.keyFile ? { key: readPem(setting.keyFile, `${key}.keyFile`) } : {}),
    ...(setting.serverName ? { servername: setting.serverName } : {}),
  };
}

// OpenSSL / Node error codes of a failed handshake → what the operator should check.
const HINTS: Array<[RegExp, string]> = [
  [
    /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate/i,
    "the server's certificate is not signed by a trusted CA: set tls.caFile to the CA that signed it",
  ],
  [
    /ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match certificate/i,
    "the server's certificate does not name the host connected to: set tls.serverName to a name the certificate carries",
  ],
  [/CERT_HAS_EXPIRED|certificate has expired/i, "the server's certificate has expired"],
  [/CERT_NOT_YET_VALID/i, "the server's certificate is not valid yet (check the clocks)"],
  [
    /certificate required|alert number 116|sslv3 alert handshake failure|bad certificate|alert number 42/i,
    'the server wants a client certificate it accepts: set tls.certFile and tls.keyFile',
  ],
  [
    /wrong version number|packet length too long|EPROTO/i,
    'the port does not speak TLS (or speaks only TLS): check the port and the tls setting',
  ],
  // TLS 1.3 checks the client certificate after the handshake: depending on timing the
  // client sees the alert above or only the connection closing.
  [
    /ECONNRESET|socket disconnected before secure TLS connection|Connection is closed/i,
    'the server closed the TLS connection: it may want a client certificate (set tls.certFile and tls.keyFile), or not speak TLS on this port',
  ],
];

/** A hint for a TLS failure, or undefined when the error is not about TLS. */
export function tlsFailureHint(err: unknown): string | undefined {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  const text = [e?.code, e?.message, e?.cause?.code, e?.cause?.message].filter(Boolean).join(' ');
  return HINTS.find(([re]) => re.test(text))?.[1];
}

/** `message` with a TLS hint appended when the error is a TLS failure; `tls` false: the connection did not use TLS, no hint. */
export function withTlsHint(message: string, err: unknown, tls = true): string {
  if (!tls) return message;
  const hint = tlsFailureHint(err);
  return hint && !message.includes(hint) ? `${message} (TLS: ${hint})` : message;
}
