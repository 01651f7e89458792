// One key → its pattern, judged from that key alone. Keyspace scans do better: their
// pattern miner (pattern-miner.ts) also sees how many distinct values each position takes,
// so `cart:mxijrrf:items` (an id of letters only) becomes `cart:*:items` there. This
// per-key form is for keys seen without their siblings — hot keys from MONITOR or HOTKEYS —
// and gives the same pattern as a scan for the usual shapes:
//   user:123:cart                         → user:*:cart
//   session:9f1c2d3e-…-4a5b6c7d8e9f       → session:*          (UUID)
//   lock:order:7f3e2a                     → lock:order:*       (hex with digits)
//   cart:a8Fk2xQ:items                    → cart:*:items       (letters and digits mixed)
//   order123                              → order*             (a word followed by an id)
//   {user:42}:orders:2024-06-01           → {user:*}:orders:*-*-*  (hash tag kept)
//   mail:alice@example.com                → mail:*             (e-mail address)
//   api:v2:profile                        → api:v2:profile     (words, with short versions, stay)
import { letterStem, looksLikeId, MAX_PATTERN_CHARS, newKeyTokens, tokenise, tokenText } from './key-tokens.ts';

export { MAX_PATTERN_CHARS };

const tokens = newKeyTokens();

export function keyPattern(key: string): string {
  if (key === '') return '(empty)';
  tokenise(key, tokens);
  let out = '';
  for (let i = 0; i < tokens.n; i++) {
    if (tokens.strong[i]) out += `${tokens.seps[i]}*`;
    else {
      const text = tokenText(tokens, i);
      out += looksLikeId(text) ? `${tokens.seps[i]}${letterStem(text)}*` : tokens.edges[i];
    }
  }
  return tokens.truncated ? `${out}…` : out;
}
