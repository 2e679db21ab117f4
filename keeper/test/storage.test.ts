import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { importer } from "ipfs-unixfs-importer";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nonCanonicalReason } from "../src/logic/cid.js";
import { kuboCompatibleImportOptions, MAX_BLOCK_BYTES } from "../src/storage/blocks.js";
import { directoryCid } from "../src/storage/cid.js";
import {
  ContentNotFoundError,
  type ContentStore,
  ContentTimeoutError,
  ContentTooLargeError,
  ContentVerificationError,
  type EmbeddedStore,
  InvalidCidError,
  InvalidPathError,
  NotADirectoryError,
  openStore,
  type StoreOptions,
  StoreUnavailableError,
  startGatewayServer,
  UnsupportedContentError,
} from "../src/storage/index.js";
import type { FileMap } from "../src/types.js";

// Loading helia takes a few seconds the first time.
const SLOW = 60_000;

let tmp: string;
const open: ContentStore[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "flock-storage-"));
  await (await embedded("warm-up")).close(); // pays the import cost once, outside the timed tests
}, SLOW);
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c()));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let dirs = 0;
async function embedded(
  name = `s${dirs++}`,
  gateways?: string[],
  gatewayRequestTimeoutMs?: number,
): Promise<EmbeddedStore> {
  const store = await openStore({ kind: "embedded", dataDir: join(tmp, name), gateways, gatewayRequestTimeoutMs });
  open.push(store);
  return store;
}

const text = (s: string) => new TextEncoder().encode(s);
const decodeText = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sampleFiles = (): FileMap =>
  new Map([
    ["model.json", text('{"format":"layers-model"}')],
    ["group1-shard1of1.bin", pattern(700_000)],
    ["nested/deeper/notes.txt", text("hello")],
    ["empty.bin", new Uint8Array(0)],
  ]);

/** A hand-made block store served over HTTP, for DAGs the importer would never produce. */
class FakeNode {
  readonly blocks = new Map<string, Uint8Array>();
  requests = 0;

  async put(bytes: Uint8Array, codec: number): Promise<CID> {
    const cid = CID.createV1(codec, await sha256.digest(bytes));
    this.blocks.set(cid.toString(), bytes);
    return cid;
  }

  rawLeaf(bytes: Uint8Array): Promise<CID> {
    return this.put(bytes, raw.code);
  }

  directory(links: Array<{ name: string; cid: CID; tsize?: number }>): Promise<CID> {
    const node = dagPb.prepare({
      Data: new UnixFS({ type: "directory" }).marshal(),
      Links: links.map((l) => ({ Name: l.name, Hash: l.cid, Tsize: l.tsize ?? 0 })),
    });
    return this.put(dagPb.encode(node), dagPb.code);
  }

  file(children: Array<{ cid: CID; size: number }>, declaredSizes?: number[]): Promise<CID> {
    const unixfs = new UnixFS({ type: "file", blockSizes: (declaredSizes ?? children.map((c) => c.size)).map(BigInt) });
    const node = dagPb.prepare({
      Data: unixfs.marshal(),
      Links: children.map((c) => ({ Hash: c.cid, Tsize: c.size })),
    });
    return this.put(dagPb.encode(node), dagPb.code);
  }

  async serve(): Promise<string> {
    const server = await startGatewayServer(async (cid) => {
      this.requests++;
      return this.blocks.get(cid.toString());
    });
    closers.push(() => server.close());
    return server.url;
  }
}

