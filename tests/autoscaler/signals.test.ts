import { expect } from 'chai';
import type { SwarmTask } from '../../scripts/autoscaler/docker-api';
import { toSignal } from '../../scripts/autoscaler/signals';

const task = (ID: string): SwarmTask => ({ ID, DesiredState: 'running', Status: { State: 'running', Timestamp: '2026-01-01T00:00:00Z' } });
const STARTED = Date.parse('2026-01-01T00:00:00Z');
const CPU = { kind: 'cpu', target: 0.7, saturation: 0.9 } as const;

describe('autoscaler signals from Prometheus answers', () => {
  it('gives CPU as a fraction of the limit, with the saturation threshold, when the service has a limit', () => {
    const signal = toSignal(CPU, [task('a'), task('b')], new Map([['a', 0.25]]), 0.5e9);
    expect(signal).to.deep.equal({
      name: 'cpu',
      target: 0.7,
      tasks: [
        { startedAtMs: STARTED, value: 0.5 },
        { startedAtMs: STARTED, value: undefined },
      ],
      saturationThreshold: 0.9,
    });
  });

  it('gives CPU in cores and no saturation threshold when the service has no limit', () => {
    const signal = toSignal(CPU, [task('a')], new Map([['a', 0.25]]), undefined);
    expect(signal.tasks[0]?.value).to.equal(0.25);
    expect(signal).not.to.have.property('saturationThreshold');
  });

  it('gives the request rate as it is, whatever the CPU limit', () => {
    const signal = toSignal({ kind: 'requests', target: 50 }, [task('a')], new Map([['a', 42]]), 0.5e9);
    expect(signal).to.deep.equal({ name: 'requests', target: 50, tasks: [{ startedAtMs: STARTED, value: 42 }] });
  });
});
