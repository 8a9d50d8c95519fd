import { expect } from 'chai';
import { loadStack, networksOf, STACK_FILES } from '../helpers/stack';
import { checkTraefikLabels, readTraefikArguments, type LabelledService, type TraefikStatic } from '../helpers/traefik-labels';

// Traefik cannot run here, so its routing labels are checked against each other and against
// Traefik's own arguments in proxy.yml.
describe('Traefik labels across the stacks', () => {
  const stacks = STACK_FILES.map((file) => ({ file, compose: loadStack(file) }));
  const proxy = loadStack('proxy.yml');
  const traefikStatic = readTraefikArguments(proxy.services.traefik!.command ?? []);
  const labelled: LabelledService[] = stacks.flatMap(({ file, compose }) =>
    Object.entries(compose.services).map(([name, svc]) => ({
      name: `${file} ${name}`,
      labels: svc.deploy?.labels ?? {},
      networks: networksOf(svc).map((key) => compose.networks?.[key]?.name ?? key),
    })),
  );

  it('reads the entry points, resolvers and network from the proxy arguments', () => {
    expect([...traefikStatic.entryPoints].sort()).to.deep.equal(['metrics', 'web', 'websecure']);
    expect([...traefikStatic.certResolvers]).to.deep.equal(['letsencrypt']);
    expect(traefikStatic.swarmNetwork).to.equal(proxy.networks?.public?.name);
  });

  it('finds no inconsistency in the stack files', () => {
    expect(checkTraefikLabels(labelled, traefikStatic)).to.deep.equal([]);
  });

  it('routes the app, the dashboard and Grafana', () => {
    const routers = labelled.flatMap((s) => Object.keys(s.labels).map((k) => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(k)?.[1]).filter(Boolean));
    expect(routers.sort()).to.deep.equal(['app', 'dashboard', 'grafana']);
  });

  describe('the check itself', () => {
    const traefik: TraefikStatic = { entryPoints: new Set(['web', 'websecure']), certResolvers: new Set(['le']), swarmNetwork: 'pub' };
    const good = {
      'traefik.enable': 'true',
      'traefik.swarm.network': 'pub',
      'traefik.http.routers.r.rule': 'Host(`a`)',
      'traefik.http.routers.r.entrypoints': 'websecure',
      'traefik.http.routers.r.service': 's',
      'traefik.http.routers.r.tls.certresolver': 'le',
      'traefik.http.services.s.loadbalancer.server.port': '3000',
    };
    const check = (labels: Record<string, string>, networks = ['pub']) => checkTraefikLabels([{ name: 'x', labels, networks }], traefik);

    it('accepts a consistent service', () => {
      expect(check(good)).to.deep.equal([]);
    });

    for (const [what, change, message] of [
      ['a router to a missing service', { 'traefik.http.routers.r.service': 'nope' }, 'goes to service nope'],
      ['an undefined middleware', { 'traefik.http.routers.r.middlewares': 'auth' }, 'middleware auth'],
      ['an unknown entry point', { 'traefik.http.routers.r.entrypoints': 'websecur' }, 'entry point websecur'],
      ['an unknown resolver', { 'traefik.http.routers.r.tls.certresolver': 'acme' }, 'certificate resolver acme'],
      ['a non-numeric port', { 'traefik.http.services.s.loadbalancer.server.port': 'http' }, 'numeric loadbalancer.server.port'],
      ['another network than Traefik\'s', { 'traefik.swarm.network': 'other' }, 'differs from Traefik'],
      ['labels without traefik.enable', { 'traefik.enable': 'false' }, 'not traefik.enable=true'],
    ] as const) {
      it(`reports ${what}`, () => {
        const problems = check({ ...good, ...change });
        expect(problems.join('\n')).to.include(message);
      });
    }

    it('reports a network the service is not attached to', () => {
      expect(check(good, ['elsewhere']).join('\n')).to.include('not a network it is attached to');
    });

    it('accepts internal services and middlewares from other services', () => {
      const otherLabels = Object.fromEntries(Object.entries(good).map(([k, v]) => [k.replace('.r.', '.r2.').replace('.s.', '.s2.'), v === 's' ? 's2' : v]));
      const other: LabelledService = { name: 'y', labels: { ...otherLabels, 'traefik.http.middlewares.auth.basicauth.usersfile': '/f' }, networks: ['pub'] };
      const labels = { ...good, 'traefik.http.routers.r.service': 'api@internal', 'traefik.http.routers.r.middlewares': 'auth' };
      expect(checkTraefikLabels([{ name: 'x', labels, networks: ['pub'] }, other], traefik)).to.deep.equal([]);
    });
  });
});
