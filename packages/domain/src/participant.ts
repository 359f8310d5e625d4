import { invalid } from './errors.js';
import type { ParticipantId } from './ids.js';

export type Role = 'participant' | 'admin';

export interface Participant {
  readonly id: ParticipantId;
  readonly username: string;
  readonly email: string | null;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: Date;
}

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
// Deliberately loose: the only promise an address makes is that mail can be tried.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** Characters are code points, as the request schema counts them: an emoji is one, not two. */
export function checkPassword(password: string): void {
  const characters = [...password].length;
  if (characters < PASSWORD_MIN || characters > PASSWORD_MAX) {
    invalid('password', `password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`);
  }
}

/** Usernames are unique ignoring case; this is the key they are compared by. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** The registration rules that need no hash: callers check them before paying for argon2. */
export function checkRegistration(input: { username: string; email?: string | null | undefined }): { email: string | null } {
  if (!USERNAME.test(input.username)) {
    invalid('username', 'username must be 3-32 letters, digits, "_", "." or "-"');
  }
  const email = input.email?.trim() ? input.email.trim().toLowerCase() : null;
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) {
    invalid('email', 'email is not a valid address');
  }
  return { email };
}

export function registerParticipant(input: {
  id: ParticipantId;
  username: string;
  email?: string | null | undefined;
  role?: Role;
  passwordHash: string;
  now: Date;
}): Participant {
  const { email } = checkRegistration(input);
  return {
    id: input.id,
    username: input.username,
    email,
    role: input.role ?? 'participant',
    passwordHash: input.passwordHash,
    createdAt: input.now,
  };
}
