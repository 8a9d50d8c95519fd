import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { onNode, TESTBED } from './cluster';
import { REPO_ROOT } from './processes';

export const PLATFORM_RESULTS = path.join(REPO_ROOT, 'bench/results/platform.json');

/** Merges one section of figures into bench/results/platform.json. */
export function writePlatformFigures(section: string, figures: unknown): void {
  const all = existsSync(PLATFORM_RESULTS) ? (JSON.parse(readFileSync(PLATFORM_RESULTS, 'utf8')) as Record<string, unknown>) : {};
  all[section] = figures;
  all.machine = 'Debian 12, 2 cores, 24 GiB; test cluster of three Debian 13 containers (scripts/testbed)';
  all.command = 'npm run test:e2e (tests/e2e/cluster.e2e.test.ts)';
  writeFileSync(PLATFORM_RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

const phases = (file: string) =>
  existsSync(path.join(TESTBED.state, file))
    ? Object.fromEntries(readFileSync(path.join(TESTBED.state, file), 'utf8').trim().split('\n').map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))];
      }))
    : {};

const MIB: Record<string, number> = { B: 1 / 1048576, KiB: 1 / 1024, MiB: 1, GiB: 1024 };

/** Phase wall times, image sizes and the idle memory of each service, written and returned. */
export function recordPlatformFigures() {
  // The images this platform runs: the app images of its tag and the stand-ins it was given.
  const tag = readFileSync(path.join(TESTBED.state, 'platform-tag'), 'utf8').trim();
  const settings = (JSON.parse(readFileSync(path.join(TESTBED.state, 'platform-vars.json'), 'utf8')) as { platform_settings: Record<string, string> }).platform_settings;
  const running = new Set([...['app', 'migrate', 'autoscaler'].map((name) => `${TESTBED.registry}/swarm-platform-${name}:${tag}`), ...Object.entries(settings).filter(([key]) => key.endsWith('_IMAGE')).map(([, image]) => image)]);
  const images = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => running.has(line.split(' ')[0]!));
  const imageSizes = Object.fromEntries(images.map((line) => line.split(' ')).map(([name, size]) => [name!.slice(TESTBED.registry.length + 1), size!]));
  const idleMemoryMiB: Record<string, number> = {};
  for (const node of TESTBED.nodes) {
    for (const line of onNode(node, ['docker', 'stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}']).split('\n').filter(Boolean)) {
      const match = /^([^.]+)\.\S+ ([\d.]+)([KMG]?i?B)/.exec(line);
      if (!match) continue;
      idleMemoryMiB[match[1]!] = Math.round(((idleMemoryMiB[match[1]!] ?? 0) + Number(match[2]) * (MIB[match[3]!] ?? 1)) * 10) / 10;
    }
  }
  const figures = { phaseSeconds: { testbedUp: phases('timings.txt'), platform: phases('platform-timings.txt') }, imageSizes, idleMemoryMiB };
  writePlatformFigures('platform', figures);
  return figures;
}
