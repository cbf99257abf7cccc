// The service's own keys on disk (Node only: the CLI's keygen). The public JWK and its kid come
// from the core (SigningKey.publicJwk); this file only makes the pair and writes the files.
import { generateKeyPair } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** One Login's documented key: RSA 2048 (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`). */
export const SERVICE_KEY_BITS = 2048;

/** Write `text` to a new file: `wx` refuses an existing one, whatever happens between checks. */
async function writeNew(path, text, mode) {
  const file = await open(path, 'wx', mode);
  try {
    await file.writeFile(text, 'utf8');
    // The mode given to open() is masked by the umask; the private key must be 0600 whatever it is.
    await file.chmod(mode);
  } finally {
    await file.close();
  }
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (error.code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * A new RSA 2048 key pair in `dir`: private_key.pem (PKCS#8, mode 0600) and public_key.pem
 * (SPKI). Refuses (EEXIST, before writing anything) if either file is already there.
 */
export async function generateServiceKeyPair({ dir }) {
  const privateKeyPath = join(dir, 'private_key.pem');
  const publicKeyPath = join(dir, 'public_key.pem');
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (await exists(path)) {
      throw Object.assign(new Error(`${path} already exists: keygen never overwrites a key (move it away first)`), { code: 'EEXIST' });
    }
  }
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOENT' });
  }
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: SERVICE_KEY_BITS,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writeNew(privateKeyPath, privateKey, 0o600);
  try {
    await writeNew(publicKeyPath, publicKey, 0o644);
  } catch (error) {
    // Appeared meanwhile: keep the pair whole rather than leave a private key without its file.
    await rm(privateKeyPath, { force: true });
    throw error;
  }
  return { privateKeyPath, publicKeyPath, privateKeyPem: privateKey, publicKeyPem: publicKey };
}
