import type { BacktestResult } from '../engine/backtest.ts';
import type { CompileError } from '../engine/compile.ts';
import type { DataChoice } from '../engine/data.ts';
import type { GraphInput } from '../engine/graph.ts';
import type { Metrics } from '../engine/metrics.ts';
import type { ResearchKind } from '../engine/research/config.ts';
import type { RobustnessThresholds, RobustnessThresholdsInput, RobustnessVerdict } from '../engine/research/robustness.ts';
import type { ResearchSummary } from '../engine/research/summary.ts';
import type { Catalog, CatalogEntry } from '../nodes/registry.ts';
import type { DeploymentCreate, DeploymentDetail as DeploymentDetailSchema, DeploymentOut } from '../server/routes/deployments.ts';
import type { PreviewOut, PreviewReady } from '../server/routes/preview.ts';
import type { ResearchCreate, TrialOut } from '../server/routes/research.ts';
import type { RunChartOut } from '../server/routes/run-chart.ts';
import type { z } from 'zod';

/** Typed client for the Tradeloom REST API. Every failure becomes an `ApiError` with the server's words. */

export interface Health {
  status: 'ok' | 'degraded';
  database: { ok: boolean; kind: string };
  temporal: { ok: boolean; address: string };
}

/** GET /api/nodes: the registry's catalog plus the JSON Schema of the backtest settings. */
export interface EditorCatalog extends Catalog {
  settingsSchema?: Record<string, unknown>;
}

