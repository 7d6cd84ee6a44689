import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fromHttp, fromIni, fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { describeError } from '../token/errors';
import type { AwsCredentialIdentity } from '../token/index';

// Which source of the AWS default chain gives Kong its credentials, looked at with Kong's
// environment (the node's env file over the process env), in the order of Kong's chain
// (lua-resty-aws: environment keys, shared files with AWS_PROFILE, ECS container, EKS web
// identity, EC2 instance metadata; the SDK v3 chain differs only in skipping environment keys
// when AWS_PROFILE is set). Sources that do I/O are resolved with the real SDK providers,
// given Kong's variables explicitly (the SDK would read this process's environment).
// A key is never printed: the source, and the access key id's last 4 characters at most.

export type CredentialSourceKind = 'given' | 'env' | 'profile' | 'container' | 'web-identity' | 'instance-metadata';

export interface WebIdentitySettings {
  readonly roleArn: string;
  readonly tokenFile: string;
  readonly sessionName: string | undefined;
}

export type CredentialResolution =
  | {
      readonly ok: true;
      readonly kind: Exclude<CredentialSourceKind, 'web-identity'>;
      readonly description: string;
      readonly identity: AwsCredentialIdentity;
    }
  /** Web identity resolves through STS: the `sts` check makes that call. */
  | {
      readonly ok: true;
      readonly kind: 'web-identity';
      readonly description: string;
      readonly webIdentity: WebIdentitySettings;
    }
  | { readonly ok: false; readonly kind: CredentialSourceKind | null; readonly message: string; readonly fix: string };

export type Env = Readonly<Record<string, string | undefined>>;

/** `…WXYZ`: enough to tell two keys apart, never enough to use one. */
export function keyHint(identity: AwsCredentialIdentity): string {
  return `access key id …${identity.accessKeyId.slice(-4)}`;
}

