import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { UniqueConstraintViolationException, LockMode, type EntityManager } from '@mikro-orm/core';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createRegistry } from '../../nodes/registry.ts';
import { MAX_SOURCE_BYTES } from '../../sandbox/limits.ts';
import { SandboxError, type LoadedNode } from '../../sandbox/client.ts';
import { checkLookahead, type LookaheadWarning } from '../../sandbox/lookahead.ts';
import { customNodeDefinition } from '../../engine/custom.ts';
import { LOOKAHEAD_BARS, SAMPLE_BARS_DEFAULT, SAMPLE_BARS_MAX, sampleBars, sampleInputs } from '../custom-node-sample.ts';
import { CUSTOM_PREFIX, loadedFromMeta, metaOf, sourceHash } from '../custom-registry.ts';
import { CustomNode, CustomNodeVersion, Deployment } from '../db/entities.ts';
import type { AppDeps } from '../deps.ts';
import { notFound, problem } from '../problem.ts';
import { limitPosts } from '../rate-limit.ts';
import { IdParam, json, list, problemResponse } from '../schemas.ts';

const tags = ['Custom nodes'];

const Source = z
  .string()
  .min(1, 'the source is empty')
  // The sandbox checks bytes (UTF-8) exactly; this bounds characters so a huge body is refused by zod first.
  .max(MAX_SOURCE_BYTES, `at most ${MAX_SOURCE_BYTES / 1024} KB`)
  .describe("TypeScript: `import { defineNode, z } from 'tradeloom/node'; export default defineNode({...})`.");

const SourceBody = z.object({ source: Source }).openapi('CustomNodeSource');

const Warning = z
  .object({ kind: z.enum(['future-dependence', 'batch-dependence']), port: z.string(), bar: z.number().int(), probe: z.number().int(), message: z.string() })
  .openapi('LookaheadWarning');

const CustomNodeSummary = z
  .object({
    id: z.uuid(),
    type: z.string().describe('The registry type graphs use: `custom.<typeName>`.'),
    typeName: z.string(),
    title: z.string(),
    latestVersion: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CustomNode');

const VersionSummary = z
  .object({ number: z.number().int(), title: z.string(), description: z.string(), sourceHash: z.string(), createdAt: z.string() })
  .openapi('CustomNodeVersionSummary');

const CustomNodeDetail = CustomNodeSummary.extend({ versions: z.array(VersionSummary) }).openapi('CustomNodeDetail');

const VersionOut = VersionSummary.extend({
  customNodeId: z.uuid(),
  source: z.string(),
  meta: z.record(z.string(), z.unknown()).describe('The definition as the sandbox validated it: ports, params JSON Schema, defaults.'),
  catalogEntry: z.record(z.string(), z.unknown()).describe('The node as the palette and canvas show it at this version.'),
}).openapi('CustomNodeVersion');

const Saved = z
  .object({ node: CustomNodeSummary, version: VersionOut, created: z.boolean().describe('False when the source equals the latest version: nothing new was stored.'), warnings: z.array(Warning) })
  .openapi('CustomNodeSaved');

const VersionParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  n: z.coerce.number().int().min(1).openapi({ param: { name: 'n', in: 'path' } }),
});

const TestRequest = z
  .object({
    source: Source,
    params: z.record(z.string(), z.unknown()).default({}).describe("The node's params; defaults fill what is left out."),
    bars: z.number().int().min(10).max(SAMPLE_BARS_MAX).default(SAMPLE_BARS_DEFAULT),
  })
  .openapi('CustomNodeTest');

const TestOut = z
  .object({
    node: z.object({ type: z.string(), title: z.string(), description: z.string() }),
    params: z.record(z.string(), z.unknown()),
    time: z.array(z.number()),
    close: z.array(z.number()),
    inputs: z.array(z.object({ port: z.string(), series: z.string() })).describe('Which sample column fed each input port.'),
    outputs: z.array(z.object({ port: z.string(), kind: z.string(), values: z.array(z.number().nullable()) })),
    warnings: z.array(Warning),
    timing: z.object({ loadMs: z.number(), runMs: z.number(), lookaheadMs: z.number() }),
  })
  .openapi('CustomNodeTestResult');

