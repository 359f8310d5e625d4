/** RFC 9562 UUIDv7: 48-bit Unix milliseconds, then version, variant and 74 random bits. */
export function uuidV7(unixMs: number, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('uuidV7 needs 10 random bytes');
  const bytes = new Uint8Array(16);
  let ms = unixMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(random.subarray(0, 10), 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const COUNTER_MAX = 0x0fff;

/**
 * UUIDv7s that sort in the order this process made them (RFC 9562 §6.2, method 1): the 12 bits
 * after the version are a counter, started at a random value below 2048 in each new millisecond
 * and incremented within one, so ids made in the same millisecond (the ballots of one request,
 * say) still list newest first. A full counter borrows the next millisecond, and a clock that
 * steps back never makes an id sort before an earlier one.
 */
export function monotonicUuidV7(now: () => number, random: (length: number) => Uint8Array): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    const bytes = random(10);
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      counter = (((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)) & 0x07ff;
    } else if (counter < COUNTER_MAX) {
      counter += 1;
    } else {
      lastMs += 1;
      counter = 0;
    }
    bytes[0] = counter >> 8;
    bytes[1] = counter & 0xff;
    return uuidV7(lastMs, bytes);
  };
}
