import type { PaymentProvider } from '../ports/payments.js';

/** PAYMENTS=simulated: every deposit is accepted at once, standing in for a payment provider. */
export const simulatedPayments: PaymentProvider = {
  name: 'simulated',
  async collect() {},
};
