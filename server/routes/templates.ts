import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { problem } from '../problem.ts';
import { json, list, problemResponse, StrategyOut } from '../schemas.ts';
import { findTemplate, templates } from '../templates/index.ts';
import { StrategyTemplate, TemplateId } from '../templates/schema.ts';
import { createStrategy, strategyOut } from '../strategy-store.ts';

export const TemplateSummary = StrategyTemplate.omit({ graph: true })
  .extend({ nodeCount: z.number().int().describe('Nodes in the template’s graph.') })
  .openapi('TemplateSummary');

export const TemplateUse = z
  .object({
    templateId: TemplateId.describe('The template to copy, e.g. `rsi-with-stop`.'),
    name: z.string().trim().min(1, 'give the strategy a name').max(200).optional().describe('Name of the new strategy; the template’s name when left out.'),
  })
  .openapi('TemplateUse');

export const StrategyFromTemplate = StrategyOut.extend({
  template: z.object({ id: TemplateId, version: z.number().int() }).describe('The template and version the strategy was copied from (not stored with the strategy).'),
}).openapi('StrategyFromTemplate');

const summaries = templates.map(({ graph, ...rest }) => ({ ...rest, nodeCount: graph.nodes.length }));

export function registerTemplateRoutes(app: OpenAPIHono, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/templates', tags: ['Templates'], summary: 'List strategy templates',
      responses: { 200: json(list(TemplateSummary), 'Ready strategies, in gallery order') },
    }),
    (c) => c.json({ items: summaries }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/api/strategies/from-template', tags: ['Strategies', 'Templates'], summary: 'Create a strategy from a template',
      description: 'Saves a copy of the template’s graph as a new strategy. Later changes to the template do not touch the copy.',
      request: { body: { content: { 'application/json': { schema: TemplateUse } }, required: true } },
      responses: { 201: json(StrategyFromTemplate, 'Created'), 400: problemResponse('Invalid request'), 404: problemResponse('No such template') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const template = findTemplate(body.templateId);
      if (!template) {
        return problem(c, 404, 'Not found', `There is no template "${body.templateId}".`, { errors: [{ path: 'body.templateId', message: 'no such template' }] });
      }
      const em = deps.orm.em.fork();
      const s = createStrategy(em, {
        owner: deps.owner,
        name: body.name ?? template.name,
        graph: structuredClone(template.graph) as Record<string, unknown>,
        description: template.description,
        message: `Created from the “${template.name}” template, version ${template.version}`,
      });
      await em.flush();
      return c.json({ ...strategyOut(s), template: { id: template.id, version: template.version } }, 201);
    },
  );
}
