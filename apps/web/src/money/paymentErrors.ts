// Payment refusals in words a person understands: the relay's stable codes
// (docs/design.md §9) with the amounts the person is looking at.
import { MIN_TIP_WEI } from '@coliving/protocol';
import { describeError } from '../components/States.js';
import { dgcoNumber } from './dgco.js';

export type PaymentContext = {
  /** What the payment asked for, in wei. */
  amount?: bigint;
  /** The payer's balance when known, in wei. */
  balance?: bigint | null;
  /** "track", "album", "tip". */
  what?: 'track' | 'album' | 'playlist' | 'tip';
};

/** A sentence for an error from `sdk.purchases.buy` or `sdk.tips.send`. */
export function describePaymentError(error: unknown, context: PaymentContext = {}): string {
  const code = (error as { code?: string } | null)?.code;
  const what = context.what === 'tip' ? 'tip' : (context.what ?? 'track');
  switch (code) {
    case 'insufficient_balance':
    case 'insufficient_allowance':
      if (context.amount !== undefined && context.balance != null)
        return `You need ${dgcoNumber(context.amount)} DGCO; you have ${dgcoNumber(context.balance)}.`;
      return context.amount !== undefined
        ? `You need ${dgcoNumber(context.amount)} DGCO, more than your wallet holds.`
        : 'Your wallet does not hold enough DGCO.';
    case 'already_owned':
      return 'You already own this.';
    case 'own_content':
      return `This ${what} is yours: there is nothing to buy.`;
    case 'not_for_sale':
      return `This ${what} is no longer for sale.`;
    case 'wrong_amount':
    case 'wrong_splits':
      return `The price of this ${what} changed while you were looking. Reload the page to see the new price.`;
    case 'unknown_content':
      return `This ${what} no longer exists.`;
    case 'tip_too_small':
      return `A tip is at least ${dgcoNumber(MIN_TIP_WEI)} DGCO.`;
    case 'self_tip':
      return 'You cannot tip yourself.';
    case 'wrong_recipient':
    case 'unknown_user':
      return 'This person cannot receive tips right now.';
    case 'authorization_expired':
      return 'The payment took too long and expired. Nothing was paid; try again.';
    case 'nonce_used':
      return 'This payment was already sent once; it is not sent again.';
    case 'invalid_signature':
      return 'Your wallet could not sign the payment. Log out and in again, then retry.';
    case 'relay_disabled':
      return 'Payments are not available on this network right now.';
    default:
      return describeError(error);
  }
}