export interface StrategySummary {
  id: string;
  name: string;
  /** Number of the newest saved version. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Strategy extends StrategySummary {
  graph: GraphInput;
}

/** GET /api/strategies/:id/versions: one immutable save of a strategy, newest first. */
export interface StrategyVersionSummary {
  number: number;
  name: string;
  message: string | null;
  restoredFrom: number | null;
  nodeCount: number;
  edgeCount: number;
  createdAt: string;
}

export interface StrategyVersion extends StrategyVersionSummary {
  strategyId: string;
  description: string | null;
  graph: GraphInput;
}

/** GET /api/templates: a ready strategy the gallery offers (its graph stays on the server until used). */
export interface TemplateSummary {
  id: string;
  version: number;
  author: string;
  name: string;
  summary: string;
  description: string;
  tags: string[];
  nodeCount: number;
}

/** A strategy just made from a template; the template is named in this reply only, not stored. */
export interface StrategyFromTemplate extends Strategy {
  template: { id: string; version: number };
}

export interface Dataset {
  id: string;
  name: string;
  bars: number;
  startTime: number | string;
  endTime: number | string;
  createdAt: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  strategyId: string;
  status: RunStatus;
  progress: number;
  barsDone: number;
  barsTotal: number;
  error: string | null;
  /** The data chosen for this run instead of the graph's own source, if any. */
  data: DataChoice | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  metrics: Metrics | null;
}

/** GET /api/runs/:id/chart: candles, trade markers and indicator series of one window of a run. */
export type RunChart = RunChartOut;
export type ChartSeries = RunChart['series'][number];

/** POST /api/preview: one node's outputs per bar over sample data, beside the close. */
export type Preview = PreviewReady;
/** POST /api/preview's answer: the preview, or the compile errors that stop the node running yet. */
export type PreviewResponse = PreviewOut;

export interface RunChartRequest {
  /** Window in epoch ms; both omitted for the whole run. */
  from?: number;
  to?: number;
  maxBars?: number;
  /** Oscillator series ids to include besides the price overlays. */
  oscillators?: readonly string[];
  /** A multi-symbol run: whose chart (default: the first symbol). */
  symbol?: string;
}

function chartQuery(q: RunChartRequest): string {
  const params = new URLSearchParams();
  if (q.from !== undefined) params.set('from', String(Math.max(0, Math.floor(q.from))));
  if (q.to !== undefined) params.set('to', String(Math.max(0, Math.ceil(q.to))));
  if (q.maxBars !== undefined) params.set('maxBars', String(q.maxBars));
  if (q.oscillators?.length) params.set('oscillators', q.oscillators.join(','));
  if (q.symbol !== undefined) params.set('symbol', q.symbol);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** GET /api/custom-nodes: a user's TypeScript node, run in the sandbox; graphs use `type` and pin a version. */
export interface CustomNodeSummary {
  id: string;
  /** `custom.<typeName>`, as graphs and the catalog name it. */
  type: string;
  typeName: string;
  title: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface CustomNodeVersion {
  customNodeId: string;
  number: number;
  title: string;
  description: string;
  sourceHash: string;
  source: string;
  createdAt: string;
  /** The node as the canvas draws it at this version. */
  catalogEntry: CatalogEntry;
}

export interface LookaheadWarning {
  kind: 'future-dependence' | 'batch-dependence';
  port: string;
  bar: number;
  probe: number;
  message: string;
}

export interface CustomNodeSaved {
  node: CustomNodeSummary;
  version: CustomNodeVersion;
  /** False when the source equals the latest version: nothing new was stored. */
  created: boolean;
  warnings: LookaheadWarning[];
}

/** POST /api/custom-nodes/test: the node run over sample bars. */
export interface CustomNodeTestResult {
  node: { type: string; title: string; description: string };
  params: Record<string, unknown>;
  time: number[];
  close: number[];
  inputs: { port: string; series: string }[];
  outputs: { port: string; kind: 'price' | 'number' | 'bool'; values: (number | null)[] }[];
  warnings: LookaheadWarning[];
  timing: { loadMs: number; runMs: number; lookaheadMs: number };
}

/** POST /api/research: a study to start (sweep, walk-forward, Monte Carlo or cost sensitivity). */
export type ResearchRequest = z.input<typeof ResearchCreate>;

/** A research run: status and progress over trials, and (once it succeeded, when fetched alone) its summary. */
export interface ResearchRun {
  id: string;
  strategyId: string;
  kind: ResearchKind;
  status: RunStatus;
  progress: number;
  trialsDone: number;
  trialsTotal: number;
  error: string | null;
  data: Record<string, unknown>;
  config: Record<string, unknown>;
  execution: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  summary: ResearchSummary | null;
}

/** One trial of a research run: the params it ran with and the engine's metrics, or why it could not run. */
export type ResearchTrial = Omit<z.infer<typeof TrialOut>, 'metrics'> & { metrics: Metrics | null };

/** POST /api/research/robustness: the gate's verdict on the strategy's latest walk-forward and Monte Carlo. */
export interface RobustnessResult extends RobustnessVerdict {
  thresholds: RobustnessThresholds;
  walkForwardRunId: string | null;
  monteCarloRunId: string | null;
}

/** POST /api/deployments: a shadow, paper or live deployment to start (live needs `confirm: "LIVE"`). */
export type DeploymentRequest = z.input<typeof DeploymentCreate>;
/** A deployment as listed and streamed: mode, workflow status, the risk gate's trading state, equity, position. */
export type Deployment = z.infer<typeof DeploymentOut>;
/** GET /api/deployments/:id: the deployment with its risk state, newest orders, fills, denials and events. */
export type DeploymentDetail = z.infer<typeof DeploymentDetailSchema>;
export type DeploymentOrderRow = DeploymentDetail['orders'][number];
export type DeploymentFillRow = DeploymentDetail['fills'][number];
export type DeploymentEventRow = DeploymentDetail['events'][number];
/** The controls `POST /api/deployments/:id/<control>` applies between bars. */
export type DeploymentControlPath = 'pause' | 'resume' | 'kill' | 'release-kill' | 'reenable' | 'stop';

export type CompileResponse = { ok: true; warmup: number } | { ok: false; errors: CompileError[] };

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string; line?: number; column?: number }[];
  compileErrors?: CompileError[];
  /** 409 from PUT /api/strategies/{id} with `baseVersion`: the newer version the save would have replaced. */
  latestVersion?: number;
  /** 409 from POST /api/custom-nodes: the node that already has this type name. */
  existingId?: string;
}

/** A failed request: `status` 0 means the server could not be reached at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  constructor(status: number, message: string, problem?: Problem) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

export const terminalStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

async function request<T>(method: string, path: string, body?: unknown, contentType = 'application/json', alsoOk: readonly number[] = [], signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    // A cancelled request is not a server problem: let the caller see the abort as such.
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'Cannot reach the Tradeloom server.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok && !alsoOk.includes(res.status)) {
    const problem = (json && typeof json === 'object' ? json : undefined) as Problem | undefined;
    const message = problem?.detail || problem?.title || `${method} /api${path} failed with HTTP ${res.status}`;
    throw new ApiError(res.status, message, problem);
  }
  if (json === undefined) throw new ApiError(res.status, `${method} /api${path} returned no JSON`);
  return json as T;
}

export const api = {
  // 503 still carries the health report: which service is down is exactly what the editor shows.
  health: () => request<Health>('GET', '/health', undefined, undefined, [503]),
  catalog: () => request<EditorCatalog>('GET', '/nodes'),
  listStrategies: (q?: string) =>
    request<{ items: StrategySummary[] }>('GET', q ? `/strategies?q=${encodeURIComponent(q)}` : '/strategies').then((r) => r.items),
  getStrategy: (id: string) => request<Strategy>('GET', `/strategies/${encodeURIComponent(id)}`),
  createStrategy: (name: string, graph: GraphInput) => request<Strategy>('POST', '/strategies', { name, graph }),
  updateStrategy: (id: string, patch: { name?: string; graph?: GraphInput; baseVersion?: number }) =>
    request<Strategy>('PUT', `/strategies/${encodeURIComponent(id)}`, patch),
  listTemplates: () => request<{ items: TemplateSummary[] }>('GET', '/templates').then((r) => r.items),
  createFromTemplate: (templateId: string, name?: string) =>
    request<StrategyFromTemplate>('POST', '/strategies/from-template', name === undefined ? { templateId } : { templateId, name }),
  deleteStrategy: (id: string) => request<void>('DELETE', `/strategies/${encodeURIComponent(id)}`),
  renameStrategy: (id: string, name: string) => request<Strategy>('PUT', `/strategies/${encodeURIComponent(id)}`, { name }),
  duplicateStrategy: (id: string) => request<Strategy>('POST', `/strategies/${encodeURIComponent(id)}/duplicate`, {}),
  /** Send a strategy file's parsed contents; the server validates it and names the offending path if it is wrong. */
  importStrategy: (file: unknown) => request<Strategy>('POST', '/strategies/import', file),
  /** A link to download the strategy file (the server answers with `Content-Disposition: attachment`). */
  exportUrl: (id: string) => `/api/strategies/${encodeURIComponent(id)}/export`,
  listVersions: (id: string) => request<{ items: StrategyVersionSummary[] }>('GET', `/strategies/${encodeURIComponent(id)}/versions`).then((r) => r.items),
  getVersion: (id: string, n: number) => request<StrategyVersion>('GET', `/strategies/${encodeURIComponent(id)}/versions/${n}`),
  restoreVersion: (id: string, n: number) => request<Strategy>('POST', `/strategies/${encodeURIComponent(id)}/versions/${n}/restore`, {}),
  compile: (graph: GraphInput) => request<CompileResponse>('POST', '/compile', { graph }),
  preview: (graph: GraphInput, nodeId: string, bars: number, signal?: AbortSignal) =>
    request<PreviewResponse>('POST', '/preview', { graph, nodeId, bars }, undefined, [], signal),
  listDatasets: () => request<{ items: Dataset[] }>('GET', '/datasets').then((r) => r.items),
  uploadDataset: (name: string, csv: string) =>
    request<Dataset>('POST', `/datasets?name=${encodeURIComponent(name)}`, csv, 'text/csv'),
  startRun: (strategyId: string, data?: DataChoice) => request<Run>('POST', '/runs', data ? { strategyId, data } : { strategyId }),
  listRuns: (strategyId: string) => request<{ items: Run[] }>('GET', `/runs?strategyId=${encodeURIComponent(strategyId)}`).then((r) => r.items),
  getRun: (id: string) => request<Run>('GET', `/runs/${encodeURIComponent(id)}`),
  getResult: (id: string) => request<BacktestResult>('GET', `/runs/${encodeURIComponent(id)}/result`),
  getRunChart: (id: string, q: RunChartRequest = {}) => request<RunChart>('GET', `/runs/${encodeURIComponent(id)}/chart${chartQuery(q)}`),
  /** A signal export node's recorded rows, as a CSV file (a link target: the browser downloads it). */
  exportCsvUrl: (runId: string, nodeId: string) => `/api/runs/${encodeURIComponent(runId)}/exports/${encodeURIComponent(nodeId)}.csv`,
  /** Send one recorded alert of a webhook node to its URL, signed, marked as a test. */
  sendTestAlert: (runId: string, nodeId: string) =>
    request<{ status: number; deliveryId: string }>('POST', `/runs/${encodeURIComponent(runId)}/exports/${encodeURIComponent(nodeId)}/test-alert`, {}),
  cancelRun: (id: string) => request<Run>('POST', `/runs/${encodeURIComponent(id)}/cancel`),
  runEventsUrl: (id: string) => `/api/runs/${encodeURIComponent(id)}/events`,
  startResearch: (body: ResearchRequest) => request<ResearchRun>('POST', '/research', body),
  listResearch: (strategyId: string) =>
    request<{ items: ResearchRun[] }>('GET', `/research?strategyId=${encodeURIComponent(strategyId)}&limit=100`).then((r) => r.items),
  getResearch: (id: string) => request<ResearchRun>('GET', `/research/${encodeURIComponent(id)}`),
  researchTrials: (id: string, q: { offset?: number; limit?: number; phase?: string } = {}) => {
    const params = new URLSearchParams({ offset: String(q.offset ?? 0), limit: String(q.limit ?? 5000) });
    if (q.phase) params.set('phase', q.phase);
    return request<{ total: number; items: ResearchTrial[] }>('GET', `/research/${encodeURIComponent(id)}/trials?${params}`);
  },
  cancelResearch: (id: string) => request<ResearchRun>('POST', `/research/${encodeURIComponent(id)}/cancel`),
  researchEventsUrl: (id: string) => `/api/research/${encodeURIComponent(id)}/events`,
  robustness: (strategyId: string, thresholds?: RobustnessThresholdsInput) =>
    request<RobustnessResult>('POST', '/research/robustness', thresholds ? { strategyId, thresholds } : { strategyId }),
  startDeployment: (body: DeploymentRequest) => request<Deployment>('POST', '/deployments', body),
  listDeployments: (strategyId: string) =>
    request<{ items: Deployment[] }>('GET', `/deployments?strategyId=${encodeURIComponent(strategyId)}&limit=200`).then((r) => r.items),
  getDeployment: (id: string, limit = 100) => request<DeploymentDetail>('GET', `/deployments/${encodeURIComponent(id)}?limit=${limit}`),
  controlDeployment: (id: string, control: DeploymentControlPath) => request<Deployment>('POST', `/deployments/${encodeURIComponent(id)}/${control}`, {}),
  deploymentEventsUrl: (id: string) => `/api/deployments/${encodeURIComponent(id)}/events`,
  listCustomNodes: () => request<{ items: CustomNodeSummary[] }>('GET', '/custom-nodes').then((r) => r.items),
  createCustomNode: (source: string) => request<CustomNodeSaved>('POST', '/custom-nodes', { source }),
  saveCustomNodeVersion: (id: string, source: string) => request<CustomNodeSaved>('POST', `/custom-nodes/${encodeURIComponent(id)}/versions`, { source }),
  getCustomNodeVersion: (id: string, n: number) => request<CustomNodeVersion>('GET', `/custom-nodes/${encodeURIComponent(id)}/versions/${n}`),
  deleteCustomNode: (id: string) => request<void>('DELETE', `/custom-nodes/${encodeURIComponent(id)}`),
  testCustomNode: (source: string, params: Record<string, unknown> = {}, bars?: number) =>
    request<CustomNodeTestResult>('POST', '/custom-nodes/test', bars === undefined ? { source, params } : { source, params, bars }),
};

/** The message to show for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
