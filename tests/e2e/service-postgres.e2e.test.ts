import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { isolatedPostgresSchema, tempDir, TEST_DATABASE_URL } from '../helpers/databases';
import { REPO_ROOT, startNode, type NodeProcess } from '../helpers/processes';

// The compiled service (dist/, as the image runs it) against a real PostgreSQL server, with its
// password and API token read from files as Docker secrets deliver them.
describe('built service on PostgreSQL (e2e)', () => {
  const token = 'e2e-token-0123456789abcdef';
  let service: NodeProcess;
  let schema: Awaited<ReturnType<typeof isolatedPostgresSchema>>;
  let temp: ReturnType<typeof tempDir>;
  let base: string;
  let metricsBase: string;

  before(async () => {
    if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL must point at a PostgreSQL server (.ci/run starts one)');
    schema = await isolatedPostgresSchema(TEST_DATABASE_URL);
    temp = tempDir();
    const url = new URL(schema.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    writeFileSync(path.join(temp.dir, 'db-password'), `${password}\n`);
    writeFileSync(path.join(temp.dir, 'api-token'), `${token}\n`);
    service = startNode(path.join(REPO_ROOT, 'dist/service/main.js'), {
      env: {
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: url.toString(),
        DATABASE_PASSWORD_FILE: path.join(temp.dir, 'db-password'),
        API_TOKEN_FILE: path.join(temp.dir, 'api-token'),
        GIT_COMMIT: 'e2e1234',
        BACKUP_DIR: path.join(temp.dir, 'backups'),
        SHUTDOWN_DELAY_MS: '200',
      },
    });
    const { port, metricsPort } = await service.listening();
    base = `http://127.0.0.1:${port}`;
    metricsBase = `http://127.0.0.1:${metricsPort}`;
  });

  after(async () => {
    await service?.stop('SIGKILL');
    await schema?.drop();
    temp?.remove();
  });

  it('should have migrated the database at start-up', async () => {
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM schema_migrations')).rows).to.deep.equal([{ version: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('should be ready, and store and greet through PostgreSQL', async () => {
    await request(base).get('/ready').expect(200, { status: 'ready', database: 'ok' });
    await request(base).put('/hello/Zoë').set('Content-Type', 'application/json').send('{"dateOfBirth":"1990-01-01"}').expect(401);
    await request(base).put(`/hello/${encodeURIComponent('Zoë')}`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send('{"dateOfBirth":"1990-01-01"}').expect(204);
    const res = await request(base).get(`/hello/${encodeURIComponent('Zoë')}`).expect(200);
    expect(res.body.message).to.match(/^Hello, Zoë! (Your birthday is in \d+ days?|Happy birthday!)$/);
  });

  it('should export its build on the metrics listener only', async () => {
    const metrics = await request(metricsBase).get('/metrics').expect(200);
    expect(metrics.text).to.include('app_info{version="0.1.0",commit="e2e1234"} 1');
    expect(metrics.text).to.match(/http_requests_total\{method="PUT",route="\/hello\/:username",status_code="204"\} 1/);
    await request(base).get('/metrics').expect(404);
  });

  it('should drain and exit 0 on SIGTERM', async () => {
    expect(await service.stop('SIGTERM')).to.equal(0);
    expect(service.output()).to.include('"msg":"stopped"');
  });
});
