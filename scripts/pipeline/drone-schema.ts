// The Drone 2.x docker pipeline as its documentation defines it, in strict zod schemas: Drone's
// own parser ignores unknown keys, so a typo (`comands`) or a pipeline-level `when:` runs as if
// it were not there; here every unknown key, at every level, is an error.
// Sources:
// - https://docs.drone.io/yaml/docker/ (the specification: Pipeline, Platform, Clone, Step,
//   Conditions, Constraint, Secret, Concurrency, Workspace and the Event, Status, Pull, Failure,
//   OS and Arch enums)
// - https://docs.drone.io/pipeline/docker/syntax/services/ (services: steps run detached)
// - https://docs.drone.io/pipeline/docker/syntax/volumes/temporary/ and .../volumes/host/ (temp, host)
// - https://docs.drone.io/pipeline/environment/syntax/ (pipeline-level environment, docker only)
// - https://docs.drone.io/pipeline/docker/syntax/routing/ (node), .../platform/, .../workspace/,
//   .../cloning/ (clone depth, disable, skip_verify, trace)
// - keys the specification leaves out but the docker runner reads (drone-runners/drone-runner-docker
//   engine/resource/pipeline.go): step devices, dns, dns_search, extra_hosts, mem_limit,
//   memswap_limit, shm_size, settings, shell, working_dir; workspace base.
import { z } from 'zod';

// https://docs.drone.io/yaml/docker/#the-event-enum; the promote and rollback events exist only in
// Drone's Enterprise edition (https://docs.drone.io/promote/).
export const DRONE_EVENTS = ['cron', 'custom', 'promote', 'pull_request', 'push', 'rollback', 'tag'] as const;
const STATUSES = ['failure', 'success'] as const;
const PULL = ['always', 'never', 'if-not-exists'] as const;
const FAILURE = ['always', 'ignore'] as const;
const OS = ['darwin', 'dragonfly', 'freebsd', 'linux', 'netbsd', 'openbsd', 'solaris', 'windows'] as const;
const ARCH = ['386', 'amd64', 'arm64', 'arm'] as const;

// "must match [a-zA-Z0-9_-]" (pipeline and step names).
const name = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must match [a-zA-Z0-9_-]+ (docs.drone.io/yaml/docker)');
const strings = z.array(z.string());
const bytes = z.union([z.number(), z.string()]);

/** A Constraint: a list of patterns, or {include, exclude}; a single string is one include. */
function constraint<T extends z.ZodType<string>>(item: T) {
  const object = z.strictObject({ include: z.array(item).optional(), exclude: z.array(item).optional() });
  // A plain list means include: normalised first, so an error points at the bad value itself.
  return z.preprocess((value) => (typeof value === 'string' ? { include: [value] } : Array.isArray(value) ? { include: value } : value), object);
}

export const conditions = z.strictObject({
  action: constraint(z.string()).optional(),
  branch: constraint(z.string()).optional(),
  cron: constraint(z.string()).optional(),
  event: constraint(z.enum(DRONE_EVENTS)).optional(),
  instance: constraint(z.string()).optional(),
  ref: constraint(z.string()).optional(),
  repo: constraint(z.string()).optional(),
  status: constraint(z.enum(STATUSES)).optional(),
  target: constraint(z.string()).optional(),
});
export type Conditions = z.infer<typeof conditions>;

const secretReference = z.strictObject({ from_secret: z.string().min(1) });
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const volumeMount = z.strictObject({ name, path: z.string().startsWith('/', 'must be an absolute path') });

export const step = z.strictObject({
  name,
  image: z.string().min(1),
  commands: strings.optional(),
  command: strings.optional(),
  entrypoint: strings.optional(),
  detach: z.boolean().optional(),
  depends_on: strings.optional(),
  devices: z.array(z.strictObject({ name, path: z.string() })).optional(),
  dns: strings.optional(),
  dns_search: strings.optional(),
  environment: z.record(z.string(), z.union([scalar, secretReference])).optional(),
  extra_hosts: strings.optional(),
  failure: z.enum(FAILURE).optional(),
  mem_limit: bytes.optional(),
  memswap_limit: bytes.optional(),
  network_mode: z.string().optional(),
  privileged: z.boolean().optional(),
  pull: z.enum(PULL).optional(),
  settings: z.record(z.string(), z.union([secretReference, z.unknown()])).optional(),
  shell: z.string().optional(),
  shm_size: bytes.optional(),
  user: z.string().optional(),
  volumes: z.array(volumeMount).optional(),
  when: conditions.optional(),
  working_dir: z.string().optional(),
});
export type Step = z.infer<typeof step>;

const volume = z.strictObject({
  name,
  temp: z.strictObject({ medium: z.literal('memory').optional(), size_limit: bytes.optional() }).optional(),
  host: z.strictObject({ path: z.string().startsWith('/', 'must be an absolute path') }).optional(),
});

export const pipeline = z.strictObject({
  kind: z.literal('pipeline'),
  type: z.literal('docker'),
  name,
  version: z.string().optional(),
  depends_on: strings.optional(),
  concurrency: z.strictObject({ limit: z.number().int().positive() }).optional(),
  platform: z.strictObject({
    os: z.enum(OS).optional(),
    arch: z.enum(ARCH).optional(),
    variant: z.string().optional(),
    version: z.string().optional(),
  }).optional(),
  workspace: z.strictObject({ base: z.string().optional(), path: z.string().optional() }).optional(),
  clone: z.strictObject({
    depth: z.number().int().nonnegative().optional(),
    disable: z.boolean().optional(),
    skip_verify: z.boolean().optional(),
    trace: z.boolean().optional(),
  }).optional(),
  node: z.record(z.string(), z.string()).optional(),
  trigger: conditions.optional(),
  environment: z.record(z.string(), scalar).optional(),
  services: z.array(step).optional(),
  steps: z.array(step).min(1, 'a pipeline needs at least one step'),
  volumes: z.array(volume).optional(),
  image_pull_secrets: strings.optional(),
});
export type Pipeline = z.infer<typeof pipeline>;
