import type { PreflightStage } from './types';

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

/** Kong facts that no check can prove but that bite after the switch (shown as `info`). */
export function reminders(
  to: PreflightStage,
  env: Readonly<Record<string, string | undefined>>,
  kongConf: { readonly path?: string },
): string[] {
  const set = CREDENTIAL_VARIABLES.filter((name) => env[name]?.trim());
  const lines = [
    `AWS credential environment variables cannot change after Kong starts${set.length > 0 ? ` (set here: ${set.join(', ')})` : ''}: rotate them with a restart, or prefer a role (instance profile, task role, service-account role) that Kong refreshes itself.`,
  ];
  const path = kongConf.path ?? '<kong.conf>';
  if (to === 'rw_iam')
    lines.push(
      `Once IAM is enabled through the file, run kong migrations with it: kong migrations up -c ${path} (they log in as the IAM user too).`,
    );
  return lines;
}
