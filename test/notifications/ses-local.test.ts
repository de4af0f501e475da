import { createServer, type Server } from 'node:net';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { PortInUseError, startSesLocal, type SesLocal } from '../../infra/local/ses-local';

describe('SES emulator for the local runtime', () => {
  let ses: SesLocal | undefined;
  afterAll(async () => {
    await ses?.stop();
  });

  it('refuses a port that is in use with one clear sentence', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const attempt = startSesLocal({ port });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((ok) => blocker.close(ok));
    }
  });

  it('accepts a v1 SendEmail and gives it back from the store until the store is cleared', async () => {
    ses = await startSesLocal();
    const client = new SESClient({ endpoint: ses.endpoint, ...LOCAL_AWS, maxAttempts: 1 });
    try {
      const sent = await client.send(
        new SendEmailCommand({
          Source: 'Hostico <billing@hostico.example>',
          Destination: { ToAddresses: ['ana@example.si'] },
          Message: { Subject: { Data: 'Račun INV-7' }, Body: { Text: { Data: 'Rok plačila: 1. dec. 2026' }, Html: { Data: '<p>Rok plačila</p>' } } },
        }),
      );

      const [mail, ...rest] = await ses.readStore();
      expect(rest).toEqual([]);
      expect(mail).toMatchObject({
        messageId: sent.MessageId,
        from: 'Hostico <billing@hostico.example>',
        destination: { to: ['ana@example.si'], cc: [], bcc: [] },
        subject: 'Račun INV-7',
        body: { text: 'Rok plačila: 1. dec. 2026', html: '<p>Rok plačila</p>' },
      });

      await ses.clearStore();
      expect(await ses.readStore()).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('runs once per process, because the emulator keeps one mail store per process', async () => {
    await expect(startSesLocal()).rejects.toThrow(/already running in this process/);
  });

  it('forgets its mail when stopped, so an emulator started again in the process begins empty', async () => {
    const first = ses ?? (await startSesLocal());
    const client = new SESClient({ endpoint: first.endpoint, ...LOCAL_AWS, maxAttempts: 1 });
    try {
      await client.send(
        new SendEmailCommand({
          Source: 'billing@hostico.example',
          Destination: { ToAddresses: ['ana@example.si'] },
          Message: { Subject: { Data: 'Opomin' }, Body: { Text: { Data: 'Prvi opomin' } } },
        }),
      );
      expect(await first.readStore()).toHaveLength(1);
    } finally {
      client.destroy();
    }
    await first.stop();
    ses = await startSesLocal();
    expect(await ses.readStore()).toEqual([]);
  });
});
