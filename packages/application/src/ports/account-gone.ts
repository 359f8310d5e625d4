import { ApplicationError } from '../errors.js';

/**
 * A write named a participant whose account is gone (a well-signed token outlived it). Stores
 * raise it from their foreign keys at no extra query; a ballot turn that did not check accounts
 * up front then runs again with the check, so that only that request fails (ballot-batches.ts).
 * Clients see UNAUTHORIZED.
 */
export class AccountGone extends ApplicationError {
  constructor() {
    super('UNAUTHORIZED', 'no account has this token');
  }
}
