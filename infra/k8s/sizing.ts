/**
 * Sizes from the capacity model (the same arithmetic as
 * loadtest/driver/capacity.ts, over the figures in values.yaml):
 *
 *   cores(stage, group) = Σ over operations of rate × CPU per request ÷ utilisation
 *
 * The deployment must hold the largest stage: the forms after polls close
 * arrive within minutes (DOMAIN.md), faster than an autoscaler adds nodes, so
 * the API's floor is the peak's need and the HPA only adds headroom above it.
 */
import { PROCESS_GROUPS, type ProcessGroup, type Values } from './values.ts';

/** Database connections one Saksi process may open: its pool (ledger/store/db.ts, 10) and the sequencer's session. */
export const CONNECTIONS_PER_PROCESS = 12;

export interface StageNeed {
  stage: string;
  cores: Record<ProcessGroup, number>;
}

export interface Sizing {
  stages: StageNeed[];
  api: {
    /** Pods the largest stage needs (at least values.api.minReplicas): the HPA's floor. */
    replicas: number;
    maxReplicas: number;
    workersPerPod: number;
    cpu: string;
    memory: string;
  };
  recap: { cpu: string; memory: string };
  postgres: { cpu: string; memory: string; sharedBuffers: string; maxConnections: number };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function size(v: Values): Sizing {
  const stages = v.capacity.peaks.map((p) => {
    const cores: Record<ProcessGroup, number> = { api: 0, recap: 0, postgres: 0 };
    for (const [op, rate] of Object.entries(p.rates)) {
      const cpu = v.capacity.cpuMs[op as keyof typeof v.capacity.cpuMs];
      for (const g of PROCESS_GROUPS)
        cores[g] += (rate! * cpu[g]) / 1000 / v.capacity.targetUtilisation;
    }
    for (const g of PROCESS_GROUPS) cores[g] = round1(cores[g]);
    return { stage: p.stage, cores };
  });
  const peak = (g: ProcessGroup) => Math.max(...stages.map((s) => s.cores[g]));
  const per = v.api.coresPerPod;
  const replicas = Math.max(v.api.minReplicas, Math.ceil(peak('api') / per));
  const maxReplicas = Math.max(replicas + 1, Math.ceil(replicas * v.api.maxReplicasFactor));
  // Several publishers share the work (FOR UPDATE SKIP LOCKED), so each takes its share.
  const recapMilli = Math.max(
    v.recap.minCpuMilli,
    Math.ceil((peak('recap') * 1000) / v.recap.replicas / 100) * 100,
  );
  // Every write goes to the primary: one instance must hold the whole peak.
  const pgCores = Math.max(v.postgres.minCpu, Math.ceil(peak('postgres')));
  const pgMemoryGi = pgCores * v.postgres.memoryPerCoreGi;
  return {
    stages,
    api: {
      replicas,
      maxReplicas,
      workersPerPod: per,
      cpu: String(per),
      memory: `${per * v.api.memoryPerCoreMi}Mi`,
    },
    recap: { cpu: `${recapMilli}m`, memory: `${v.recap.memoryMi}Mi` },
    postgres: {
      cpu: String(pgCores),
      memory: `${pgMemoryGi}Gi`,
      // PostgreSQL's usual starting point: a quarter of the memory.
      sharedBuffers: `${Math.max(1, Math.floor((pgMemoryGi * 1024) / 4))}MB`,
      maxConnections: (maxReplicas * per + v.recap.replicas) * CONNECTIONS_PER_PROCESS + 20,
    },
  };
}
