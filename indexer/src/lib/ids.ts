/** The key shared by the vault's `Slashed` and the module's own slash event of the same transaction. */
export function slashRowId(module: string, id: bigint, operator: string, txHash: string): string {
  return `${module.toLowerCase()}:${id}:${operator.toLowerCase()}:${txHash.toLowerCase()}`;
}
