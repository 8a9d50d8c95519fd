import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './processes';

// Runs steps of .drone.yml itself, as Drone's docker runner would, so that the YAML and not a
// copy of it is what the pipeline e2e runs (Drone cannot be obtained here):
// - the server substitutes ${VAR}, ${VAR:offset:length} and $VAR in the raw file with the
//   build's DRONE_* values, unknown names giving "" and $$ a literal $
//   (docs.drone.io/pipeline/environment/substitution);
// - each step runs in a container of its image with the workspace mounted at /drone/src as the
//   working directory (docs.drone.io/pipeline/docker/syntax/workspace), its environment plus the
//   build's DRONE_* variables (docs.drone.io/pipeline/environment/reference) and the runner's
//   global ones (DRONE_RUNNER_ENVIRON), its from_secret values, its host volumes, and its
//   commands in one shell script that stops at the first failure.

interface DroneStep {
  name: string;
  image: string;
  environment?: Record<string, string | { from_secret: string }>;
  volumes?: { name: string; path: string }[];
  commands?: string[];
}
interface DronePipeline {
  name: string;
  volumes?: { name: string; host?: { path: string } }[];
  steps: DroneStep[];
}

export interface DroneBuild {
  /** The checkout Drone would clone into the workspace. */
  workspace: string;
  /** DRONE_* values of the build (DRONE_COMMIT_SHA, DRONE_BUILD_EVENT, ...). */
  drone: Record<string, string>;
  /** The repository's secrets, by name. */
  secrets: Record<string, string>;
  /** The runner's global environment (DRONE_RUNNER_ENVIRON). */
  runnerEnv: Record<string, string>;
  /** The image each step image name runs as on this machine, which pulls nothing. */
  images: Record<string, string>;
  /** The Docker network the step containers join. */
  network: string;
}

/** Drone's substitution of `vars` in the raw YAML; an expression it does not emulate throws. */
export function droneSubstitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    if (bare !== undefined) return vars[bare] ?? '';
    const expression = /^([A-Za-z_][A-Za-z0-9_]*)(?::(\d+)(?::(\d+))?)?$/.exec(braced!);
    if (!expression) throw new Error(`the pipeline e2e does not emulate Drone's substitution of ${match}`);
    const value = vars[expression[1]!] ?? '';
    if (expression[2] === undefined) return value;
    const offset = Number(expression[2]);
    return expression[3] === undefined ? value.slice(offset) : value.slice(offset, offset + Number(expression[3]));
  });
}

/** The pipelines of the workspace's .drone.yml after substitution with the build's values. */
export function dronePipelines(build: DroneBuild): DronePipeline[] {
  const raw = readFileSync(path.join(build.workspace, '.drone.yml'), 'utf8');
  return parseAllDocuments(droneSubstitute(raw, build.drone)).map((doc) => doc.toJS() as DronePipeline);
}

export interface StepRun { status: number | null; output: string }

/** Runs one step of one pipeline to its end. */
export function runDroneStep(build: DroneBuild, pipelineName: string, stepName: string, timeoutMs = 15 * 60_000): StepRun {
  const pipeline = dronePipelines(build).find((p) => p.name === pipelineName);
  const step = pipeline?.steps.find((s) => s.name === stepName);
  if (!pipeline || !step) throw new Error(`.drone.yml has no step ${pipelineName}/${stepName}`);
  const image = build.images[step.image];
  if (!image) throw new Error(`no local image stands for ${step.image} (step ${pipelineName}/${stepName})`);

  const env: Record<string, string> = { ...build.runnerEnv, CI: 'true', DRONE: 'true', DRONE_WORKSPACE: '/drone/src', ...build.drone };
  for (const [name, value] of Object.entries(step.environment ?? {})) {
    env[name] = typeof value === 'string' ? value : (build.secrets[value.from_secret] ?? '');
  }
  const mounts = (step.volumes ?? []).map((volume) => {
    const host = pipeline.volumes?.find((v) => v.name === volume.name)?.host?.path;
    if (!host) throw new Error(`step ${stepName} mounts ${volume.name}, which is no host volume of ${pipelineName}`);
    return ['-v', `${host}:${volume.path}`];
  });
  const script = ['set -e', ...(step.commands ?? []).flatMap((command) => [`echo + ${JSON.stringify(command)}`, command])].join('\n');
  // NAME=VALUE arguments keep multi-line secrets intact, and keep the step's DOCKER_HOST away
  // from the docker command that starts it.
  const args = ['run', '--rm', '--network', build.network, '-v', `${build.workspace}:/drone/src`, '-w', '/drone/src', ...mounts.flat(),
    ...Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]), image, '/bin/sh', '-c', script];
  const run = spawnSync('docker', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
