/**
 * Whether a configured key (JWT_SECRET, HASH_SECRET) looks like 32 bytes of real randomness,
 * as API.md asks: 64+ hex digits or 43+ base64 characters, not a placeholder, not a pattern.
 * A key that anyone can guess signs admin tokens for everyone, so start-up refuses it.
 *
 * Each test below is one a random key passes with overwhelming probability (a fresh
 * `openssl rand -hex 32` fails less than once in a billion, as hex cannot spell the words; a
 * random base64 key about once in ten million, when it happens to spell one), while typed or
 * copied values fail it: no test judges a key by one unlucky run of characters.
 */

export const HOW_TO_MAKE_ONE =
  "make one with `openssl rand -hex 32` or `node -e \"console.log(require('node:crypto').randomBytes(32).toString('hex'))\"`";

/** The value `.env.example` ships, and the words such placeholders are made of. */
const PLACEHOLDER_WORDS = [
  'change-me',
  'changeme',
  'change_me',
  'placeholder',
  'example',
  'secret',
  'password',
  'replace',
  'fairdraw',
  'qwerty',
  'letmein',
  'default',
];

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MIN_BYTES = 32;

/** Why `secret` is not a sound key, or null when it is. */
export function weaknessOf(secret: string): string | null {
  const lower = secret.toLowerCase();
  const word = PLACEHOLDER_WORDS.find((w) => lower.includes(w));
  if (word !== undefined) return `it contains "${word}", so it is a placeholder or a chosen phrase, not a random key`;
  const bytes = decodedLength(secret);
  if (bytes === null) return 'it is neither hex nor base64: a random key is 64 hex digits or 43+ base64 characters';
  if (bytes < MIN_BYTES)
    return `it holds ${bytes} bytes; at least ${MIN_BYTES} random bytes are needed (64 hex digits or 43+ base64 characters)`;
  return patternIn(secret.replace(/=+$/, ''));
}

function decodedLength(secret: string): number | null {
  if (HEX.test(secret)) return Math.floor(secret.length / 2);
  if (BASE64.test(secret)) return Math.floor((secret.replace(/=+$/, '').length * 6) / 8);
  return null;
}

/**
 * Repetition, sequences and a small alphabet. For random text the share of positions equal to
 * the one `p` further on is 1/16 (hex) or 1/64 (base64), the most common step between neighbours
 * is far from half of them, and a 64-digit hex key uses nearly all 16 digits; a half (or a
 * quarter of the alphabet) is a margin of many standard deviations.
 */
function patternIn(text: string): string | null {
  for (let period = 1; period <= text.length / 2; period++) {
    let same = 0;
    for (let i = 0; i + period < text.length; i++) if (text[i] === text[i + period]) same++;
    if (same * 2 > text.length - period) return `it repeats itself every ${period} characters`;
  }
  const steps = new Map<number, number>();
  for (let i = 1; i < text.length; i++) {
    const step = text.charCodeAt(i) - text.charCodeAt(i - 1);
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  if (Math.max(...steps.values()) * 2 > text.length - 1)
    return 'it is a sequence (most characters follow the previous one by the same step)';
  const alphabet = HEX.test(text) ? 16 : 64;
  const distinct = new Set(alphabet === 16 ? text.toLowerCase() : text).size;
  const expected = alphabet * (1 - (1 - 1 / alphabet) ** text.length);
  if (distinct < expected / 2) return `it uses only ${distinct} different characters`;
  return null;
}
