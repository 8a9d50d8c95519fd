// Consistency of Traefik's routing labels across all stacks, checked statically because Traefik
// cannot run on these machines. Pure: services and Traefik's static arguments in, problems out.

export interface LabelledService {
  /** `stack/service`, for messages. */
  name: string;
  labels: Record<string, string>;
  /** Docker network names (after `name:` mapping) the service attaches to. */
  networks: string[];
}

export interface TraefikStatic {
  entryPoints: Set<string>;
  certResolvers: Set<string>;
  swarmNetwork: string | undefined;
}

/** Entry points, certificate resolvers and the provider network from Traefik's CLI arguments. */
export function readTraefikArguments(args: string[]): TraefikStatic {
  const entryPoints = new Set<string>();
  const certResolvers = new Set<string>();
  let swarmNetwork: string | undefined;
  for (const arg of args) {
    const entry = /^--entry[pP]oints\.([^.=]+)\.address=/.exec(arg);
    if (entry) entryPoints.add(entry[1]!);
    const resolver = /^--certificates[rR]esolvers\.([^.=]+)\./.exec(arg);
    if (resolver) certResolvers.add(resolver[1]!);
    const network = /^--providers\.swarm\.network=(.+)$/.exec(arg);
    if (network) swarmNetwork = network[1];
  }
  return { entryPoints, certResolvers, swarmNetwork };
}

const INTERNAL = /@(internal|file)$/;

/** Every inconsistency in the labels of `services`, as one sentence each. */
export function checkTraefikLabels(services: LabelledService[], traefik: TraefikStatic): string[] {
  const problems: string[] = [];
  const definedServices = new Set<string>();
  const definedMiddlewares = new Set<string>();
  for (const service of services) {
    for (const key of Object.keys(service.labels)) {
      const svc = /^traefik\.http\.services\.([^.]+)\./.exec(key);
      if (svc) definedServices.add(svc[1]!);
      const middleware = /^traefik\.http\.middlewares\.([^.]+)\./.exec(key);
      if (middleware) definedMiddlewares.add(middleware[1]!);
    }
  }

  for (const service of services) {
    const labels = service.labels;
    const keys = Object.keys(labels).filter((key) => key.startsWith('traefik.'));
    if (keys.length === 0) continue;
    if (labels['traefik.enable'] !== 'true') {
      problems.push(`${service.name}: has traefik labels but not traefik.enable=true (exposedByDefault is false)`);
      continue;
    }
    const network = labels['traefik.swarm.network'];
    if (!network) problems.push(`${service.name}: no traefik.swarm.network label`);
    else {
      if (!service.networks.includes(network)) problems.push(`${service.name}: traefik.swarm.network ${network} is not a network it is attached to`);
      if (traefik.swarmNetwork && network !== traefik.swarmNetwork) problems.push(`${service.name}: traefik.swarm.network ${network} differs from Traefik's ${traefik.swarmNetwork}`);
    }
    const ownServices = new Set(keys.map((key) => /^traefik\.http\.services\.([^.]+)\./.exec(key)?.[1]).filter((name): name is string => !!name));
    for (const name of ownServices) {
      const port = labels[`traefik.http.services.${name}.loadbalancer.server.port`];
      if (!port || !/^\d+$/.test(port)) problems.push(`${service.name}: Traefik service ${name} has no numeric loadbalancer.server.port`);
    }
    const routers = new Set(keys.map((key) => /^traefik\.http\.routers\.([^.]+)\./.exec(key)?.[1]).filter((name): name is string => !!name));
    if (routers.size === 0) problems.push(`${service.name}: traefik.enable=true but no router`);
    for (const router of routers) {
      const at = (suffix: string) => labels[`traefik.http.routers.${router}.${suffix}`];
      if (!at('rule')) problems.push(`${service.name}: router ${router} has no rule`);
      const target = at('service');
      if (target === undefined) {
        // Traefik picks the service only when the container defines exactly one.
        if (ownServices.size !== 1) problems.push(`${service.name}: router ${router} names no service and the container defines ${ownServices.size}`);
      } else if (!INTERNAL.test(target) && !definedServices.has(target)) {
        problems.push(`${service.name}: router ${router} goes to service ${target}, which no stack defines`);
      }
      for (const entryPoint of (at('entrypoints') ?? '').split(',').filter(Boolean)) {
        if (!traefik.entryPoints.has(entryPoint.trim())) problems.push(`${service.name}: router ${router} uses entry point ${entryPoint}, which Traefik does not define`);
      }
      if (!at('entrypoints')) problems.push(`${service.name}: router ${router} names no entry point, so it listens on all of them`);
      for (const middleware of (at('middlewares') ?? '').split(',').filter(Boolean)) {
        const name = middleware.trim();
        if (!INTERNAL.test(name) && !definedMiddlewares.has(name)) problems.push(`${service.name}: router ${router} uses middleware ${name}, which no stack defines`);
      }
      const resolver = at('tls.certresolver');
      if (resolver && !traefik.certResolvers.has(resolver)) problems.push(`${service.name}: router ${router} uses certificate resolver ${resolver}, which Traefik does not define`);
    }
  }
  return problems;
}
