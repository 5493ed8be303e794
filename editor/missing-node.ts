/**
 * What a node of a type the catalog lacks is: a custom node deleted, or one from someone else's
 * Tradeloom (an exported strategy names its custom nodes but does not carry their code); otherwise a
 * built-in type newer than this Tradeloom.
 */
export function missingNodeText(type: string): string {
  return type.startsWith('custom.')
    ? `No custom node “${type}” here: it was deleted, or the strategy comes from another account or machine (an export does not carry custom nodes’ code).`
    : `This Tradeloom has no node type “${type}” (a strategy made with a newer Tradeloom, or a mistyped type).`;
}