function set(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

const NO_SOURCE_FIX =
  'Give Kong one credential source, in its environment (the env file or the service environment): ' +
  'AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); AWS_PROFILE with AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE; ' +
  'an ECS task role (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); an EKS service-account role (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE); ' +
  'or an EC2 instance profile.';

async function fromEnvKeys(env: Env): Promise<CredentialResolution | undefined> {
  const accessKeyId = set(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = set(env, 'AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID';
    return {
      ok: false,
      kind: 'env',
      message: `environment keys are incomplete: ${missing} is not set`,
      fix: `Set ${missing} in Kong's environment too, or remove the other one to use another source.`,
    };
  }
  const sessionToken = set(env, 'AWS_SESSION_TOKEN');
  const identity: AwsCredentialIdentity = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  return Promise.resolve({
    ok: true,
    kind: 'env',
    description: `environment keys (AWS_ACCESS_KEY_ID${sessionToken ? ' + AWS_SESSION_TOKEN' : ''}, ${keyHint(identity)})`,
    identity,
  });
}

async function fromProfile(env: Env): Promise<CredentialResolution | undefined> {
  const profile = set(env, 'AWS_PROFILE');
  const home = set(env, 'HOME') ?? homedir();
  const filepath = set(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? join(home, '.aws', 'credentials');
  const configFilepath = set(env, 'AWS_CONFIG_FILE') ?? join(home, '.aws', 'config');
  if (!profile && !(await exists(filepath)) && !(await exists(configFilepath))) return undefined;
  const name = profile ?? 'default';
  try {
    const identity = await fromIni({ profile: name, filepath, configFilepath, ignoreCache: true })();
    return {
      ok: true,
      kind: 'profile',
      description: `profile ${name} from ${filepath} / ${configFilepath} (${keyHint(identity)})`,
      identity,
    };
  } catch (error) {
    // Without AWS_PROFILE a default file that holds nothing usable just passes the turn on.
    if (!profile) return undefined;
    return {
      ok: false,
      kind: 'profile',
      message: `AWS_PROFILE=${name} does not resolve from ${filepath} / ${configFilepath}: ${describeError(error)}`,
      fix: `Add profile ${name} to ${filepath} (aws_access_key_id / aws_secret_access_key) or to ${configFilepath} (a role_arn with source_profile), and make the files readable by Kong's user; or unset AWS_PROFILE.`,
    };
  }
}

async function fromContainer(env: Env, timeoutMs: number): Promise<CredentialResolution | undefined> {
  const relative = set(env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  const full = set(env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI');
  if (!relative && !full) return undefined;
  const tokenFile = set(env, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
  const token = set(env, 'AWS_CONTAINER_AUTHORIZATION_TOKEN');
  const where = relative ? 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' : 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
  try {
    const identity = await fromHttp({
      ...(relative ? { awsContainerCredentialsRelativeUri: relative } : {}),
      ...(full ? { awsContainerCredentialsFullUri: full } : {}),
      ...(tokenFile ? { awsContainerAuthorizationTokenFile: tokenFile } : {}),
      ...(token ? { awsContainerAuthorizationToken: token } : {}),
      timeout: timeoutMs,
      maxRetries: 1,
    })();
    return {
      ok: true,
      kind: 'container',
      description: `the ECS container credentials endpoint (${where}, ${keyHint(identity)})`,
      identity,
    };
  } catch (error) {
    return {
      ok: false,
      kind: 'container',
      message: `the container credentials endpoint (${where}) did not answer: ${describeError(error)}`,
      fix: 'Give the ECS task a task role (taskRoleArn) and let the agent reach 169.254.170.2; or, on EKS Pod Identity, check the pod identity association.',
    };
  }
}

async function fromWebIdentity(env: Env): Promise<CredentialResolution | undefined> {
  const tokenFile = set(env, 'AWS_WEB_IDENTITY_TOKEN_FILE');
  const roleArn = set(env, 'AWS_ROLE_ARN');
  if (!tokenFile && !roleArn) return undefined;
  if (!tokenFile || !roleArn) {
    const missing = tokenFile ? 'AWS_ROLE_ARN' : 'AWS_WEB_IDENTITY_TOKEN_FILE';
    return {
      ok: false,
      kind: 'web-identity',
      message: `web identity is half configured: ${missing} is not set`,
      fix: `Set ${missing} in Kong's environment (on EKS, annotate the service account with eks.amazonaws.com/role-arn so the webhook sets both).`,
    };
  }
  const readable = await readFile(tokenFile, 'utf8').then(
    (text) => text.trim() !== '',
    () => false,
  );
  if (!readable) {
    return {
      ok: false,
      kind: 'web-identity',
      message: `AWS_WEB_IDENTITY_TOKEN_FILE=${tokenFile} cannot be read (or is empty)`,
      fix: `Mount the projected service-account token at ${tokenFile} and make it readable by Kong's user.`,
    };
  }
  return {
    ok: true,
    kind: 'web-identity',
    description: `web identity (role ${roleArn}, token file ${tokenFile})`,
    webIdentity: { roleArn, tokenFile, sessionName: set(env, 'AWS_ROLE_SESSION_NAME') },
  };
}

async function fromImds(env: Env, timeoutMs: number): Promise<CredentialResolution> {
  const disabled = set(env, 'AWS_EC2_METADATA_DISABLED');
  if (disabled && disabled !== 'false') {
    return {
      ok: false,
      kind: null,
      message: 'no AWS credential source is configured (and AWS_EC2_METADATA_DISABLED is set)',
      fix: NO_SOURCE_FIX,
    };
  }
  try {
    const identity = await fromInstanceMetadata({ timeout: timeoutMs, maxRetries: 0 })();
    return {
      ok: true,
      kind: 'instance-metadata',
      description: `the EC2 instance profile (instance metadata, ${keyHint(identity)})`,
      identity,
    };
  } catch (error) {
    return {
      ok: false,
      kind: null,
      message: `no AWS credential source resolves: no environment keys, profile, container or web identity settings, and instance metadata answered: ${describeError(error)}`,
      fix: NO_SOURCE_FIX,
    };
  }
}

/** The first configured source of Kong's chain, resolved (or why it does not). */
export async function resolveCredentialSource(env: Env, timeoutMs: number): Promise<CredentialResolution> {
  return (
    (await fromEnvKeys(env)) ??
    (await fromProfile(env)) ??
    (await fromContainer(env, timeoutMs)) ??
    (await fromWebIdentity(env)) ??
    (await fromImds(env, Math.min(timeoutMs, 2_000)))
  );
}
