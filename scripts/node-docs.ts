/**
 * docs/nodes.md, generated from the registry: every node's ports, params (with defaults and bounds from
 * its zod schema), warm-up and caveats. The registry is the single source; a unit test fails when the
 * committed file is stale.
 *
 *   node scripts/node-docs.ts          # rewrite docs/nodes.md
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registry } from '../nodes/index.ts';
import type { CatalogEntry } from '../nodes/registry.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function param(name: string, schema: Record<string, unknown>, required: boolean): string {
  const bits: string[] = [];
  const type = schema.enum ? (schema.enum as unknown[]).map((v) => `\`${String(v)}\``).join(' / ') : String(schema.type ?? schema.format ?? 'value');
  if (schema.minimum !== undefined || schema.exclusiveMinimum !== undefined) bits.push(schema.minimum !== undefined ? `≥ ${schema.minimum}` : `> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bits.push(`≤ ${schema.maximum}`);
  const dflt = schema.default !== undefined ? `\`${JSON.stringify(schema.default)}\`` : required ? 'required' : '—';
  return `| \`${name}\` | ${cell(type)}${bits.length ? ` (${bits.join(', ')})` : ''} | ${dflt} | ${cell(String(schema.description ?? ''))} |`;
}

function section(e: CatalogEntry): string {
  const props = (e.paramsSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((e.paramsSchema.required ?? []) as string[]);
  const lines = [`### ${e.title} — \`${e.type}\``, '', e.description, ''];
  const ports = [
    ...e.inputs.map((p) => `| in | \`${p.name}\` | ${p.kind}${p.optional ? ' (optional)' : ''} | ${cell(p.description)} |`),
    ...e.outputs.map((p) => `| out | \`${p.name}\` | ${p.kind} | ${cell(p.description)} |`),
  ];
  lines.push('| | port | kind | meaning |', '|---|---|---|---|', ...ports, '');
  if (Object.keys(props).length) lines.push('| param | type | default | meaning |', '|---|---|---|---|', ...Object.entries(props).map(([k, s]) => param(k, s, required.has(k))), '');
  lines.push(`*Example.* ${e.docs.example}`, '');
  for (const c of e.docs.caveats) lines.push(`- ${c}`);
  lines.push('');
  return lines.join('\n');
}

export function renderNodeDocs(): string {
  const { nodes } = registry.catalog();
  const categories = [...new Set(nodes.map((n) => n.category))];
  const out = [
    '# Node reference',
    '',
    `Generated from the registry by \`node scripts/node-docs.ts\`: ${nodes.length} nodes. Each node's caveats state its warm-up and how it treats NaN (unknown) inputs.`,
    '',
    ...categories.map((c) => `- [${c}](#${c}) (${nodes.filter((n) => n.category === c).length})`),
    '',
  ];
  for (const c of categories) {
    out.push(`## ${c}`, '');
    for (const n of nodes.filter((x) => x.category === c)) out.push(section(n));
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../docs/nodes.md', import.meta.url), renderNodeDocs());
  console.log('wrote docs/nodes.md');
}
