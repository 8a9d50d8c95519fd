// The platform's Grafana dashboards as code: one file per dashboard, written in spec.ts's terms
// and turned into Grafana's JSON model by model.ts. `npm run dashboards` writes them to
// stack/grafana/dashboards/*.json, which Grafana provisions; a test checks the committed JSON is
// what this produces. Not @grafana/grafana-foundation-sdk: it has no build for the Grafana 11.2 we
// run (its 11.6 types write schemaVersion 41) and leaves units untyped.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { autoscalerDashboard } from './autoscaler';
import { buildDashboard } from './model';
import { serviceDashboard } from './service';
import type { DashboardSpec } from './spec';
import { swarmDashboard } from './swarm';

export const DASHBOARDS: Record<string, DashboardSpec> = {
  'service.json': serviceDashboard,
  'swarm.json': swarmDashboard,
  'autoscaler.json': autoscalerDashboard,
};

// From the source tree or from dist/ alike.
const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));
export const DASHBOARD_DIR = path.join(REPO_ROOT, 'stack/grafana/dashboards');

/** The file contents `npm run dashboards` writes, by file name. */
export function renderDashboards(): Map<string, string> {
  return new Map(Object.entries(DASHBOARDS).map(([file, spec]) => [file, `${JSON.stringify(buildDashboard(spec), null, 2)}\n`]));
}

if (require.main === module) {
  for (const [file, text] of renderDashboards()) {
    writeFileSync(path.join(DASHBOARD_DIR, file), text);
    console.log(`wrote stack/grafana/dashboards/${file}`);
  }
}