/** A problem in the source with its place, for the editor's markers (1-based, as editors count). */
export interface SourceProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/**
 * The sandbox's transpile errors read `line 3:14: message` (several joined by `; `); they become one
 * problem each with its position. Anything else (a contract problem) is one problem without one.
 */
export function sourceProblems(err: SandboxError): SourceProblem[] {
  const text = err.message.slice(err.code.length + 2);
  const found = [...text.matchAll(/line (\d+):(\d+): (.*?)(?=; line \d+:\d+: |$)/gs)];
  if (found.length === 0) return [{ path: 'body.source', message: text }];
  return found.map((m) => ({ path: 'body.source', line: Number(m[1]), column: Number(m[2]), message: m[3]!.trim() }));
}

const iso = (d: Date) => d.toISOString();

function summaryOut(n: CustomNode) {
  return { id: n.id, type: `${CUSTOM_PREFIX}${n.typeName}`, typeName: n.typeName, title: n.title, latestVersion: n.latestVersion, createdAt: iso(n.createdAt), updatedAt: iso(n.updatedAt) };
}

function versionSummary(v: CustomNodeVersion) {
  const meta = v.meta as { title?: unknown; description?: unknown };
  return { number: v.number, title: String(meta.title ?? ''), description: String(meta.description ?? ''), sourceHash: v.sourceHash, createdAt: iso(v.createdAt) };
}

function versionOut(node: CustomNode, v: CustomNodeVersion) {
  // The same entry GET /api/nodes lists, built the same way, so the canvas can draw a pinned older version.
  const def = customNodeDefinition(loadedFromMeta(v.sourceHash, v.meta), v.number, { createInstance: unusable, runBatch: unusable, dispose: unusable });
  const catalogEntry = createRegistry([def]).catalog().nodes[0]!;
  return { ...versionSummary(v), customNodeId: node.id, source: v.source, meta: v.meta, catalogEntry: catalogEntry as unknown as Record<string, unknown> };
}
const unusable = (): never => {
  throw new Error('a catalog definition does not run');
};

