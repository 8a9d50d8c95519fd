import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The autoscaler's own metrics, registered on the given registry. */
export function createAutoscalerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    currentReplicas: new Gauge({ name: 'autoscaler_current_replicas', help: 'Replicas a managed service is set to.', labelNames: ['service'], registers }),
    desiredReplicas: new Gauge({ name: 'autoscaler_desired_replicas', help: 'Replicas the last decision asked for.', labelNames: ['service'], registers }),
    // The bounds, so alerts and dashboards can tell a service that cannot grow any further.
    minReplicas: new Gauge({ name: 'autoscaler_min_replicas', help: 'Fewest replicas a managed service may have.', labelNames: ['service'], registers }),
    maxReplicas: new Gauge({ name: 'autoscaler_max_replicas', help: 'Most replicas a managed service may have.', labelNames: ['service'], registers }),
    // By signal (cpu, query, requests): a service can be scaled on two at once.
    metricValue: new Gauge({ name: 'autoscaler_metric_value', help: 'Average metric per running task used by the last decision, by signal.', labelNames: ['service', 'signal'], registers }),
    metricTarget: new Gauge({ name: 'autoscaler_metric_target', help: 'Target average metric per running task, by signal.', labelNames: ['service', 'signal'], registers }),
    decisions: new Counter({ name: 'autoscaler_decisions_total', help: 'Decisions made, by reason code (Saturated, ScaleUp, WithinTolerance, ...).', labelNames: ['service', 'reason'], registers }),
    scaleEvents: new Counter({ name: 'autoscaler_scale_events_total', help: 'Replica changes made, by direction.', labelNames: ['service', 'direction'], registers }),
    errors: new Counter({ name: 'autoscaler_errors_total', help: 'Failures by kind (docker, prometheus, labels, update).', labelNames: ['kind'], registers }),
    loopDuration: new Histogram({
      name: 'autoscaler_loop_duration_seconds',
      help: 'Time one reconciliation of every managed service took.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

export type AutoscalerMetrics = ReturnType<typeof createAutoscalerMetrics>;
