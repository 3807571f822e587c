import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILD_DIGEST, SOLC_VERSION } from '../index.js';
import { compileContracts, staleGeneratedFiles } from './compileContracts.js';

describe('compileContracts', () => {
  it('rebuilds exactly the committed typed modules (deterministic, and the sources match them)', () => {
    const result = compileContracts();
    assert.deepEqual(result.warnings, [], 'our contracts compile without warnings');
    assert.deepEqual(
      result.contracts.map((c) => c.name),
      [
        'ClaimsManager',
        'DelegateManager',
        'DgcoToken',
        'EntityManager',
        'Governance',
        'NodeRegistry',
        'PaymentRouter',
        'PlayLog',
        'ServiceTypeManager',
        'Staking',
      ],
    );
    assert.equal(result.solcVersion, SOLC_VERSION);
    assert.deepEqual(
      staleGeneratedFiles(result.files),
      [],
      'run npm run build -w @coliving/contracts',
    );
    assert.match(result.files.get('index.ts') ?? '', new RegExp(BUILD_DIGEST));
    for (const c of result.contracts) assert.match(c.bytecode, /^0x[0-9a-f]+$/);
  });
});