/** Custom nodes: save versioned TypeScript nodes, test them on sample data, list and delete them. */
export function registerCustomNodeRoutes(app: OpenAPIHono, deps: AppDeps): void {
  const em = () => deps.orm.em.fork();
  const host = deps.customNodes;

  // A source is at most 256 KB; the JSON around it (escapes can double it) stays well under this.
  const limit = bodyLimit({ maxSize: 2 * MAX_SOURCE_BYTES + 64 * 1024, onError: (c) => problem(c, 413, 'Too large', `A custom node's source may be at most ${MAX_SOURCE_BYTES / 1024} KB.`) });
  app.use('/api/custom-nodes', limit);
  app.use('/api/custom-nodes/*', limit);
  // Every save and test starts work in the sandbox: transpiling, loading, a lookahead check.
  limitPosts(app, ['/api/custom-nodes', '/api/custom-nodes/*'], { limit: 60, windowMs: 60_000, key: () => `custom-nodes:${deps.owner}` });

  /** Load a source in the sandbox; a refusal becomes the problem+json the editor turns into markers. */
  async function load(c: Context, source: string): Promise<{ ok: true; node: LoadedNode } | { ok: false; response: Response }> {
    try {
      return { ok: true, node: await host.sandbox().load(source) };
    } catch (err) {
      return { ok: false, response: sandboxProblem(c, err) };
    }
  }

  function sandboxProblem(c: Context, err: unknown): Response {
    if (!(err instanceof SandboxError)) throw err;
    switch (err.code) {
      case 'SourceRejected': {
        const errors = sourceProblems(err);
        return problem(c, 422, 'The source was refused', errors.map((e) => (e.line ? `line ${e.line}:${e.column}: ${e.message}` : e.message)).join('; '), { errors });
      }
      case 'DefinitionInvalid':
        return problem(c, 422, 'The definition does not satisfy the node contract', err.message.slice(err.code.length + 2), { errors: [{ path: 'body.source', message: err.message.slice(err.code.length + 2) }] });
      case 'ParamsInvalid':
        return problem(c, 422, 'Invalid params', err.message.slice(err.code.length + 2), { errors: [{ path: 'body.params', message: err.message.slice(err.code.length + 2) }] });
      case 'NodeError':
      case 'Timeout':
      case 'MemoryLimit':
        return problem(c, 422, 'The node failed on the sample data', err.message, { errors: [{ path: 'body.source', message: err.message }] });
      case 'SandboxCrashed':
      case 'InstanceLost':
        deps.log.warn({ err: err.message }, 'custom node request hit a sandbox restart');
        return problem(c, 503, 'Sandbox restarted', `${err.message}. The sandbox was restarted; try again.`);
      default:
        throw err;
    }
  }

  /** The lookahead check on the sample series, with the node's default params. */
  async function lookahead(node: LoadedNode, params: unknown = node.defaults): Promise<LookaheadWarning[]> {
    const bars = sampleBars(LOOKAHEAD_BARS);
    return checkLookahead(host.sandbox(), node, params, sampleInputs(node, bars).columns, LOOKAHEAD_BARS);
  }

  const findNode = (fork: EntityManager, id: string) => fork.findOne(CustomNode, { id, owner: deps.owner });

  /**
   * The owner's running or paused deployments whose graph has a node of `type`, with the versions they
   * pin. Deployments copy their graph at creation, so this reads the deployments' own graphs, not the
   * strategies'. Stopped and failed deployments never compile again and do not count.
   */
  const deploymentsUsing = async (fork: EntityManager, type: string) => {
    const active = await fork.find(Deployment, { owner: deps.owner, status: { $in: ['running', 'paused'] } }, { fields: ['id', 'name', 'status', 'graph'], orderBy: { createdAt: 'asc' } });
    return active.flatMap((d) => {
      const graph = d.graph as { nodes?: unknown };
      const nodes = Array.isArray(graph.nodes) ? (graph.nodes as { type?: unknown; version?: unknown }[]) : [];
      const versions = [...new Set(nodes.filter((n) => n?.type === type).map((n) => (typeof n.version === 'number' ? n.version : 1)))].sort((a, b) => a - b);
      return versions.length ? [{ id: d.id, name: d.name, status: d.status, versions }] : [];
    });
  };

  app.openapi(
    createRoute({ method: 'get', path: '/api/custom-nodes', tags, summary: 'List custom nodes', responses: { 200: json(list(CustomNodeSummary), 'Custom nodes by type name') } }),
    async (c) => {
      const rows = await em().find(CustomNode, { owner: deps.owner }, { orderBy: { typeName: 'asc' } });
      return c.json({ items: rows.map(summaryOut) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/custom-nodes', tags, summary: 'Create a custom node (its version 1)',
      description:
        'Transpiles the TypeScript and loads it in the sandbox, which validates the definition against the node contract; a refusal names the line and column, or the contract problem. ' +
        'Then runs the lookahead check on sample data and returns its warnings (saving does not depend on them). The type name in the source must be new for this owner: ' +
        'a new version of an existing node goes to `POST /api/custom-nodes/{id}/versions`.',
      request: { body: { content: { 'application/json': { schema: SourceBody } }, required: true } },
      responses: {
        201: json(Saved, 'Created'),
        409: problemResponse('A custom node with this type name exists'),
        422: problemResponse('The source was refused, or the definition breaks the contract'),
        503: problemResponse('The sandbox restarted during the request'),
      },
    }),
    async (c) => {
      const { source } = c.req.valid('json');
      const loaded = await load(c, source);
      if (!loaded.ok) return loaded.response;
      const node = loaded.node;
      const fork = em();
      const existing = await fork.findOne(CustomNode, { owner: deps.owner, typeName: node.type });
      if (existing) return exists(c, existing);
      const meta = metaOf(node);
      const row = fork.create(CustomNode, { owner: deps.owner, typeName: node.type, title: node.title, latestVersion: 1 });
      const version = fork.create(CustomNodeVersion, { owner: deps.owner, customNode: row, number: 1, source, sourceHash: sourceHash(source), meta: meta as unknown as Record<string, unknown> });
      try {
        await fork.flush();
      } catch (err) {
        // Two creates of one type name raced; the loser reads like any other duplicate.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
        const winner = await em().findOne(CustomNode, { owner: deps.owner, typeName: node.type });
        if (winner) return exists(c, winner);
        throw err;
      }
      const warnings = await lookahead(node).catch((err) => warnFailed(err));
      return c.json({ node: summaryOut(row), version: versionOut(row, version), created: true, warnings }, 201);
    },
  );

  function exists(c: Context, n: CustomNode) {
    return problem(c, 409, 'Custom node exists', `You already have a custom node "${n.typeName}" (${n.title}); save a new version of it, or change \`type\` in the source.`, {
      existingId: n.id,
      errors: [{ path: 'body.source', message: `type "${n.typeName}" is taken` }],
    });
  }

  /** A lookahead check that could not finish (the node throws on sample data) is a warning too, not a failed save. */
  function warnFailed(err: unknown): LookaheadWarning[] {
    if (!(err instanceof SandboxError)) throw err;
    return [{ kind: 'future-dependence', port: '', bar: 0, probe: 0, message: `the lookahead check could not run: ${err.message}` }];
  }

  app.openapi(
    createRoute({
      method: 'post', path: '/api/custom-nodes/{id}/versions', tags, summary: 'Save a new version of a custom node',
      description: 'Validated like a create. The source must keep the node\'s type name. A source equal to the latest version stores nothing (`created: false`). Graphs keep the version they pinned until the user updates them.',
      request: { params: IdParam, body: { content: { 'application/json': { schema: SourceBody } }, required: true } },
      responses: {
        200: json(Saved, 'Unchanged: the latest version already has this source'),
        201: json(Saved, 'Saved as a new version'),
        404: problemResponse('No such custom node'),
        422: problemResponse('The source was refused, or it renames the node'),
        503: problemResponse('The sandbox restarted during the request'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { source } = c.req.valid('json');
      if (!(await findNode(em(), id))) return notFound(c, 'The custom node');
      const loaded = await load(c, source);
      if (!loaded.ok) return loaded.response;
      const node = loaded.node;
      const hash = sourceHash(source);
      const saved = await em().transactional(async (tx) => {
        // The row lock serialises saves, so two never take the same number.
        const row = await tx.findOne(CustomNode, { id, owner: deps.owner }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!row) return null;
        if (row.typeName !== node.type) return { row, renamed: true as const };
        const latest = await tx.findOneOrFail(CustomNodeVersion, { customNode: row, number: row.latestVersion }, { populate: ['source'] });
        if (latest.sourceHash === hash) return { row, version: latest, created: false };
        row.latestVersion += 1;
        row.title = node.title;
        row.updatedAt = new Date();
        const version = tx.create(CustomNodeVersion, { owner: deps.owner, customNode: row, number: row.latestVersion, source, sourceHash: hash, meta: metaOf(node) as unknown as Record<string, unknown> });
        return { row, version, created: true };
      });
      if (!saved) return notFound(c, 'The custom node');
      if ('renamed' in saved) {
        const message = `this node's type is "${saved.row.typeName}"; the source declares "${node.type}". Keep the type to save a new version, or create a new node`;
        return problem(c, 422, 'The type name changed', message, { errors: [{ path: 'body.source', message }] });
      }
      const warnings = await lookahead(node).catch((err) => warnFailed(err));
      return c.json({ node: summaryOut(saved.row), version: versionOut(saved.row, saved.version), created: saved.created, warnings }, saved.created ? 201 : 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/custom-nodes/{id}', tags, summary: 'A custom node with its versions', request: { params: IdParam },
      responses: { 200: json(CustomNodeDetail, 'The node; versions newest first'), 404: problemResponse('No such custom node') },
    }),
    async (c) => {
      const fork = em();
      const row = await findNode(fork, c.req.valid('param').id);
      if (!row) return notFound(c, 'The custom node');
      const versions = await fork.find(CustomNodeVersion, { customNode: row }, { orderBy: { number: 'desc' } });
      return c.json({ ...summaryOut(row), versions: versions.map(versionSummary) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/custom-nodes/{id}/versions/{n}', tags, summary: "A version's source and definition", request: { params: VersionParams },
      responses: { 200: json(VersionOut, 'The version'), 404: problemResponse('No such custom node or version') },
    }),
    async (c) => {
      const { id, n } = c.req.valid('param');
      const fork = em();
      const row = await findNode(fork, id);
      if (!row) return notFound(c, 'The custom node');
      const version = await fork.findOne(CustomNodeVersion, { customNode: row, number: n }, { populate: ['source'] });
      if (!version) return notFound(c, `Version ${n}`);
      return c.json(versionOut(row, version), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete', path: '/api/custom-nodes/{id}', tags, summary: 'Delete a custom node and all its versions',
      description:
        'Graphs that use it stop compiling, with an error on each such node; finished runs keep their results. Refused (409) while a ' +
        'deployment that is running or paused uses any version of it: its workers compile the pinned version on every restart, so the ' +
        'deployment would fail. Stop those deployments first; the problem lists them.',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, 404: problemResponse('No such custom node'), 409: problemResponse('A running or paused deployment uses the node (`deployments` lists them)') },
    }),
    async (c) => {
      const fork = em();
      const row = await findNode(fork, c.req.valid('param').id);
      if (!row) return notFound(c, 'The custom node');
      const using = await deploymentsUsing(fork, `${CUSTOM_PREFIX}${row.typeName}`);
      if (using.length) {
        const names = using.map((d) => `"${d.name}" (${d.id}, ${d.status}, v${d.versions.join(', v')})`).join('; ');
        return problem(c, 409, 'Custom node in use', `The custom node ${row.typeName} is used by ${using.length === 1 ? 'a deployment that is' : `${using.length} deployments that are`} still trading: ${names}. Stop ${using.length === 1 ? 'it' : 'them'} first.`, { deployments: using });
      }
      await fork.nativeDelete(CustomNodeVersion, { customNode: row.id });
      await fork.nativeDelete(CustomNode, { id: row.id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/custom-nodes/test', tags, summary: 'Run a source on sample data',
      description:
        'Loads the source in the sandbox (nothing is stored) and runs it over a seeded synthetic series: price and number inputs read close, open, high, low and volume in turn, ' +
        'bool inputs read "the close rose". Returns the close, every output per bar, the lookahead warnings and how long each step took.',
      request: { body: { content: { 'application/json': { schema: TestRequest } }, required: true } },
      responses: {
        200: json(TestOut, 'Outputs per bar'),
        422: problemResponse('The source was refused, its params are invalid, or it failed on the sample data'),
        503: problemResponse('The sandbox restarted during the request'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      let t = performance.now();
      const loaded = await load(c, body.source);
      if (!loaded.ok) return loaded.response;
      const loadMs = performance.now() - t;
      const node = loaded.node;
      const params = node.paramsSchema.safeParse(body.params);
      if (!params.success) {
        const errors = params.error.issues.map((i) => ({ path: ['body', 'params', ...i.path.map(String)].join('.'), message: i.message }));
        return problem(c, 422, 'Invalid params', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
      }
      const bars = sampleBars(body.bars);
      const { columns, feeds } = sampleInputs(node, bars);
      const pool = host.sandbox();
      try {
        t = performance.now();
        const handle = await pool.createInstance(node.id, params.data, { seed: 1 });
        let outputs;
        try {
          outputs = await pool.runBatch(handle, columns, body.bars);
        } finally {
          await pool.dispose(handle).catch(() => {});
        }
        const runMs = performance.now() - t;
        t = performance.now();
        const warnings = await checkLookahead(pool, node, params.data, columns, body.bars);
        const lookaheadMs = performance.now() - t;
        const finite = (v: number) => (Number.isFinite(v) ? v : null);
        return c.json(
          {
            node: { type: `${CUSTOM_PREFIX}${node.type}`, title: node.title, description: node.description },
            params: params.data,
            time: Array.from(bars.time),
            close: Array.from(bars.close),
            inputs: feeds,
            outputs: Object.entries(node.outputs).map(([port, spec]) => ({ port, kind: spec.kind, values: Array.from(outputs[port]!, finite) })),
            warnings,
            timing: { loadMs: round(loadMs), runMs: round(runMs), lookaheadMs: round(lookaheadMs) },
          },
          200,
        );
      } catch (err) {
        return sandboxProblem(c, err);
      }
    },
  );
}

const round = (ms: number) => Math.round(ms * 100) / 100;
