/** A tiny GraphQL client for the tests and the benchmark (fails loudly on GraphQL errors). */
export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  if (!res.ok || !body.data) throw new Error(`GraphQL HTTP ${res.status}`);
  return body.data;
}

/** Every table of the schema in one query (≤ 1000 rows each), in a stable order: a full snapshot of the index. */
export const SNAPSHOT_QUERY = `{
  accounts(limit: 1000, orderBy: "address") { items { address balance minted votes votesDelegate } }
  tokens { items { address totalSupply minted burned transfers } }
  tokenTransfers(limit: 1000, orderBy: "id") { items { id from to amount } }
  allowances(limit: 1000, orderBy: "owner") { items { owner spender amount } }
  tokenMints(limit: 1000, orderBy: "id") { items { id to amount } }
  parameters(limit: 1000, orderBy: "key") { items { key name value min max changes } }
  parameterChanges(limit: 1000, orderBy: "id") { items { id key oldValue newValue } }
  protocols { items { config treasury owner pendingOwner } }
  roleMembers(limit: 1000, orderBy: "account") { items { contract role account active } }
  operators(limit: 1000, orderBy: "address") { items { address role commissionBps bondedAssets totalShares selfShares lockedAssets unbondingAssets unclaimedCommission totalRewards totalCommission totalSlashed delegators } }
  delegations(limit: 1000, orderBy: "account") { items { operator account shares principal deposited deposits } }
  unbondings(limit: 1000, orderBy: "entryId") { items { entryId operator account shares assets unbondingShares readyAt withdrawn withdrawnAssets } }
  stakeLocks(limit: 1000, orderBy: "lockedBlock") { items { module lockId operator locked amount slashed released active } }
  slashs(limit: 1000, orderBy: "id") { items { id operator amount fromBonded fromUnbonding reason toTreasury taskId } }
  rewardDeposits(limit: 1000, orderBy: "id") { items { id operator amount commission } }
  commissionClaims(limit: 1000, orderBy: "id") { items { id operator amount } }
  commissionChanges(limit: 1000, orderBy: "id") { items { id operator oldBps newBps } }
  tasks(limit: 1000, orderBy: "id") { items { id status stage cursor cancelReason evalCid rewardPool trainerPot validatorPot protocolFee keeperBounty slashed paidTrainers rewardedValidators creatorRefund bondShare totalRewards totalClaimed published revealed validators trainers commitments publishedTrainers } }
  submissions(limit: 1000, orderBy: "commitSeq") { items { taskId trainer commitment commitSeq commits published index modelCid consensus rank reward spam slashed claimed claimedAmount } }
  submissionCommits(limit: 1000, orderBy: "id") { items { id taskId trainer commitSeq replaced lockedStake } }
  taskValidators(limit: 1000, orderBy: "validatorIndex") { items { taskId validator validatorIndex lockedStake revealed scores distance outcome weight reward slashed claimed claimedAmount } }
  scoresCommits(limit: 1000, orderBy: "id") { items { id taskId validator replaced } }
  scores(limit: 1000, orderBy: "submissionIndex") { items { taskId validator submissionIndex trainer score } }
  finalizeCalls(limit: 1000, orderBy: "id") { items { id taskId keeper stage cursor steps bounty } }
  claims(limit: 1000, orderBy: "id") { items { id taskId account kind amount unlocked } }
}`;

/** BigInt columns come back from GraphQL as decimal strings. */
type Big = string;
interface Items<T> {
  items: T[];
}

/** The fields of `SNAPSHOT_QUERY` the tests read one by one (the rest are compared whole, as JSON). */
export interface Snapshot {
  [table: string]: Items<unknown>;
  accounts: Items<{ address: `0x${string}`; balance: Big; votes: Big }>;
  tokens: Items<{ totalSupply: Big }>;
  parameters: Items<{ key: `0x${string}`; name: string; value: Big }>;
  protocols: Items<{ treasury: string }>;
  operators: Items<{
    address: `0x${string}`;
    role: string;
    commissionBps: number;
    bondedAssets: Big;
    totalShares: Big;
    selfShares: Big;
    lockedAssets: Big;
    unbondingAssets: Big;
    unclaimedCommission: Big;
  }>;
  delegations: Items<{ operator: `0x${string}`; account: `0x${string}`; shares: Big }>;
  unbondings: Items<{ entryId: Big; account: string; unbondingShares: Big; readyAt: Big; withdrawn: boolean }>;
  stakeLocks: Items<{ module: `0x${string}`; lockId: Big; operator: `0x${string}`; amount: Big }>;
  slashs: Items<{
    taskId: Big;
    operator: string;
    reason: string | null;
    amount: Big;
    toTreasury: Big | null;
    fromBonded: Big;
    fromUnbonding: Big;
  }>;
  claims: Items<{ taskId: Big; account: string; amount: Big; unlocked: Big }>;
  tasks: Items<unknown>;
}
