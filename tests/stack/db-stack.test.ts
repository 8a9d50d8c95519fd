import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envValue, loadPlatform, STACK_DIR } from '../helpers/stack';

// The db stack: PostgreSQL on its labelled node and its scheduled backups.
describe('stack files', () => {
  const { service } = loadPlatform();

  describe('db.yml', () => {
    const postgres = service('db.yml', 'postgres');
    const backup = service('db.yml', 'backup');

    it('runs PostgreSQL on the labelled node with its volume, secret, health check and DNS round robin', () => {
      expect(postgres.deploy?.endpoint_mode).to.equal('dnsrr');
      expect(postgres.deploy?.placement?.constraints).to.include('node.labels.db == true');
      expect(postgres.volumes).to.include('pgdata:/var/lib/postgresql/data');
      expect(envValue(postgres, 'POSTGRES_PASSWORD_FILE')).to.equal('/run/secrets/postgres_password');
      expect(postgres.healthcheck!.test.join(' ')).to.include('pg_isready');
      expect(postgres.deploy?.update_config).to.include({ order: 'stop-first' });
    });

    it('backs up on a schedule with retention, as an unprivileged user, beside the data', () => {
      expect(backup.entrypoint).to.deep.equal(['/usr/local/bin/db-backup']);
      expect(backup.command).to.deep.equal(['schedule']);
      expect(backup.user).to.equal('postgres');
      expect(envValue(backup, 'BACKUP_INTERVAL_SECONDS')).to.equal('21600');
      expect(envValue(backup, 'BACKUP_RETENTION_DAYS')).to.equal('7');
      expect(envValue(backup, 'PGHOST')).to.equal('db_postgres');
      expect(backup.deploy?.placement?.constraints).to.include('node.labels.db == true');
      expect(readFileSync(path.join(STACK_DIR, 'db/backup.sh'), 'utf8')).to.match(/^#!\/usr\/bin\/env bash/);
    });
  });
});
