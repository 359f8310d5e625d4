export interface Clock {
  now(): Date;
}

/** A cryptographically secure source: seeds, codes, tokens and unpredictable ticket order. */
export interface RandomSource {
  bytes(length: number): Uint8Array;
  /** A uniform integer in [0, bound). */
  below(bound: number): number;
  /** A time-ordered UUID (v7). */
  uuid(): string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** A keyed one-way hash (HMAC with a server secret) for verification codes and guest addresses. */
export interface KeyedHasher {
  hash(value: string): string;
}
