// Reading what the Ansible roles do, so the stack checks can rely on it without running Ansible.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './processes';

interface AnsibleTask {
  name?: string;
  'community.docker.docker_node'?: { labels?: string };
}

/**
 * Names of the node labels the swarm role sets on every node whatever the inventory says: the
 * keys its docker_node task merges into swarm_node_labels (`swarm_node_labels | combine({...})`).
 */
export function labelsProvisioningSetsOnEveryNode(): string[] {
  const tasksFile = path.join(REPO_ROOT, 'provisioning/roles/swarm/tasks/main.yml');
  const tasks = parse(readFileSync(tasksFile, 'utf8')) as AnsibleTask[];
  const labelTasks = tasks.filter((task) => task['community.docker.docker_node']?.labels !== undefined);
  if (labelTasks.length !== 1) throw new Error(`${tasksFile}: expected one docker_node task setting labels, found ${labelTasks.length}`);
  const expression = labelTasks[0]!['community.docker.docker_node']!.labels!;
  const merged = /^\{\{\s*swarm_node_labels\s*\|\s*combine\(\{(.*)\}\)\s*\}\}$/.exec(expression.trim());
  if (!merged) return [];
  return [...merged[1]!.matchAll(/'([^']+)'\s*:/g)].map((match) => match[1]!);
}
