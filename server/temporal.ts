import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { BACKTEST_TASK_QUEUE, type backtestWorkflow } from '../workflows/backtest.ts';
import type { researchWorkflow } from '../workflows/research.ts';
import { deploymentControlUpdate, deploymentStateQuery, type deploymentWorkflow } from '../workflows/deployment.ts';
import type { DeploymentControl, DeploymentSummary } from '../trading/config.ts';

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Queue the backtest workers poll; tests use their own to stay isolated on a shared server. */
  taskQueue?: string;
  /** Set for Temporal Cloud or any TLS cluster. */
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
}

/** TLS and address settings shared by the client (`Connection`) and by workers (`NativeConnection`). */
export function connectionOptions(settings: TemporalSettings): Pick<ConnectionOptions, 'address'> & { tls?: TLSConfig } {
  const { tls } = settings;
  return {
    address: settings.address,
    tls: tls
      ? {
          serverNameOverride: tls.serverName,
          serverRootCACertificate: tls.caPath ? readFileSync(tls.caPath) : undefined,
          clientCertPair: tls.certPath && tls.keyPath ? { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } : undefined,
        }
      : undefined,
  };
}

/** What the API needs from Temporal; small so routes can be tested in-process against a real server. */
export interface TemporalGateway {
  startBacktest(runId: string, workflowId: string): Promise<void>;
  /** Start a research run (sweep, walk-forward, Monte Carlo, cost sensitivity) on the backtest task queue. */
  startResearch(researchRunId: string, workflowId: string): Promise<void>;
  cancel(workflowId: string): Promise<void>;
  /** Start a deployment's long-running workflow (idempotent: an already running one is left alone). */
  startDeployment(deploymentId: string, workflowId: string): Promise<void>;
  /** Apply a control (pause, resume, kill switch…) and wait until the workflow has applied it. */
  controlDeployment(workflowId: string, control: DeploymentControl): Promise<DeploymentSummary>;
  /** The workflow's own view of the deployment, or undefined when it is not running. */
  queryDeployment(workflowId: string): Promise<DeploymentSummary | undefined>;
  health(): Promise<{ ok: boolean; address: string; namespace: string; error?: string }>;
  close(): Promise<void>;
}

export async function connectTemporal(settings: TemporalSettings): Promise<TemporalGateway> {
  const connection = await Connection.connect(connectionOptions(settings));
  const client = new Client({ connection, namespace: settings.namespace });
  return {
    async startBacktest(runId, workflowId) {
      await client.workflow.start<typeof backtestWorkflow>('backtestWorkflow', {
        taskQueue: settings.taskQueue ?? BACKTEST_TASK_QUEUE,
        workflowId,
        args: [{ runId }],
      });
    },
    async startResearch(researchRunId, workflowId) {
      await client.workflow.start<typeof researchWorkflow>('researchWorkflow', {
        taskQueue: settings.taskQueue ?? BACKTEST_TASK_QUEUE,
        workflowId,
        args: [{ researchRunId }],
      });
    },
    async startDeployment(deploymentId, workflowId) {
      try {
        await client.workflow.start<typeof deploymentWorkflow>('deploymentWorkflow', {
          taskQueue: settings.taskQueue ?? BACKTEST_TASK_QUEUE,
          workflowId,
          args: [{ deploymentId }],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
    async controlDeployment(workflowId, control) {
      return client.workflow.getHandle(workflowId).executeUpdate(deploymentControlUpdate, { args: [control] });
    },
    async queryDeployment(workflowId) {
      try {
        return await client.workflow.getHandle(workflowId).query(deploymentStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
    async cancel(workflowId) {
      try {
        await client.workflow.getHandle(workflowId).cancel();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
    async health() {
      try {
        await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.getSystemInfo({}));
        return { ok: true, address: settings.address, namespace: settings.namespace };
      } catch (err) {
        return { ok: false, address: settings.address, namespace: settings.namespace, error: (err as Error).message };
      }
    },
    close: () => connection.close(),
  };
}
