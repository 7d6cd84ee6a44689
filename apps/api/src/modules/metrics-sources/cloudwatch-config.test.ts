import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('CloudWatch configuration', () => {
  it('is all off by default, with namespace Iamroll, a 60 s period and a 25% tolerance', () => {
    expect(loadConfig({}).cloudWatch).toEqual({
      isPolling: false,
      isPublishing: false,
      isManagingAlarms: false,
      namespace: 'Iamroll',
      periodSeconds: 60,
      tolerance: 0.25,
      assumeRoleArn: undefined,
      alarmActions: [],
      endpointUrl: undefined,
      simulatorMetricsUrls: [],
    });
  });

  it('turns each part on with `on` and reads the endpoint, role, actions and simulator URLs', () => {
    const config = loadConfig({
      IAMROLL_CLOUDWATCH_METRICS: 'on',
      IAMROLL_CLOUDWATCH_PUBLISH: 'on',
      IAMROLL_CLOUDWATCH_ALARMS: 'on',
      IAMROLL_CLOUDWATCH_NAMESPACE: 'Acme/Iamroll',
      IAMROLL_CLOUDWATCH_PERIOD_SECONDS: '300',
      IAMROLL_CLOUDWATCH_TOLERANCE: '0.1',
      IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN: 'arn:aws:iam::123456789012:role/iamroll-controller',
      IAMROLL_CLOUDWATCH_ALARM_ACTIONS:
        'arn:aws:sns:us-east-1:123456789012:oncall,arn:aws:sns:us-east-1:123456789012:b',
      AWS_ENDPOINT_URL_CLOUDWATCH: 'http://127.0.0.1:4566',
      IAMROLL_RDS_SIM_METRICS_URLS: 'http://127.0.0.1:9001/metrics,http://127.0.0.1:9002/metrics',
    }).cloudWatch;
    expect(config).toMatchObject({
      isPolling: true,
      isPublishing: true,
      isManagingAlarms: true,
      namespace: 'Acme/Iamroll',
      periodSeconds: 300,
      tolerance: 0.1,
      endpointUrl: 'http://127.0.0.1:4566',
    });
    expect(config.alarmActions).toHaveLength(2);
    expect(config.simulatorMetricsUrls).toEqual(['http://127.0.0.1:9001/metrics', 'http://127.0.0.1:9002/metrics']);
  });

  it('reports every CloudWatch problem at once, periods CloudWatch refuses included', () => {
    const problems = problemsOf({
      IAMROLL_CLOUDWATCH_METRICS: 'yes',
      IAMROLL_CLOUDWATCH_PERIOD_SECONDS: '45',
      AWS_ENDPOINT_URL_CLOUDWATCH: 'ftp://x',
    });
    expect(problems).toMatch(/IAMROLL_CLOUDWATCH_METRICS/);
    expect(problems).toMatch(/IAMROLL_CLOUDWATCH_PERIOD_SECONDS: must be 1, 5, 10, 20, 30 or a multiple of 60/);
    expect(problems).toMatch(/AWS_ENDPOINT_URL_CLOUDWATCH/);
  });
});