/** An HTTP gateway that forwards to `upstream` and changes the answers with `tamper`. */
async function proxyGateway(
  upstream: string,
  tamper: (body: Uint8Array, path: string) => Uint8Array | "hang",
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer(async (req, res) => {
    requests++;
    const answer = await fetch(upstream + req.url!, { headers: { Accept: "application/vnd.ipld.raw" } });
    if (answer.status !== 200) {
      res.writeHead(answer.status).end();
      return;
    }
    const body = tamper(new Uint8Array(await answer.arrayBuffer()), req.url!);
    if (body === "hang") return; // never answer
    res.writeHead(200, { "Content-Type": "application/vnd.ipld.raw" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

async function rawBlock(gateway: string, cid: string | CID): Promise<Uint8Array> {
  const res = await fetch(`${gateway}/ipfs/${cid}?format=raw`);
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

const limits = { maxBytes: 10_000_000, timeoutMs: 5_000 };

// ---------------------------------------------------------------------------------------------------------------
describe("embedded store (Helia light, offline)", () => {
  it("adds a directory and reads it back byte for byte", async () => {
    const store = await embedded();
    const files = sampleFiles();
    const cid = await store.addDirectory(files);
    expect(cid).toMatch(/^bafybei/);
    expect(await store.has(cid)).toBe(true);
    const back = await store.getDirectory(cid, limits);
    expect([...back.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [path, bytes] of files) expect(Buffer.from(back.get(path)!).equals(Buffer.from(bytes))).toBe(true);
  });

  it("gives the CIDs Kubo gives (`ipfs add -r --cid-version 1`, kubo 0.18.1 fixture)", async () => {
    // test/sharness/t0114-gateway-subdomains/README.md in ipfs/kubo: DIR_CID of ./testdirlisting
    const store = await embedded();
    const cid = await store.addDirectory(
      new Map([
        ["hello", text("hello\n")],
        ["ipfs/ipns/bar", text("text-file-content\n")],
        ["api/file.txt", text("I am a txt file\n")],
        ["ipfs/file.txt", text("I am a txt file\n")],
      ]),
    );
    expect(cid).toBe("bafybeiht6dtwk3les7vqm6ibpvz6qpohidvlshsfyr7l5mpysdw2vmbbhe");
    // and `echo hello | ipfs add --cid-version 1` is the raw leaf bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am
    const url = await store.serveGateway();
    const root = dagPb.decode(await rawBlock(url, cid));
    expect(root.Links.find((l) => l.Name === "hello")!.Hash.toString()).toBe(
      "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am",
    );
  });

  it(
    "chunks files like Kubo: 256 KiB raw leaves, balanced DAG of 174 links per node",
    async () => {
      const store = await embedded();
      const chunk = 262_144;
      const cid = await store.addDirectory(
        new Map([
          ["a.bin", pattern(2 * chunk + 5)],
          ["b.bin", pattern(174 * chunk + 1, 2)],
        ]),
      );
      const url = await store.serveGateway();
      const root = dagPb.decode(await rawBlock(url, cid));
      const a = dagPb.decode(await rawBlock(url, root.Links.find((l) => l.Name === "a.bin")!.Hash));
      expect(a.Links.map((l) => [l.Hash.code, l.Tsize])).toEqual([
        [raw.code, chunk],
        [raw.code, chunk],
        [raw.code, 5],
      ]);
      // 175 chunks do not fit in one node of 174 links: a second level appears
      const b = dagPb.decode(await rawBlock(url, root.Links.find((l) => l.Name === "b.bin")!.Hash));
      expect(b.Links).toHaveLength(2);
      const left = dagPb.decode(await rawBlock(url, b.Links[0].Hash));
      expect(left.Links).toHaveLength(174);
      expect(left.Links.every((l) => l.Hash.code === raw.code)).toBe(true);
    },
    SLOW,
  );

  it("gives two stores the same CID for the same files", async () => {
    const [a, b] = [await embedded(), await embedded()];
    const ca = await a.addDirectory(sampleFiles());
    const reordered = new Map([...sampleFiles()].reverse());
    expect(await b.addDirectory(reordered)).toBe(ca);
    expect(await a.addDirectory(sampleFiles())).toBe(ca); // adding (and pinning) again is harmless
  });

  it(
    "computes a directory's CID locally, hash only, equal to what adding it gives — and canonical",
    async () => {
      const store = await embedded();
      const files = sampleFiles();
      const local = await directoryCid(files);
      expect(nonCanonicalReason(local)).toBeNull();
      expect(local).toMatch(/^bafybei[a-z2-7]+$/);
      // nothing was written: the store does not have it until it is added
      expect(await store.has(local)).toBe(false);
      await expect(store.getDirectory(local, { maxBytes: 10_000_000, timeoutMs: 2_000 })).rejects.toThrow(
        ContentNotFoundError,
      );
      expect(await store.addDirectory(files)).toBe(local);
      expect(await store.has(local)).toBe(true);
      // one byte more in one file is another CID
      const changed = new Map(files);
      changed.set("nested/deeper/notes.txt", text("hello!"));
      expect(await directoryCid(changed)).not.toBe(local);
    },
    SLOW,
  );

  it("persists blocks and pins in its data dir across restarts", async () => {
    const first = await openStore({ kind: "embedded", dataDir: join(tmp, "persist") });
    const cid = await first.addDirectory(sampleFiles());
    await first.close();
    const again = await embedded("persist");
    expect(await again.has(cid)).toBe(true);
    expect((await again.getDirectory(cid, limits)).size).toBe(4);
  });

  it("deletes a corrupt local block and fetches it again", async () => {
    const a = await embedded();
    const cid = await a.addDirectory(new Map([["data.bin", pattern(300_000, 5)]]));
    const b = await embedded("corrupt-me", [await a.serveGateway()]);
    await b.getDirectory(cid, limits);
    const blockFiles = (
      await readdir(join(tmp, "corrupt-me", "ipfs", "blocks"), { recursive: true, withFileTypes: true })
    ).filter((d) => d.isFile());
    const biggest = (
      await Promise.all(
        blockFiles.map(async (d) => ({
          path: join(d.parentPath, d.name),
          size: (await stat(join(d.parentPath, d.name))).size,
        })),
      )
    ).sort((x, y) => y.size - x.size)[0];
    await writeFile(biggest.path, pattern(biggest.size, 99)); // bit rot in the 256 KiB leaf
    const got = await b.getDirectory(cid, limits);
    expect(Buffer.from(got.get("data.bin")!).equals(Buffer.from(pattern(300_000, 5)))).toBe(true);
  });

  it("fails fast on an unknown CID when offline", async () => {
    const store = await embedded();
    const unknown = CID.createV1(dagPb.code, await sha256.digest(text("nobody has this"))).toString();
    expect(await store.has(unknown)).toBe(false);
    const started = performance.now();
    await expect(store.getDirectory(unknown, { maxBytes: 1000, timeoutMs: 30_000 })).rejects.toBeInstanceOf(
      ContentNotFoundError,
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("rejects unsafe paths on add", async () => {
    const store = await embedded();
    for (const bad of [
      "../escape",
      "/etc/passwd",
      "a/../b",
      "a//b",
      "",
      ".",
      "dir/",
      "back\\slash",
      "nul\0",
      "C:/windows",
    ]) {
      await expect(store.addDirectory(new Map([[bad, text("x")]])), bad).rejects.toBeInstanceOf(InvalidPathError);
    }
    await expect(
      store.addDirectory(
        new Map([
          ["a", text("1")],
          ["a/b", text("2")],
        ]),
      ),
    ).rejects.toThrow(/both a file and the directory/);
    await expect(store.addDirectory(new Map())).rejects.toThrow(/at least one file/);
  });

  it("refuses non-directories, bad CIDs and unsupported codecs", async () => {
    const store = await embedded();
    const cid = await store.addDirectory(sampleFiles());
    const url = await store.serveGateway();
    const root = dagPb.decode(await rawBlock(url, cid));
    const rawLeaf = root.Links.find((l) => l.Name === "model.json")!.Hash; // small file: a raw leaf
    const fileNode = root.Links.find((l) => l.Name === "group1-shard1of1.bin")!.Hash; // dag-pb UnixFS file
    await expect(store.getDirectory(rawLeaf.toString(), limits)).rejects.toBeInstanceOf(NotADirectoryError);
    await expect(store.getDirectory(fileNode.toString(), limits)).rejects.toBeInstanceOf(NotADirectoryError);
    await expect(store.getDirectory("not-a-cid", limits)).rejects.toBeInstanceOf(InvalidCidError);
    const dagCbor = CID.createV1(0x71, rawLeaf.multihash).toString();
    await expect(store.getDirectory(dagCbor, limits)).rejects.toBeInstanceOf(UnsupportedContentError);
    await expect(store.getDirectory(cid, { maxBytes: -1, timeoutMs: 1000 })).rejects.toThrow(RangeError);
  });

  it("enforces maxFiles", async () => {
    const store = await embedded();
    const files: FileMap = new Map(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, text(String(i))]));
    const cid = await store.addDirectory(files);
    await expect(store.getDirectory(cid, { ...limits, maxFiles: 11 })).rejects.toThrow(ContentTooLargeError);
    expect((await store.getDirectory(cid, { ...limits, maxFiles: 12 })).size).toBe(12);
  });

  it("rejects with the caller's abort reason", async () => {
    const store = await embedded();
    const cid = await store.addDirectory(sampleFiles());
    const controller = new AbortController();
    controller.abort(new Error("caller gave up"));
    await expect(store.getDirectory(cid, { ...limits, signal: controller.signal })).rejects.toThrow("caller gave up");
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("sharing between stores through the loopback gateway", () => {
  it("fetches a directory from another store's gateway, verified, and keeps the blocks", async () => {
    const a = await embedded();
    const files = sampleFiles();
    files.set("big.bin", pattern(3_000_000, 9));
    const cid = await a.addDirectory(files);
    const url = await a.serveGateway();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await a.serveGateway()).toBe(url);

    const b = await embedded(undefined, [url]);
    expect(await b.has(cid)).toBe(false);
    const got = await b.getDirectory(cid, limits);
    expect(Buffer.from(got.get("big.bin")!).equals(Buffer.from(files.get("big.bin")!))).toBe(true);
    expect(decodeText(got.get("nested/deeper/notes.txt"))).toBe("hello");
    expect(await b.has(cid)).toBe(true);

    // b now holds every block: it reads offline after a is gone, and can serve a third store
    await a.close();
    open.splice(open.indexOf(a), 1);
    expect((await b.getDirectory(cid, limits)).size).toBe(5);
    const c = await embedded(undefined, [await b.serveGateway()]);
    expect((await c.getDirectory(cid, limits)).get("model.json")).toEqual(files.get("model.json"));
  });

  it("detects a lying gateway and rejects its bytes", async () => {
    const a = await embedded();
    const cid = await a.addDirectory(sampleFiles());
    const honest = await a.serveGateway();
    const liar = await proxyGateway(honest, (body) => {
      const forged = body.slice();
      forged[forged.length - 1] ^= 0xff;
      return forged;
    });
    const victim = await embedded(undefined, [liar.url]);
    await expect(victim.getDirectory(cid, limits)).rejects.toBeInstanceOf(ContentVerificationError);
    expect(await victim.has(cid)).toBe(false); // nothing unverified was stored

    // with an honest gateway after the liar, every block still arrives, verified
    const careful = await embedded(undefined, [liar.url, honest]);
    const got = await careful.getDirectory(cid, limits);
    expect(Buffer.from(got.get("group1-shard1of1.bin")!).equals(Buffer.from(pattern(700_000)))).toBe(true);
    expect(liar.requests()).toBeGreaterThan(1);
  });

  it("treats an oversize answer as a lie", async () => {
    const a = await embedded();
    const cid = await a.addDirectory(sampleFiles());
    const bloated = await proxyGateway(await a.serveGateway(), () => new Uint8Array(MAX_BLOCK_BYTES + 1));
    const b = await embedded(undefined, [bloated.url]);
    await expect(b.getDirectory(cid, limits)).rejects.toThrow(/no gateway sent bytes matching|limit/);
  });

  it("aborts on maxBytes before the download completes (declared sizes)", async () => {
    const a = await embedded();
    const cid = await a.addDirectory(new Map([["big.bin", pattern(5_000_000)]]));
    const counter = await proxyGateway(await a.serveGateway(), (body) => body);
    const b = await embedded(undefined, [counter.url]);
    await expect(b.getDirectory(cid, { maxBytes: 1_000_000, timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      ContentTooLargeError,
    );
    expect(counter.requests()).toBe(1); // the root's link sizes were enough to refuse
  });

  it("aborts on maxBytes by counting received bytes when the DAG under-declares its size", async () => {
    const node = new FakeNode();
    const leaves = await Promise.all(Array.from({ length: 20 }, (_, i) => node.rawLeaf(pattern(100_000, i + 1))));
    const dir = await node.directory(
      leaves.map((cid, i) => ({ name: `part${String(i).padStart(2, "0")}`, cid, tsize: 0 })),
    );
    const store = await embedded(undefined, [await node.serve()]);
    await expect(store.getDirectory(dir.toString(), { maxBytes: 450_000, timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      ContentTooLargeError,
    );
    expect(node.requests).toBeLessThan(10); // 1 directory + ~5 leaves, not all 20
  });

  it("reads HAMT-sharded directories", async () => {
    // the importer shards past 256 KiB of links (thousands of entries); force it with a tiny threshold
    const node = new FakeNode();
    const sink = {
      put: async (cid: CID, bytes: Uint8Array) => {
        node.blocks.set(cid.toString(), bytes);
        return cid;
      },
    };
    const files = Array.from({ length: 100 }, (_, i) => ({ path: `entry-${i}.txt`, content: text(`file ${i}`) }));
    let root: CID | undefined;
    for await (const e of importer(files, sink, {
      ...kuboCompatibleImportOptions(),
      wrapWithDirectory: true,
      shardSplitThresholdBytes: 1000,
    }))
      root = e.cid;
    const top = UnixFS.unmarshal(dagPb.decode(node.blocks.get(root!.toString())!).Data!);
    expect(top.type).toBe("hamt-sharded-directory");
    const store = await embedded(undefined, [await node.serve()]);
    const got = await store.getDirectory(root!.toString(), limits);
    expect(got.size).toBe(100);
    expect(decodeText(got.get("entry-42.txt"))).toBe("file 42");
    await expect(store.getDirectory(root!.toString(), { ...limits, maxFiles: 99 })).rejects.toBeInstanceOf(
      ContentTooLargeError,
    );
  });

  it("rejects a file whose blocks do not add up to its declared size", async () => {
    const node = new FakeNode();
    const leaf = await node.rawLeaf(pattern(1000));
    const file = await node.file([{ cid: leaf, size: 1000 }], [10]); // claims 10 bytes, links 1000
    const dir = await node.directory([{ name: "liar.bin", cid: file }]);
    const store = await embedded(undefined, [await node.serve()]);
    await expect(store.getDirectory(dir.toString(), limits)).rejects.toThrow(/runs past the declared file size/);
  });

  it("rejects path traversal and duplicate names in a fetched directory", async () => {
    const node = new FakeNode();
    const leaf = await node.rawLeaf(text("pwned"));
    const url = await node.serve();
    const store = await embedded(undefined, [url]);
    for (const name of ["..", ".", "a/../../etc", "/abs", "back\\slash", ""]) {
      const dir = await node.directory([{ name, cid: leaf }]);
      await expect(store.getDirectory(dir.toString(), limits), name).rejects.toBeInstanceOf(InvalidPathError);
    }
    const dup = await node.directory([
      { name: "same", cid: leaf },
      { name: "same", cid: leaf },
    ]);
    await expect(store.getDirectory(dup.toString(), limits)).rejects.toThrow(/duplicate entry/);
  });

  it("fails fast when no gateway has the CID, and times out on a silent one", async () => {
    const node = new FakeNode();
    const unknown = CID.createV1(dagPb.code, await sha256.digest(text("missing"))).toString();
    const empty = await embedded(undefined, [await node.serve()]);
    let started = performance.now();
    await expect(empty.getDirectory(unknown, { maxBytes: 1000, timeoutMs: 30_000 })).rejects.toBeInstanceOf(
      ContentNotFoundError,
    );
    expect(performance.now() - started).toBeLessThan(1000);

    // nothing listens on this port: connection refused is "not found", also fast
    const refused = await embedded(undefined, [`http://127.0.0.1:${await freePort()}`]);
    await expect(refused.getDirectory(unknown, { maxBytes: 1000, timeoutMs: 30_000 })).rejects.toBeInstanceOf(
      ContentNotFoundError,
    );

    const a = await embedded();
    const cid = await a.addDirectory(sampleFiles());
    const silent = await proxyGateway(await a.serveGateway(), () => "hang");
    const waiting = await embedded(undefined, [silent.url]);
    started = performance.now();
    await expect(waiting.getDirectory(cid, { maxBytes: 1_000_000, timeoutMs: 400 })).rejects.toBeInstanceOf(
      ContentTimeoutError,
    );
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(2000);
  });

  it("moves on from a gateway that hangs to the next one (per-request timeout)", async () => {
    const a = await embedded();
    const cid = await a.addDirectory(new Map([["x.txt", text("x")]]));
    const honest = await a.serveGateway();
    const silent = await proxyGateway(honest, () => "hang");
    const b = await embedded(undefined, [silent.url, honest], 200);
    expect(decodeText((await b.getDirectory(cid, { maxBytes: 10_000, timeoutMs: 5_000 })).get("x.txt"))).toBe("x");
  });

  it("serves raw blocks only, with trustless-gateway status codes", async () => {
    const a = await embedded();
    const cid = await a.addDirectory(sampleFiles());
    const url = await a.serveGateway();
    const ok = await fetch(`${url}/ipfs/${cid}`, { headers: { Accept: "application/vnd.ipld.raw" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/vnd.ipld.raw");
    const bytes = new Uint8Array(await ok.arrayBuffer());
    expect(CID.createV1(dagPb.code, await sha256.digest(bytes)).toString()).toBe(cid);
    expect(
      (await fetch(`${url}/ipfs/${cid}`, { method: "HEAD", headers: { Accept: "application/vnd.ipld.raw" } })).status,
    ).toBe(200);
    const missing = CID.createV1(raw.code, await sha256.digest(text("?"))).toString();
    expect((await fetch(`${url}/ipfs/${missing}?format=raw`)).status).toBe(404);
    expect((await fetch(`${url}/ipfs/${cid}`)).status).toBe(406);
    expect((await fetch(`${url}/ipfs/${cid}?format=car`)).status).toBe(406);
    expect((await fetch(`${url}/ipfs/not-a-cid?format=raw`)).status).toBe(400);
    expect((await fetch(`${url}/ipfs/${cid}/model.json?format=raw`)).status).toBe(400);
    expect((await fetch(`${url}/ipfs/${cid}?format=raw`, { method: "POST" })).status).toBe(405);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("Kubo RPC store (no daemon here)", () => {
  it("is built by openStore and validates its URL", async () => {
    const store = await openStore({ kind: "kubo", url: "http://127.0.0.1:5001" });
    expect(store.constructor.name).toBe("KuboStore");
    await expect(openStore({ kind: "kubo", url: "not a url" })).rejects.toThrow(/not a URL/);
    await expect(openStore({ kind: "kubo", url: "ftp://127.0.0.1:5001" })).rejects.toThrow(/http/);
    // options read from a file at run time can name any kind
    const unknownKind: StoreOptions = JSON.parse('{ "kind": "nope" }');
    await expect(openStore(unknownKind)).rejects.toThrow(/unknown store kind/);
  });

  it("reads, verifies and limits through block/get (against a stand-in for Kubo's RPC)", async () => {
    const a = await embedded();
    const files = sampleFiles();
    const cid = await a.addDirectory(files);
    const gateway = await a.serveGateway();
    const kubo = await openStore({ kind: "kubo", url: await fakeKubo(gateway) });
    const got = await kubo.getDirectory(cid, limits);
    expect(Buffer.from(got.get("group1-shard1of1.bin")!).equals(Buffer.from(files.get("group1-shard1of1.bin")!))).toBe(
      true,
    );
    expect(await kubo.has(cid)).toBe(true);
    const unknown = CID.createV1(dagPb.code, await sha256.digest(text("missing"))).toString();
    expect(await kubo.has(unknown)).toBe(false);
    await expect(kubo.getDirectory(unknown, limits)).rejects.toBeInstanceOf(ContentNotFoundError);
    await expect(kubo.getDirectory(cid, { maxBytes: 100_000, timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      ContentTooLargeError,
    );

    const lying = await openStore({ kind: "kubo", url: await fakeKubo(gateway, true) });
    await expect(lying.getDirectory(cid, limits)).rejects.toBeInstanceOf(ContentVerificationError);
  });

  it("reports an unreachable node clearly", async () => {
    const store = await openStore({ kind: "kubo", url: `http://127.0.0.1:${await freePort()}` });
    const cid = "bafybeiht6dtwk3les7vqm6ibpvz6qpohidvlshsfyr7l5mpysdw2vmbbhe";
    await expect(store.addDirectory(new Map([["a.txt", text("a")]]))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.has(cid)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.getDirectory(cid, limits)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.addDirectory(new Map([["../x", text("a")]]))).rejects.toBeInstanceOf(InvalidPathError);
  });
});

/**
 * Just enough of Kubo's RPC API (`POST /api/v0/block/get|stat?arg=<cid>`) over another store's gateway, with Kubo's
 * error shape for missing blocks, to exercise KuboStore's read path without a daemon.
 */
async function fakeKubo(gateway: string, tamper = false): Promise<string> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    const cid = url.searchParams.get("arg")!;
    const answer = await fetch(`${gateway}/ipfs/${cid}?format=raw`);
    if (req.method !== "POST" || answer.status !== 200) {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          Message: `block was not found locally (offline): ipld: could not find ${cid}`,
          Code: 0,
          Type: "error",
        }),
      );
      return;
    }
    const bytes = new Uint8Array(await answer.arrayBuffer());
    if (url.pathname === "/api/v0/block/stat") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ Key: cid, Size: bytes.length }));
      return;
    }
    if (tamper) bytes[0] ^= 1;
    res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
