import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoop } from '../../scripts/autoscaler/loop';

describe('autoscaler loop', () => {
  it('never runs two ticks at once, even when a tick outlasts the interval', async () => {
    let running = 0;
    let most = 0;
    let ticks = 0;
    const loop = startLoop({
      intervalMs: 5,
      tick: async () => {
        running++;
        most = Math.max(most, running);
        ticks++;
        await sleep(30);
        running--;
      },
      onError: () => {},
    });
    await sleep(200);
    await loop.stop();
    expect(most).to.equal(1);
    expect(ticks).to.be.at.least(3);
  });

  it('goes on after a tick fails, reporting the error', async () => {
    const errors: unknown[] = [];
    let ticks = 0;
    const loop = startLoop({
      intervalMs: 5,
      tick: async () => {
        ticks++;
        if (ticks === 1) throw new Error('prometheus exploded');
      },
      onError: (error) => errors.push(error),
    });
    await sleep(100);
    await loop.stop();
    expect(errors).to.have.length(1);
    expect(ticks).to.be.at.least(3);
  });

  it('stops after the tick in progress and starts no other', async () => {
    let finished = 0;
    let started = 0;
    const loop = startLoop({
      intervalMs: 1,
      tick: async () => {
        started++;
        await sleep(50);
        finished++;
      },
      onError: () => {},
    });
    await sleep(10);
    await loop.stop();
    expect(finished).to.equal(started);
    await sleep(60);
    expect(started).to.equal(finished);
  });
});
