import { expect } from 'chai';
import { loadStack } from '../helpers/stack';

// stack/compose.yaml, the platform for local development.
describe('stack files', () => {
  describe('compose.yaml', () => {
    const compose = loadStack('compose.yaml');

    it('binds every published port to 127.0.0.1', () => {
      for (const [name, svc] of Object.entries(compose.services)) {
        for (const port of svc.ports ?? []) expect(port, name).to.match(/^127\.0\.0\.1:/);
      }
    });

    it('runs the service on SQLite with Prometheus and the same Grafana dashboards', () => {
      expect(compose.services.app!.environment).to.not.have.property('DATABASE_URL');
      expect(compose.services.grafana!.volumes).to.include('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
      expect(compose.services.prometheus!.volumes).to.include('./prometheus/rules:/etc/prometheus/rules:ro');
    });
  });
});
