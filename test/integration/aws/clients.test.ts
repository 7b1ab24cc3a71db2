/**
 * The call counter and the endpoint resolution of the scanner's clients, against a small local server that speaks
 * ACM's awsJson protocol: clients reach it only through AWS_ENDPOINT_URL_ACM, as they would a VPC endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCounter } from '../../../lambdas/aws/call-counter';
import { createAcmClient } from '../../../lambdas/aws/clients';

let server: Server;
const operations: string[] = [];
let throttleNext = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      operations.push(String(request.headers['x-amz-target']));
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (throttleNext > 0) {
        throttleNext--;
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        return;
      }
      response.end(JSON.stringify({ CertificateSummaryList: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_ACM = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_ACM;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('scanner clients', () => {
  it('reach the endpoint the SDK resolves from AWS_ENDPOINT_URL_<SERVICE>', async () => {
    const client = createAcmClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    operations.length = 0;

    await client.send(new ListCertificatesCommand({}));

    expect(operations).toEqual(['CertificateManager.ListCertificates']);
    client.destroy();
  });

  it('count every attempt by Service.Operation, retries included, and the throttled ones', async () => {
    const calls = new CallCounter();
    const client = createAcmClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      calls,
      maxAttempts: 3,
      retryMode: 'standard',
    });
    throttleNext = 1;

    await client.send(new ListCertificatesCommand({}));
    await client.send(new ListCertificatesCommand({}));

    expect(calls.snapshot()).toEqual({ 'ACM.ListCertificates': 3 });
    expect(calls.throttles).toBe(1);
    client.destroy();
  });

  it('count a call that fails for good once per attempt', async () => {
    const calls = new CallCounter();
    const client = createAcmClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      calls,
      maxAttempts: 2,
      retryMode: 'standard',
    });
    throttleNext = 2;

    const error = await client.send(new ListCertificatesCommand({})).catch((e: unknown) => e);

    expect((error as Error).name).toBe('ThrottlingException');
    expect(calls.calls).toEqual({ 'ACM.ListCertificates': 2 });
    expect(calls.throttled).toEqual({ 'ACM.ListCertificates': 2 });
    client.destroy();
  });
});
