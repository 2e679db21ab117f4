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

/**
 * Every table of the schema in one query (≤ 500 rows each: 13,100 rows, inside the endpoint's 20,000-row limit), in a
 * stable order: a full snapshot of the index. Use `snapshot()`, which fails when a table did not fit.
 */
export const SNAPSHOT_QUERY = `{
  accounts(limit: 500, orderBy: "address") { items { address balance minted votes votesDelegate } pageInfo { hasNextPage } }
  tokens { items { address totalSupply minted burned transfers } pageInfo { hasNextPage } }
  tokenTransfers(limit: 500, orderBy: "id") { items { id from to amount } pageInfo { hasNextPage } }
  allowances(limit: 500, orderBy: "owner") { items { owner spender amount } pageInfo { hasNextPage } }
  tokenMints(limit: 500, orderBy: "id") { items { id to amount } pageInfo { hasNextPage } }
  parameters(limit: 500, orderBy: "key") { items { key name value min max changes } pageInfo { hasNextPage } }
  parameterChanges(limit: 500, orderBy: "id") { items { id key oldValue newValue } pageInfo { hasNextPage } }
  protocols { items { config treasury owner pendingOwner } pageInfo { hasNextPage } }
  roleMembers(limit: 500, orderBy: "account") { items { contract role account active } pageInfo { hasNextPage } }
  operators(limit: 500, orderBy: "address") { items { address role commissionBps bondedAssets totalShares selfShares lockedAssets unbondingAssets unclaimedCommission totalRewards totalCommission totalSlashed delegators lockSeq releasedThrough pendingAssets pendingCommissionBps commissionEffectiveAt } pageInfo { hasNextPage } }
  delegations(limit: 500, orderBy: "account") { items { operator account shares principal deposited deposits } pageInfo { hasNextPage } }
  unbondings(limit: 500, orderBy: "entryId") { items { entryId operator account shares assets unbondingShares readyAt lockMark withdrawn withdrawnAssets } pageInfo { hasNextPage } }
  pendingDeposits(limit: 500, orderBy: "account") { items { operator account assets mark status deposited activated cancelled } pageInfo { hasNextPage } }
  commissionIncreases(limit: 500, orderBy: "id") { items { id operator currentBps newBps effectiveAt } pageInfo { hasNextPage } }
  stakeLocks(limit: 500, orderBy: "lockedBlock") { items { module lockId operator seq locked amount slashed released active } pageInfo { hasNextPage } }
  slashs(limit: 500, orderBy: "id") { items { id operator amount fromBonded fromUnbonding reason toTreasury taskId } pageInfo { hasNextPage } }
  rewardDeposits(limit: 500, orderBy: "id") { items { id operator amount commission } pageInfo { hasNextPage } }
  commissionClaims(limit: 500, orderBy: "id") { items { id operator amount } pageInfo { hasNextPage } }
  commissionChanges(limit: 500, orderBy: "id") { items { id operator oldBps newBps } pageInfo { hasNextPage } }
  tasks(limit: 500, orderBy: "id") { items { id status stage cursor cancelReason evalCid rewardPool trainerPot validatorPot protocolFee keeperBounty slashed paidTrainers rewardedValidators creatorRefund bondShare totalRewards totalClaimed published revealed validators trainers commitments publishedTrainers evalRevealEnd unavailable evictions displacements contested trainerNonRevealSlashed } pageInfo { hasNextPage } }
  submissions(limit: 500, orderBy: "commitSeq") { items { taskId trainer commitment commitSeq commits published index modelCid consensus rank reward spam contested displaced slashed claimed claimedAmount } pageInfo { hasNextPage } }
  submissionCommits(limit: 500, orderBy: "id") { items { id taskId trainer commitSeq replaced lockedStake } pageInfo { hasNextPage } }
  taskValidators(limit: 500, orderBy: "validatorIndex") { items { taskId validator validatorIndex lockedStake revealed unavailable evicted scores distance maxDistance outcome weight reward slashed claimed claimedAmount } pageInfo { hasNextPage } }
  scoresCommits(limit: 500, orderBy: "id") { items { id taskId validator replaced } pageInfo { hasNextPage } }
  scores(limit: 500, orderBy: "submissionIndex") { items { taskId validator submissionIndex trainer score } pageInfo { hasNextPage } }
  finalizeCalls(limit: 500, orderBy: "id") { items { id taskId keeper stage cursor steps bounty } pageInfo { hasNextPage } }
  claims(limit: 500, orderBy: "id") { items { id taskId account kind amount unlocked } pageInfo { hasNextPage } }
  submissionDisplacements(limit: 500, orderBy: "id") { items { id taskId index copier owner } pageInfo { hasNextPage } }
  validatorEvictions(limit: 500, orderBy: "id") { items { id taskId evicted by evictedLock newLock } pageInfo { hasNextPage } }
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
    lockSeq: number;
    releasedThrough: number;
    pendingAssets: Big;
    pendingCommissionBps: number;
    commissionEffectiveAt: Big;
  }>;
  pendingDeposits: Items<{ operator: string; account: string; assets: Big; mark: number; status: string }>;
  commissionIncreases: Items<{ operator: string; newBps: number }>;
  delegations: Items<{ operator: `0x${string}`; account: `0x${string}`; shares: Big }>;
  unbondings: Items<{
    entryId: Big;
    account: string;
    unbondingShares: Big;
    readyAt: Big;
    lockMark: number;
    withdrawn: boolean;
  }>;
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
  claims: Items<{ taskId: Big; account: string; kind: string; amount: Big; unlocked: Big }>;
  tasks: Items<unknown>;
}

/** The whole index (SNAPSHOT_QUERY); throws when a table holds more rows than the query asks for. */
export async function snapshot(url: string): Promise<Snapshot> {
  const data = await gql<Record<string, Items<unknown> & { pageInfo: { hasNextPage: boolean } }>>(url, SNAPSHOT_QUERY);
  const cut = Object.entries(data).filter(([, v]) => v.pageInfo.hasNextPage);
  if (cut.length) throw new Error(`snapshot: ${cut.map(([k]) => k).join(", ")} hold more than 500 rows`);
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { items: v.items }])) as Snapshot;
}
