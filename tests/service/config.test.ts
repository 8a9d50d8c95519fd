import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../service/config';

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

function configError(env: NodeJS.ProcessEnv, readSecret = noFiles): ConfigError {
  try {
    loadConfig(env, readSecret);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('should give the documented defaults for an empty environment', () => {
    const config = loadConfig({}, noFiles);
    expect(config).to.include({
      port: 3000,
      metricsPort: 9464,
      logLevel: 'info',
      birthdayTimeZone: 'UTC',
      sqlitePath: 'data/app.db',
      databaseUrl: undefined,
      apiToken: undefined,
      trustProxy: false,
      shutdownDelayMs: 5000,
      shutdownTimeoutMs: 10000,
      commit: 'unknown',
      migrations: 'apply',
      databaseStatementTimeoutMs: 5000,
      databaseConnectTimeoutMs: 3000,
    });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('should read MIGRATIONS=check and refuse any other value, naming it', () => {
    expect(loadConfig({ MIGRATIONS: 'check' }, noFiles).migrations).to.equal('check');
    expect(configError({ MIGRATIONS: 'skip' }).message).to.match(/MIGRATIONS must be apply or check/);
  });

  it('should read each setting from its variable', () => {
    const config = loadConfig(
      { PORT: '8080', METRICS_PORT: '9100', BIRTHDAY_TZ: 'Europe/Paris', TRUST_PROXY: '1', GIT_COMMIT: 'deadbee', LOG_LEVEL: 'warn', DB_CONNECT_TIMEOUT_MS: '8000' },
      noFiles,
    );
    expect(config).to.include({ port: 8080, metricsPort: 9100, birthdayTimeZone: 'Europe/Paris', trustProxy: 1, commit: 'deadbee', logLevel: 'warn', databaseConnectTimeoutMs: 8000 });
  });

  it('should treat empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, noFiles)).to.include({ port: 3000, databaseUrl: undefined });
  });

  it('should name every bad variable in one line', () => {
    const error = configError({ PORT: '70000', BIRTHDAY_TZ: 'Mars/Olympus', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(error.message).not.to.include('\n');
    for (const name of ['PORT', 'BIRTHDAY_TZ', 'LOG_LEVEL', 'DATABASE_URL']) expect(error.message).to.include(name);
  });

  for (const port of ['abc', '-1', '3000.5', '65536']) {
    it(`should reject PORT=${port}`, () => expect(configError({ PORT: port }).message).to.match(/PORT must be a whole number/));
  }

  it('should read secrets from *_FILE, without the trailing newline', () => {
    const files: Record<string, string> = { '/run/secrets/token': 'a-long-enough-token-123\n', '/run/secrets/pw': 's3cr:t/@\n' };
    const config = loadConfig(
      { API_TOKEN_FILE: '/run/secrets/token', DATABASE_URL: 'postgres://app@db:5432/app', DATABASE_PASSWORD_FILE: '/run/secrets/pw' },
      (path) => files[path] ?? noFiles(path),
    );
    expect(config.apiToken).to.equal('a-long-enough-token-123');
    expect(new URL(config.databaseUrl ?? '').password).to.equal(encodeURIComponent('s3cr:t/@'));
  });

  it('should reject an unreadable secret file, naming the variable', () => {
    expect(configError({ API_TOKEN_FILE: '/nope' }).message).to.match(/API_TOKEN_FILE: cannot read \/nope \(ENOENT\)/);
  });

  it('should reject a secret given both ways', () => {
    expect(configError({ API_TOKEN: 'x'.repeat(20), API_TOKEN_FILE: '/f' }, () => 'y'.repeat(20)).message).to.match(/API_TOKEN and API_TOKEN_FILE are both set/);
  });

  it('should reject a short API token', () => {
    expect(configError({ API_TOKEN: 'short' }).message).to.match(/API_TOKEN must be at least 16 characters/);
  });

  it('should reject a shutdown delay not below the timeout', () => {
    expect(configError({ SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_TIMEOUT_MS: '5000' }).message).to.match(/SHUTDOWN_DELAY_MS/);
  });
});
