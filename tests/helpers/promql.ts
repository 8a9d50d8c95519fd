// PromQL syntax checking with Prometheus's own Lezer grammar (the one its UI uses), so the quick
// tier catches a broken expression without promtool.
import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's built-in interval variables stand for durations; any other `$var` sits in a string. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?[A-Za-z_]\w*\}?/g, 'x');
}

/** Where the expression stops parsing, or undefined when it parses. */
export function promqlError(expr: string): string | undefined {
  const tree = parser.parse(expr);
  let error: string | undefined;
  tree.iterate({
    enter: (node) => {
      if (error === undefined && node.type.isError) {
        error = `syntax error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.from + 10))}`;
      }
    },
  });
  return error;
}

/** Metric names an expression reads (vector selector identifiers), e.g. recorded series. */
export function metricNames(expr: string): string[] {
  const tree = parser.parse(expr);
  const names: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
    },
  });
  return names;
}
