// Amounts of DGCO as apps give them (a bigint of wei, or a decimal string of DGCO) and as the SDK
// shows them back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isColivingSdkError } from './errors.js';
import { formatDgco, toWei } from './payments.js';

describe('DGCO amounts', () => {
  it('reads a bigint as wei and a decimal string as DGCO, exactly', () => {
    assert.equal(toWei(7n), 7n);
    assert.equal(toWei('2.5'), 2_500_000_000_000_000_000n);
    assert.equal(toWei(' 1 '), 10n ** 18n);
    assert.equal(toWei('0.000000000000000001'), 1n);
    assert.equal(toWei('1000000000'), 10n ** 27n);
  });

  it('refuses zero, negatives, more than 18 decimals and anything not a number', () => {
    for (const amount of [
      0n,
      -1n,
      '0',
      '0.0',
      '-1',
      '1e3',
      '1.',
      '.5',
      'abc',
      '1.0000000000000000001',
    ]) {
      assert.throws(
        () => toWei(amount),
        (error: unknown) =>
          isColivingSdkError(error, 'invalid_input') && error.code === 'invalid_amount',
        String(amount),
      );
    }
  });

  it('shows wei as DGCO without trailing zeros', () => {
    assert.equal(formatDgco('2500000000000000000'), '2.5');
    assert.equal(formatDgco(10n ** 18n), '1');
    assert.equal(formatDgco(1n), '0.000000000000000001');
    assert.equal(formatDgco(0n), '0');
  });
});
