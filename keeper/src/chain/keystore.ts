/**
 * Ethereum V3 keystore files (as written by geth, cast wallet, MetaMask exports): scrypt or pbkdf2, aes-128-ctr,
 * MAC = keccak256(derivedKey[16..32] ‖ ciphertext). Decrypted with node:crypto; a wrong password is a clear error.
 */
import { createDecipheriv, pbkdf2Sync, scryptSync } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type Account, bytesToHex, concatBytes, hexToBytes, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";

interface KeystoreV3 {
  version: number;
  crypto?: Crypto;
  Crypto?: Crypto;
}
interface Crypto {
  cipher: string;
  ciphertext: string;
  cipherparams: { iv: string };
  kdf: "scrypt" | "pbkdf2";
  kdfparams: { dklen: number; salt: string; n?: number; r?: number; p?: number; c?: number; prf?: string };
  mac: string;
}

export class KeystoreError extends Error {
  override name = "KeystoreError";
}

export function decryptKeystore(json: unknown, password: string): `0x${string}` {
  const ks = json as KeystoreV3;
  const c = ks?.crypto ?? ks?.Crypto;
  if (!c || ks.version !== 3) throw new KeystoreError("not a version 3 keystore");
  if (c.cipher !== "aes-128-ctr") throw new KeystoreError(`unsupported cipher ${c.cipher}`);
  const salt = Buffer.from(c.kdfparams.salt, "hex");
  const dklen = c.kdfparams.dklen;
  let key: Buffer;
  if (c.kdf === "scrypt") {
    const { n = 0, r = 0, p = 0 } = c.kdfparams;
    key = scryptSync(password, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  } else if (c.kdf === "pbkdf2") {
    if (c.kdfparams.prf !== "hmac-sha256") throw new KeystoreError(`unsupported prf ${c.kdfparams.prf}`);
    key = pbkdf2Sync(password, salt, c.kdfparams.c ?? 0, dklen, "sha256");
  } else {
    throw new KeystoreError(`unsupported kdf ${String(c.kdf)}`);
  }
  const ciphertext = hexToBytes(`0x${c.ciphertext.replace(/^0x/, "")}`);
  const mac = keccak256(concatBytes([new Uint8Array(key.subarray(16, 32)), ciphertext])).slice(2);
  if (mac !== c.mac.replace(/^0x/, "").toLowerCase()) throw new KeystoreError("wrong keystore password (MAC mismatch)");
  const decipher = createDecipheriv("aes-128-ctr", key.subarray(0, 16), Buffer.from(c.cipherparams.iv, "hex"));
  const pk = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return bytesToHex(pk) as `0x${string}`;
}

export async function loadKeystoreAccount(path: string, password: string): Promise<Account> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new KeystoreError(`cannot read keystore ${path}: ${(e as Error).message}`);
  }
  return privateKeyToAccount(decryptKeystore(json, password));
}
