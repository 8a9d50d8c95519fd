// The targets on the deterministic simulation (bench/autoscaler/): the same model as
// `npm run bench:autoscaler`, so a change that misses them fails here, not only in a report.
import { expect } from 'chai';
import { cpuAndRequestsPolicy, cpuPolicy, FAST_SCALE_UP, hpaEquivalentPolicy, SPEC, TARGET, thresholdPolicy } from '../../bench/autoscaler/policies';
import { REQUESTS_PER_CORE, score, simulate, TASK_LIMIT_CORES, type Observation, type Policy } from '../../bench/autoscaler/simulation';
import { TRACES } from '../../bench/autoscaler/traces';

const trace = (prefix: string) => TRACES.find((t) => t.name.startsWith(prefix))!;
const run = (prefix: string, policy: Policy) => score(simulate(trace(prefix), policy), TARGET);

describe('autoscaler on the simulated traces', () => {
  it('has enough replicas within 45 s of a 3x step on CPU alone, where the HPA-equivalent takes longer', () => {
    expect(run('step', cpuPolicy()).timeToAdequateCapacityS).to.be.at.most(45);
    expect(run('step', hpaEquivalentPolicy()).timeToAdequateCapacityS).to.be.above(45);
  });

  it('has enough replicas within 30 s of a 3x step with the request-rate signal and up 200 %/15 s', () => {
    expect(run('step', cpuAndRequestsPolicy({ ...SPEC, scaleUp: FAST_SCALE_UP })).timeToAdequateCapacityS).to.be.at.most(30);
  });

  it('shows the request rate a task answered, at most its capacity, not the demand sent to it', () => {
    const seen: number[] = [];
    const recording: Policy = (observation: Observation) => {
      for (const task of observation.requests) if (task.value !== undefined) seen.push(task.value);
      return observation.currentReplicas;
    };
    simulate(trace('step'), recording); // 4 tasks under 12 cores of demand: 300 requests per second each asked for
    expect(Math.max(...seen)).to.equal(TASK_LIMIT_CORES * REQUESTS_PER_CORE);
  });

  // Regression: saturation was switched off by a request-rate signal, which, capped at capacity,
  // grows by the ratio's 1.43x at most: 110 s to enough replicas, as the HPA-equivalent.
  for (const spec of [SPEC, { ...SPEC, scaleUp: FAST_SCALE_UP }]) {
    it(`scales as fast with the request-rate signal as on CPU alone after a 3x step (up ${spec.scaleUp.policies[0]?.value} %/15 s)`, () => {
      expect(run('step', cpuAndRequestsPolicy(spec)).timeToAdequateCapacityS).to.equal(run('step', cpuPolicy(spec)).timeToAdequateCapacityS);
    });
  }

  it('makes no direction change on the noisy plateau', () => {
    expect(run('noisy plateau', cpuPolicy()).directionChanges).to.equal(0);
    expect(run('noisy plateau', cpuAndRequestsPolicy()).directionChanges).to.equal(0);
    expect(run('noisy plateau', cpuAndRequestsPolicy({ ...SPEC, scaleUp: FAST_SCALE_UP })).directionChanges).to.equal(0);
  });

  const ours = () => [cpuPolicy(), cpuPolicy({ ...SPEC, scaleUp: FAST_SCALE_UP }), cpuAndRequestsPolicy(), cpuAndRequestsPolicy({ ...SPEC, scaleUp: FAST_SCALE_UP })];
  for (const t of TRACES) {
    it(`is under-provisioned no longer than the HPA-equivalent or the threshold baseline on "${t.name}"`, () => {
      const hpaEquivalent = run(t.name, hpaEquivalentPolicy()).underProvisionedTaskSeconds;
      const baseline = run(t.name, thresholdPolicy()).underProvisionedTaskSeconds;
      for (const policy of ours()) {
        expect(run(t.name, policy).underProvisionedTaskSeconds).to.be.at.most(Math.min(hpaEquivalent, baseline));
      }
    });
  }
});
