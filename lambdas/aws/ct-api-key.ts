/**
 * The CT API key from its own Secrets Manager secret (beside the Slack one), read once per cold start and kept: the
 * key is a credential, so it never travels in the environment or the logs. No secret configured: no key.
 */
import type { GetSecretValueCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorCode } from './errors';

export class CtApiKeyError extends Error {
  override readonly name = 'CtApiKeyError';
}

/** What the Lambda's role needs for the key. */
export const CT_API_KEY_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

export class MemoizedApiKey {
  private read: Promise<string | undefined> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string | undefined,
    private readonly get: (client: SecretsManagerClient, id: string) => Promise<GetSecretValueCommandOutput>,
  ) {}

  value(): Promise<string | undefined> {
    if (this.secretId === undefined) return Promise.resolve(undefined);
    const secretId = this.secretId;
    this.read ??= this.get(this.client, secretId).then(
      (output) => {
        const key = output.SecretString?.trim();
        return key === undefined || key === '' ? undefined : key;
      },
      (error: unknown) => {
        // A failed read is retried on the next invocation rather than remembered.
        this.read = undefined;
        throw new CtApiKeyError(
          `the CT API key secret ${secretId} cannot be read (${awsErrorCode(error)}): check that it exists and that the CtWatch role may read it`,
        );
      },
    );
    return this.read;
  }
}
