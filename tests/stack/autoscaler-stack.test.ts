import { expect } from 'chai';
import { envValue, loadPlatform } from '../helpers/stack';

// The autoscaler stack: the one autoscaler of the app.
describe('stack files', () => {
  const { service } = loadPlatform();

  describe('autoscaler.yml', () => {
    it('runs one autoscaler on a manager, unprivileged, reading Prometheus by its Swarm name', () => {
      const autoscaler = service('autoscaler.yml', 'autoscaler');
      expect(autoscaler.deploy?.replicas).to.equal(1);
      expect(autoscaler.deploy?.update_config).to.include({ order: 'stop-first' });
      expect(autoscaler.user).to.match(/^1000:/);
      expect(envValue(autoscaler, 'PROMETHEUS_URL')).to.equal('http://monitoring_prometheus:9090');
      expect(autoscaler.image).to.equal('registry.example.com:5000/swarm-platform-autoscaler:latest');
    });
  });
});
