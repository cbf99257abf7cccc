// A service whose client assertions and request objects are signed by a KMS, never by a key in
// this process. `LocalKms` is a small local stand-in shaped like the AWS KMS client (GetPublicKey,
// and Sign with MessageType RAW and SigningAlgorithm RSASSA_PKCS1_V1_5_SHA_256); with the AWS SDK
// the two calls are `kms.send(new GetPublicKeyCommand({ KeyId }))` and
// `kms.send(new SignCommand({ KeyId, Message, MessageType: 'RAW', SigningAlgorithm }))`.
// GCP Cloud KMS (asymmetricSign) and Azure Key Vault (sign) are alike.
//
// The package builds what is signed, the KMS returns only the signature, and the package checks
// that signature under the public key before anything is sent (ERR_SIGNER_FAILED otherwise).
//
//   node examples/kms-signer.mjs     prints the JWKS to publish and a sign-in URL
import { createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { OneLoginClient } from 'govuk-one-login-tokens';

/** The stand-in: holds the private keys; hands out only public keys and signatures, as KMS does. */
export class LocalKms {
  #keys = new Map();
  /** How many signatures it made (the example's test counts them). */
  signatures = 0;

  async createKey({ KeySpec = 'RSA_2048', KeyUsage = 'SIGN_VERIFY' } = {}) {
    if (KeySpec !== 'RSA_2048' || KeyUsage !== 'SIGN_VERIFY') throw new Error('LocalKms makes RSA_2048 SIGN_VERIFY keys only');
    const KeyId = randomUUID();
    this.#keys.set(KeyId, generateKeyPairSync('rsa', { modulusLength: 2048 }));
    return { KeyMetadata: { KeyId, KeySpec, KeyUsage } };
  }

  /** GetPublicKey: the DER SubjectPublicKeyInfo, as AWS KMS returns it. */
  async getPublicKey({ KeyId }) {
    const key = this.#key(KeyId);
    return { KeyId, PublicKey: new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' })), SigningAlgorithms: ['RSASSA_PKCS1_V1_5_SHA_256'] };
  }

  /** Sign: MessageType RAW (at most 4096 bytes, hashed by KMS), RSASSA_PKCS1_V1_5_SHA_256. */
  async sign({ KeyId, Message, MessageType, SigningAlgorithm }) {
    if (SigningAlgorithm !== 'RSASSA_PKCS1_V1_5_SHA_256') throw new Error(`LocalKms: unsupported SigningAlgorithm ${SigningAlgorithm}`);
    if (MessageType !== 'RAW' || Message.length > 4096) throw new Error('ValidationException: LocalKms takes a RAW message of at most 4096 bytes');
    const { privateKey } = this.#key(KeyId);
    this.signatures += 1;
    return { KeyId, Signature: new Uint8Array(sign('sha256', Message, privateKey)), SigningAlgorithm };
  }

  #key(KeyId) {
    const key = this.#keys.get(KeyId);
    if (key === undefined) throw new Error(`NotFoundException: no key ${KeyId}`);
    return key;
  }
}

/**
 * The `privateKey` option for a KMS key: `{ publicJwk, sign }`. The public key is read once; each
 * signature is one KMS call. RAW fits: what is signed is under 4 KB, because One Login refuses an
 * authorization URL over 4096 characters (so a request object is shorter) and a client assertion
 * is a few hundred bytes.
 */
export async function kmsSigner(kms, keyId) {
  const { PublicKey } = await kms.getPublicKey({ KeyId: keyId });
  const publicJwk = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  return {
    publicJwk,
    sign: async (data) => {
      const { Signature } = await kms.sign({ KeyId: keyId, Message: data, MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' });
      return Signature;
    },
  };
}

/** A OneLoginClient whose key is the KMS key `keyId` (RS256, One Login's default). */
export async function oneLoginWithKms({ kms, keyId, ...options }) {
  return OneLoginClient.create({ ...options, privateKey: await kmsSigner(kms, keyId) });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kms = new LocalKms();
  const { KeyMetadata } = await kms.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
  const oneLogin = await oneLoginWithKms({
    kms,
    keyId: KeyMetadata.KeyId,
    environment: process.env.ONE_LOGIN_ENVIRONMENT?.startsWith('{') ? JSON.parse(process.env.ONE_LOGIN_ENVIRONMENT) : (process.env.ONE_LOGIN_ENVIRONMENT ?? 'integration'),
    clientId: process.env.ONE_LOGIN_CLIENT_ID ?? 'your-client-id',
    redirectUri: process.env.ONE_LOGIN_REDIRECT_URI ?? 'https://your-service.gov.uk/callback',
    serviceName: 'kms-example/1.0',
    requestObject: true,
  });
  // Publish this at your JWKS URL (every assertion and request object carries its kid).
  console.log(JSON.stringify(await oneLogin.publicJwks()));
  // A sign-in whose request object the KMS signed: await it (the signature is asynchronous).
  const { url } = await oneLogin.startSignIn({});
  console.log(url);
}
