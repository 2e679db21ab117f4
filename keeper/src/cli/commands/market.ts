/** `flock market`: the AI Marketplace — listings, access, revenue. */
import { Command } from "@commander-js/extra-typings";
import { parseAddress, parseAmount, parseId, parseIntIn } from "../args.js";
import { print, withNode } from "../common.js";

const market = () => import("../../chain/market.js");

export function marketCommand() {
  const cmd = new Command("market").description("the AI Marketplace: listings, access and revenue");
  cmd
    .command("list")
    .description("every listing: model, price, period, status")
    .action(async (_o, c) => {
      const { Market } = await market();
      print(await withNode(c, (n) => new Market(n.protocol).listings(), { store: false }));
    });
  cmd
    .command("show")
    .description("one listing, with your access expiry, shares and claimable revenue")
    .argument("<listingId>", "listing id", parseId)
    .option("--for <address>", "whose access and revenue to show (default: your account)", parseAddress)
    .action(async (id, o, c) => {
      const { Market } = await market();
      print(
        await withNode(
          c,
          async (n) => {
            const m = new Market(n.protocol);
            const listing = await m.listing(id);
            const who = o.for ?? n.chain.account?.address;
            if (!who) return { listing };
            const [expiry, shares, claimable, now] = await Promise.all([
              m.expiryOf(id, who),
              m.sharesOf(id, who),
              m.claimable(id, who),
              n.protocol.now(),
            ]);
            return { listing, account: who, expiry, hasAccess: expiry > now, shares, claimable };
          },
          { store: false },
        ),
      );
    });
  cmd
    .command("buy")
    .description("buy access to a listing: pays price × periods FLOCK (approving exactly that)")
    .requiredOption("--listing <id>", "listing id", parseId)
    .option("--periods <n>", "access periods to buy", parseIntIn(1, 1000), 1)
    .action(async (o, c) => {
      const { Market } = await market();
      print(await withNode(c, (n) => new Market(n.protocol).buy(o.listing, BigInt(o.periods)), { store: false }));
    });
  cmd
    .command("claim")
    .description("claim revenue (to the wallet) from every listing, or the given ones")
    .option("--listing <id...>", "only these listings", (v, acc: bigint[] = []) => [...acc, parseId(v)])
    .option("--for <address>", "claim for another account (claims are permissionless)", parseAddress)
    .action(async (o, c) => {
      const { Market } = await market();
      print(
        await withNode(
          c,
          async (n) => {
            const m = new Market(n.protocol);
            const ids = o.listing ?? (await m.listings()).map((l) => l.id);
            return m.claim(ids, o.for ?? n.chain.address);
          },
          { store: false },
        ),
      );
    });
  cmd
    .command("sell")
    .description("list a settled task's winning model (task creator or governance)")
    .requiredOption("--task <id>", "the settled task", parseId)
    .requiredOption("--model <cid>", "the winning model's CID (rank 0)")
    .requiredOption("--license <cid>", "the license's CID")
    .requiredOption("--price <flock>", "FLOCK per period", parseAmount)
    .option("--period <seconds>", "seconds of access per period", parseIntIn(60, 365 * 86400), 30 * 86400)
    .action(async (o, c) => {
      const { Market } = await market();
      print(
        await withNode(
          c,
          (n) =>
            new Market(n.protocol).listTask({
              taskId: o.task,
              modelCid: o.model,
              licenseCid: o.license,
              price: o.price,
              period: o.period,
            }),
          { store: false },
        ),
      );
    });
  return cmd;
}
