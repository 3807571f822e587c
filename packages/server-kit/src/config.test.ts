import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, env, envName, loadConfig } from './config.js';

const spec = {
  port: env.port().default(4000),
  host: env.string().default('127.0.0.1'),
  databaseUrl: env.url({ protocols: ['postgres:', 'postgresql:'] }).optional(),
  ethRpcUrl: env.url(),
  delegatePrivateKey: env.privateKey(),
  logLevel: env.oneOf(['debug', 'info', 'warn', 'error'] as const).default('info'),
  replicationFactor: env.int({ min: 1, max: 10 }).default(3),
  peers: env.list(env.url()).default([]),
  maxUploadBytes: env.bytes().default(250 * 1024 * 1024),
  repairInterval: env.duration().default(60_000),
  readOnly: env.bool().default(false),
};
const KEY = `0x${'ab'.repeat(32)}`;

describe('loadConfig', () => {
  it('maps camelCase keys to COLIVING_ UPPER_SNAKE variables', () => {
    assert.equal(envName('databaseUrl'), 'COLIVING_DATABASE_URL');
    assert.equal(envName('ethRpcUrl'), 'COLIVING_ETH_RPC_URL');
    assert.equal(envName('port'), 'COLIVING_PORT');
  });

  it('parses typed values and fills defaults', () => {
    const config = loadConfig(spec, {
      env: {
        COLIVING_ETH_RPC_URL: 'http://127.0.0.1:8545',
        COLIVING_DELEGATE_PRIVATE_KEY: KEY,
        COLIVING_PORT: '5000',
        COLIVING_PEERS: 'http://127.0.0.1:1, http://127.0.0.1:2,',
        COLIVING_MAX_UPLOAD_BYTES: '10MiB',
        COLIVING_REPAIR_INTERVAL: '5m',
        COLIVING_READ_ONLY: 'TRUE',
        COLIVING_DATABASE_URL: '',
      },
    });
    assert.deepEqual(config, {
      port: 5000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      ethRpcUrl: 'http://127.0.0.1:8545',
      delegatePrivateKey: KEY,
      logLevel: 'info',
      replicationFactor: 3,
      peers: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      maxUploadBytes: 10 * 1024 * 1024,
      repairInterval: 300_000,
      readOnly: true,
    });
  });

  it('lists every bad or missing variable in one error, without echoing secrets', () => {
    let caught: unknown;
    try {
      loadConfig(spec, {
        env: {
          COLIVING_PORT: '70000',
          COLIVING_DELEGATE_PRIVATE_KEY: '0xdeadbeef-secret',
          COLIVING_LOG_LEVEL: 'loud',
          COLIVING_REPLICATION_FACTOR: '2.5',
          COLIVING_PEERS: 'http://ok:1,ftp://nope',
          COLIVING_MAX_UPLOAD_BYTES: 'lots',
          COLIVING_REPAIR_INTERVAL: '-5s',
          COLIVING_READ_ONLY: 'maybe',
          COLIVING_DATABASE_URL: 'mysql://x',
        },
      });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError);
    assert.equal(caught.code, 'invalid_config');
    assert.deepEqual(
      caught.problems.map((p) => p.variable),
      [
        'COLIVING_PORT',
        'COLIVING_DATABASE_URL',
        'COLIVING_ETH_RPC_URL',
        'COLIVING_DELEGATE_PRIVATE_KEY',
        'COLIVING_LOG_LEVEL',
        'COLIVING_REPLICATION_FACTOR',
        'COLIVING_PEERS',
        'COLIVING_MAX_UPLOAD_BYTES',
        'COLIVING_REPAIR_INTERVAL',
        'COLIVING_READ_ONLY',
      ],
    );
    assert.match(caught.message, /COLIVING_PORT: must be a TCP port from 0 to 65535, got "70000"/);
    assert.match(caught.message, /COLIVING_ETH_RPC_URL: required \(a URL \(http: or https:\)\)/);
    assert.match(
      caught.message,
      /COLIVING_LOG_LEVEL: must be one of debug, info, warn, error, got "loud"/,
    );
    assert.doesNotMatch(caught.message, /deadbeef-secret/);
  });

  it('never echoes URL credentials or secret list items', () => {
    let caught: unknown;
    try {
      loadConfig(
        {
          databaseUrl: env.url({ protocols: ['postgres:'] }),
          rpcUrl: env.url(),
          keys: env.list(env.privateKey()),
        },
        {
          env: {
            COLIVING_DATABASE_URL: 'mysql://admin:hunter2@db/x',
            COLIVING_RPC_URL: 'ftp://node.example/rpc?apikey=s3cret',
            COLIVING_KEYS: `${KEY},0xbad-but-valid-neighbour-leaks`,
          },
        },
      );
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError);
    assert.equal(caught.problems.length, 3);
    for (const secret of ['hunter2', 'admin', 's3cret', KEY, 'neighbour']) {
      assert.ok(!caught.message.includes(secret), `${secret} leaked in: ${caught.message}`);
    }
    assert.match(
      caught.message,
      /COLIVING_DATABASE_URL: must be a URL \(postgres:\), got "mysql:\/\/db\/x"/,
    );
  });

  it('reads process.env by default', () => {
    process.env.COLIVING_TEST_ONLY_VALUE = '42';
    try {
      assert.deepEqual(loadConfig({ testOnlyValue: env.int() }), { testOnlyValue: 42 });
    } finally {
      delete process.env.COLIVING_TEST_ONLY_VALUE;
    }
  });

  it('parses sizes and durations with units', () => {
    const bytes = env.bytes();
    assert.equal(bytes.parse('1048576'), 1048576);
    assert.equal(bytes.parse('512KiB'), 512 * 1024);
    assert.equal(bytes.parse('1.5GB'), 1.5e9);
    assert.throws(() => bytes.parse('12 parsecs'));
    const duration = env.duration();
    assert.equal(duration.parse('250ms'), 250);
    assert.equal(duration.parse('30s'), 30_000);
    assert.equal(duration.parse('2d'), 172_800_000);
    assert.equal(duration.parse('100'), 100);
    assert.throws(() => duration.parse('soon'));
  });
});
