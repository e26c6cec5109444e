// Fake secrets in the shapes the redaction rules know, built from parts so that no scanner takes
// this file for a leak. Tests plant them on a path in and look for them everywhere at rest.

export const GITHUB_TOKEN = ['ghp', '_', 'Z9xq4T7mWv2LkP8sNcB3dHf6Jr1YgQe5Ua0K'].join('');
export const AWS_KEY = ['AKIA', 'QX7P2M9RT4KV6WZ3'].join('');
export const SECRETS: Readonly<Record<string, string>> = { 'GitHub token': GITHUB_TOKEN, 'AWS access key id': AWS_KEY };

/** Every secret of SECRETS found in `bytes`, by name. */
export function secretsIn(bytes: Buffer | string): string[] {
  const haystack = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return Object.entries(SECRETS)
    .filter(([, secret]) => haystack.includes(Buffer.from(secret)))
    .map(([name]) => name);
}
