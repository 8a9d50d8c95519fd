// Checks a .drone.yml against Drone's documentation and this repository: the schema (drone-schema.ts),
// then what a schema cannot see. Pure: the caller passes the file's text, how to look at the
// repository's files and the text of docs/pipeline.md. Returns one line per problem.
import { parseAllDocuments } from 'yaml';
import { pipeline, type Conditions, type Pipeline, type Step } from './drone-schema';
import { formatIssues } from './drone-issues';

export interface RepositoryView {
  /** undefined when the path does not exist; else whether it is an executable file. */
  fileMode(relativePath: string): { executable: boolean } | undefined;
}

export interface CheckInput {
  droneYaml: string;
  repository: RepositoryView;
  /** docs/pipeline.md: a secret is documented when a `drone secret add ... --name NAME` line names it. */
  secretsDoc: string;
}

const RESERVED_VOLUMES = new Set(['workspace', '_workspace', '_docker_socket']);

/** Secret names docs/pipeline.md gives a `drone secret add` command for. */
export function documentedSecrets(doc: string): Set<string> {
  const names = new Set<string>();
  for (const match of doc.matchAll(/drone secret add\b[^\n]*?--name[= ]([A-Za-z0-9_.-]+)/g)) names.add(match[1] ?? '');
  return names;
}

/** https://docs.drone.io/pipeline/docker/syntax/conditions/ and .../trigger/: rules the docs state. */
function conditionProblems(where: string, given: Conditions | undefined): string[] {
  if (!given) return [];
  const events = given.event?.include ?? [];
  const problems: string[] = [];
  if (given.branch && events.includes('tag')) {
    problems.push(`${where}: branch never matches a tag event (tags have no branch); limit tags by ref: refs/tags/...`);
  }
  if (given.target && !events.some((event) => event === 'promote' || event === 'rollback')) {
    problems.push(`${where}: target applies only to promote and rollback events; add event: promote`);
  }
  return problems;
}

/** Words of a command that name this repository's scripts, and whether each is run directly. */
function scriptReferences(command: string): { path: string; runs: boolean }[] {
  const found: { path: string; runs: boolean }[] = [];
  for (const simple of command.split(/&&|\|\||[;|]/)) {
    const words = simple.trim().split(/\s+/).filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    words.forEach((word, index) => {
      const path = word.replace(/^\.\//, '').replace(/^["']|["']$/g, '');
      if (path.startsWith('scripts/')) found.push({ path, runs: index === 0 });
    });
  }
  return found;
}

function stepProblems(where: string, step: Step, repository: RepositoryView): string[] {
  const problems: string[] = [];
  if (step.commands && (step.command || step.entrypoint)) {
    problems.push(`${where}: commands cannot be combined with command or entrypoint (docs.drone.io/yaml/docker)`);
  }
  for (const command of step.commands ?? []) {
    for (const { path, runs } of scriptReferences(command)) {
      const mode = repository.fileMode(path);
      if (!mode) problems.push(`${where}: ${path} does not exist`);
      else if (runs && !mode.executable) problems.push(`${where}: ${path} is not executable (chmod +x, and commit the mode)`);
    }
  }
  return [...problems, ...conditionProblems(`${where}: when`, step.when)];
}

function secretNames(value: unknown, into: string[]): string[] {
  if (Array.isArray(value)) value.forEach((item) => secretNames(item, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'from_secret' && typeof inner === 'string') into.push(inner);
      else secretNames(inner, into);
    }
  }
  return into;
}

function pipelineProblems(where: string, spec: Pipeline, pipelineNames: Set<string>, input: CheckInput): string[] {
  const problems: string[] = [];
  for (const dependency of spec.depends_on ?? []) {
    if (dependency === spec.name) problems.push(`${where}: depends_on names the pipeline itself`);
    else if (!pipelineNames.has(dependency)) problems.push(`${where}: depends_on names no pipeline: "${dependency}"`);
  }
  problems.push(...conditionProblems(`${where}: trigger`, spec.trigger));

  // drone/drone-yaml linter: a step depends on steps defined before it (or the clone step); step
  // and service names share one namespace.
  const seen = new Set<string>(spec.clone?.disable ? [] : ['clone']);
  const volumes = new Set((spec.volumes ?? []).map((volume) => volume.name));
  for (const volume of spec.volumes ?? []) {
    if (RESERVED_VOLUMES.has(volume.name)) problems.push(`${where}: volume name "${volume.name}" is reserved by Drone`);
  }
  for (const [kind, list] of [['step', spec.steps], ['service', spec.services ?? []]] as const) {
    for (const step of list) {
      const at = `${where}: ${kind} "${step.name}"`;
      if (seen.has(step.name)) problems.push(`${at}: the name is used twice`);
      for (const dependency of step.depends_on ?? []) {
        if (!seen.has(dependency)) problems.push(`${at}: depends_on names no earlier step: "${dependency}"`);
      }
      seen.add(step.name);
      for (const mount of step.volumes ?? []) {
        if (!volumes.has(mount.name)) problems.push(`${at}: volume "${mount.name}" is not declared under the pipeline's volumes`);
      }
      problems.push(...stepProblems(at, step, input.repository));
    }
  }

  const documented = documentedSecrets(input.secretsDoc);
  const secrets = [...secretNames(spec, []), ...(spec.image_pull_secrets ?? [])];
  for (const secret of new Set(secrets)) {
    if (!documented.has(secret)) problems.push(`${where}: secret "${secret}" has no \`drone secret add ... --name ${secret}\` in docs/pipeline.md`);
  }
  return problems;
}

/** Every problem of the file, one line each; empty when it passes. */
export function checkDroneYaml(input: CheckInput): string[] {
  const documents = parseAllDocuments(input.droneYaml);
  if (!Array.isArray(documents)) return ['.drone.yml: not a YAML stream'];
  const problems: string[] = [];
  const parsed: { where: string; spec: Pipeline }[] = [];
  const names = new Set<string>();
  const duplicates = new Set<string>();
  documents.forEach((document, index) => {
    const label = `document ${index + 1}`;
    for (const error of document.errors) problems.push(`${label}: YAML: ${error.message.split('\n')[0]}`);
    if (document.errors.length > 0) return;
    const raw: unknown = document.toJS();
    if (raw === null || typeof raw !== 'object') return void problems.push(`${label}: not a mapping`);
    const record = raw as Record<string, unknown>;
    const where = typeof record.name === 'string' ? `pipeline "${record.name}"` : label;
    if (typeof record.name === 'string') {
      if (names.has(record.name)) duplicates.add(record.name);
      names.add(record.name);
    }
    if (record.kind !== 'pipeline' || record.type !== 'docker') {
      return void problems.push(`${where}: kind ${String(record.kind)}, type ${String(record.type)}: only docker pipelines are used here`);
    }
    const result = pipeline.safeParse(raw);
    if (result.success) parsed.push({ where, spec: result.data });
    else problems.push(...formatIssues(where, raw, result.error.issues));
  });

  for (const name of duplicates) problems.push(`pipeline "${name}": the name is used twice`);
  for (const { where, spec } of parsed) problems.push(...pipelineProblems(where, spec, names, input));
  return problems;
}
