// Amounts, gates and refusals as a person reads them.
import { encodeHashId } from '@coliving/protocol';
import { describe, expect, it } from 'vitest';
import { landlordShare, validateAccess } from './access.js';
import { formatDgco, parseDgco } from './dgco.js';
import { NO_UNLOCKS, gateOf, lockOf } from './gates.js';
import { describePaymentError } from './paymentErrors.js';

const WEI = 10n ** 18n;

describe('DGCO amounts', () => {
  it('shows wei as DGCO, grouped and rounded down to four decimals', () => {
    expect(formatDgco(1000n * WEI)).toBe('1,000 DGCO');
    expect(formatDgco('2500000000000000000')).toBe('2.5 DGCO');
    expect(formatDgco(123456789n * 10n ** 10n)).toBe('1.2345 DGCO');
    expect(formatDgco(1n)).toBe('<0.0001 DGCO');
    expect(formatDgco(0n)).toBe('0 DGCO');
  });

  it('reads what a person types, exactly, and says what is wrong otherwise', () => {
    expect(parseDgco('2.5')).toEqual({ wei: 25n * 10n ** 17n });
    expect(parseDgco(' 1,000 ')).toEqual({ wei: 1000n * WEI });
    expect(parseDgco('.5')).toEqual({ wei: 5n * 10n ** 17n });
    expect(parseDgco('')).toEqual({ error: 'Enter an amount of DGCO.' });
    expect(parseDgco('two')).toEqual({ error: 'Enter a number, like 2.5.' });
    expect(parseDgco('0')).toEqual({ error: 'Enter an amount above 0.' });
    expect(parseDgco('-1')).toEqual({ error: 'Enter a number, like 2.5.' });
    expect(parseDgco('0.0000000000000000001')).toEqual({
      error: 'DGCO has at most 18 decimals.',
    });
  });
});

describe('locks', () => {
  const owner = encodeHashId(7);
  const track = (stream_conditions: Record<string, unknown> | null, stream = false) => ({
    id: encodeHashId(70),
    user: { id: owner },
    stream_conditions,
    access: { stream, download: false },
  });
  const sale = { dgco_purchase: { price: '2500000000000000000' } };

  it('reads each gate from its conditions', () => {
    expect(gateOf(null)).toBeNull();
    expect(gateOf({ follow_user_id: 7 })).toEqual({ kind: 'follow', userId: owner });
    expect(gateOf({ tip_user_id: 7 })).toEqual({ kind: 'tip', userId: owner });
    expect(gateOf(sale)).toEqual({ kind: 'purchase', price: 25n * 10n ** 17n, splits: undefined });
  });

  it('opens for the owner, with access, once bought, or once the landlord was tipped', () => {
    const none = NO_UNLOCKS;
    const listener = encodeHashId(8);
    expect(lockOf(track(sale), listener, none)?.kind).toBe('purchase');
    expect(lockOf(track(sale), undefined, none)?.kind).toBe('purchase');
    expect(lockOf(track(sale), owner, none)).toBeNull();
    expect(lockOf(track(sale, true), listener, none)).toBeNull();
    const bought = { ...none, bought: new Set([encodeHashId(70)]) };
    expect(lockOf(track(sale), listener, bought)).toBeNull();
    const tipped = { ...none, tipped: new Set([owner]) };
    expect(lockOf(track({ tip_user_id: 7 }), listener, tipped)).toBeNull();
    // A tip does not buy anything, nor stand for a follow; a purchase opens no tip gate.
    expect(lockOf(track(sale), listener, tipped)?.kind).toBe('purchase');
    expect(lockOf(track({ follow_user_id: 7 }), listener, tipped)?.kind).toBe('follow');
    expect(lockOf(track({ tip_user_id: 7 }), listener, bought)?.kind).toBe('tip');
  });

  it('takes a follow or unfollow since the page was read as the last word on a follow gate', () => {
    const listener = encodeHashId(8);
    const gate = { follow_user_id: 7 };
    const followed = { ...NO_UNLOCKS, follows: new Map([[owner, true]]) };
    const unfollowed = { ...NO_UNLOCKS, follows: new Map([[owner, false]]) };
    expect(lockOf(track(gate), listener, followed)).toBeNull();
    // The page read access while the listener followed; they unfollowed since.
    expect(lockOf(track(gate, true), listener, unfollowed)?.kind).toBe('follow');
    expect(lockOf(track(gate, true), owner, unfollowed)).toBeNull();
    // An unfollow of someone else changes nothing.
    expect(lockOf(track(sale, true), listener, unfollowed)).toBeNull();
  });
});

describe('refusals in words', () => {
  it('names the amounts a short balance lacks', () => {
    expect(
      describePaymentError(
        { code: 'insufficient_balance' },
        { amount: 25n * 10n ** 17n, balance: 12n * 10n ** 17n },
      ),
    ).toBe('You need 2.5 DGCO; you have 1.2.');
    expect(describePaymentError({ code: 'already_owned' })).toBe('You already own this.');
    expect(describePaymentError({ code: 'own_content' })).toBe(
      'This track is yours: there is nothing to buy.',
    );
    expect(describePaymentError({ code: 'tip_too_small' }, { what: 'tip' })).toBe(
      'A tip is at least 0.1 DGCO.',
    );
  });
});

describe('access settings', () => {
  const purchase = (price: string, splits: { handle: string; percentage: string }[]) => ({
    mode: 'purchase' as const,
    price,
    splits,
    unlisted: false,
    downloadable: false,
  });

  it('leaves the landlord what the collaborators do not take', () => {
    expect(landlordShare([])).toBe(100);
    expect(
      landlordShare([
        { handle: 'a', percentage: '33.33' },
        { handle: 'b', percentage: '33.33' },
      ]),
    ).toBe(33.34);
  });

  it('refuses a price beyond the supply, the landlord as a collaborator, twice the same handle and shares over 100%', () => {
    expect(validateAccess(purchase('2000000000', []), 'me').price).toBe(
      'A price is at most 1,000,000,000 DGCO (the whole supply).',
    );
    expect(
      validateAccess(purchase('1', [{ handle: '@Me', percentage: '10' }]), 'me').splits,
    ).toEqual(['You get what is left of 100%: list only your collaborators.']);
    expect(
      validateAccess(
        purchase('1', [
          { handle: 'a', percentage: '10' },
          { handle: '@A', percentage: '10' },
        ]),
        'me',
      ).splits?.[1],
    ).toBe('@a is listed twice.');
    expect(
      validateAccess(
        purchase('1', [
          { handle: 'a', percentage: '60' },
          { handle: 'b', percentage: '50' },
        ]),
        'me',
      ).splitTotal,
    ).toBe('Your collaborators’ shares add up to 110%: they must leave room within 100%.');
    expect(
      validateAccess(purchase('1', [{ handle: 'a', percentage: '12.345' }]), 'me').splits,
    ).toEqual(['Enter a share above 0 and below 100, with at most two decimals.']);
  });
});
