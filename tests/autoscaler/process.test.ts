import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode } from '../helpers/processes';

const start = (env: NodeJS.ProcessEnv) => startNode('scripts/autoscaler/main.ts', { env });
describe('autoscaler process', function () {
  this.timeout(60_000);

  it('should exit 1 with one line naming bad settings', async () => {
    const p = start({ PROMETHEUS_URL: '', AUTOSCALER_INTERVAL: 'often' });
    expect(await p.exited).to.equal(1);
    expect(p.stderr().trim().split('\n')).to.have.length(1);
    expect(p.stderr()).to.match(/^invalid configuration: .*PROMETHEUS_URL is required.*AUTOSCALER_INTERVAL/);
  });

  it('should keep running, healthy, counting errors while Docker and Prometheus are unreachable, and stop on SIGTERM', async () => {
    // Port 1 on the loopback refuses connections: real faults, nothing simulated.
    const p = start({ PROMETHEUS_URL: 'http://127.0.0.1:1', DOCKER_HOST: 'tcp://127.0.0.1:1', AUTOSCALER_INTERVAL: '1s', METRICS_PORT: '0' });
    try {
      const port = await p.port();
      await sleep(2500);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).to.equal(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).to.match(/autoscaler_errors_total\{kind="docker"\} [2-9]/);
      expect(metrics).to.match(/autoscaler_loop_duration_seconds_count [2-9]/);
      p.child.kill('SIGTERM');
      expect(await p.exited).to.equal(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  });
});
