/**
 * Prometheus metrics (`GET /metrics`): request counts and latency per route,
 * policy decisions, write batches, and the log's size and sequencer lag.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'saksi_http_requests_total',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'saksi_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'saksi_policy_decisions_total',
    help: 'Authorisation decisions by action and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly writeBatch = new Histogram({
    name: 'saksi_write_batch_size',
    help: 'Requests sharing one database commit (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly logSize = new Gauge({
    name: 'saksi_log_size',
    help: 'Entries in the newest signed checkpoint',
    registers: [this.registry],
  });
  readonly sequencerLag = new Gauge({
    name: 'saksi_sequencer_lag_entries',
    help: 'Pending entries not yet in a signed checkpoint (sampled when scraped)',
    registers: [this.registry],
  });
  readonly recapLag = new Gauge({
    name: 'saksi_recap_lag_entries',
    help: 'Log entries the recapitulation has not read yet (sampled when scraped)',
    registers: [this.registry],
  });
}
