// Cleanup on the real Swarm the end-to-end tests share.
import { spawnSync } from 'node:child_process';
import { until } from './wait';

/**
 * Removes an overlay network and waits until the daemon no longer shows it: removal is
 * asynchronous while its last tasks go, and a network still visible but going would make the
 * next test skip creating it.
 */
export async function removeSwarmNetwork(name: string, timeoutMs = 60_000): Promise<void> {
  const exists = () => spawnSync('docker', ['network', 'inspect', name], { stdio: 'ignore' }).status === 0;
  await until(`network ${name} to be removed`, async () => {
    if (!exists()) return true;
    spawnSync('docker', ['network', 'rm', name], { stdio: 'ignore' });
    return exists() ? undefined : true;
  }, timeoutMs, 1000);
}
