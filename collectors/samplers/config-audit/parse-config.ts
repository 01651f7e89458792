// CONFIG GET * reply → a map of setting → value, with secrets removed on the spot.
// CONFIG GET returns `requirepass` and `masterauth` in clear text: the values are dropped
// here and only whether they are set is kept, so no later step (findings, logs, errors)
// can leak them.

/** Settings whose value is a secret; only their presence is kept (as `<set>` or ''). */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'requirepass',
  'masterauth',
  'tls-key-file-pass',
  'tls-client-key-file-pass',
]);

export const SECRET_PLACEHOLDER = '<set>';

/** Flat [name, value, name, value, …] (RESP2) or a name → value object (RESP3). */
export function parseConfigGet(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const put = (name: string, value: string) =>
    out.set(name, SECRET_SETTINGS.has(name) ? (value === '' ? '' : SECRET_PLACEHOLDER) : value);
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) put(String(reply[i]).toLowerCase(), String(reply[i + 1]));
  } else if (reply && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply)) put(k.toLowerCase(), String(v));
  }
  return out;
}

/** `client-output-buffer-limit` → class → [hard, soft, soft-seconds]. */
export function parseOutputBufferLimits(value: string): Map<string, [number, number, number]> {
  const parts = value.trim().split(/\s+/);
  const out = new Map<string, [number, number, number]>();
  for (let i = 0; i + 3 < parts.length; i += 4) {
    out.set(parts[i]!.toLowerCase(), [Number(parts[i + 1]), Number(parts[i + 2]), Number(parts[i + 3])]);
  }
  return out;
}

/** `ACL GETUSER <user>` reply → its flags (`on`, `nopass`, …); [] when the reply has none. */
export function aclUserFlags(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    if (String(reply[i]) === 'flags' && Array.isArray(reply[i + 1])) return (reply[i + 1] as unknown[]).map(String);
  }
  return [];
}
