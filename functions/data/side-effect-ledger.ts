/**
 * The mailer's SideEffectLedger (functions/notifications/ports.ts) on the hostcycle table.
 *
 * ── Keys (beside the entity keys of ./table.ts; `ledger#` is no entity type, so they cannot collide) ──
 *
 *   item                 pk                              sk                 attributes
 *   e-mail claim         ledger#sideEffect#<effect id>   ledger             status, details, leaseExpiresAtMs,
 *                                                                           attempts, result, lastError
 *   sent-mail index      ledger#mailbox#<recipient>      <effect id>        template, subject, sentAt, providerId
 *   undeliverable list   ledger#undeliverable            <effect id>        template, language, to, subject, vars, error
 *
 *   No item here carries an index key, so the repository's index queries never meet one.
 *
 * ── Access patterns ───────────────────────────────────────────────────────────────────────────
 *
 *   begin      UpdateItem on the claim, conditioned: absent, released, or in progress with a lease
 *              that ran out by the claimant's clock. One conditional write, so two attempts cannot
 *              both hold a live claim.
 *   complete   UpdateItem to done unless already done, then Put of the sent-mail entry.
 *   release    UpdateItem to released, only while in progress (a done effect stays done).
 *   reject     One transaction: claim in progress → undeliverable (terminal), Put of its list entry.
 *   beginResend One transaction: claim undeliverable → in progress with the new recipient and the
 *              staff decision appended to `resends`, Delete of its list entry. Only one caller wins.
 *   listUndeliverable  Query pk=ledger#undeliverable: what staff must look at.
 *   sentTo     Query pk=ledger#mailbox#<recipient>: what a customer was sent, for the timeline.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  ClaimDetails,
  ClaimOutcome,
  ResendClaimOutcome,
  SideEffectFailure,
  SideEffectLedger,
  SideEffectResult,
  UndeliverableNotification,
} from '../notifications/ports';

export interface LedgerTableDeps {
  client: DynamoDBClient;
  tableName: string;
}

export interface SentMail {
  id: string;
  to: string;
  template: string;
  language: string;
  subject: string;
  sentAt: string;
  providerId: string;
  /** Set when staff re-sent it after SES refused an earlier attempt. */
  resend?: { decidedBy: string; reason: string; decidedAt: string };
}

export interface DynamoSideEffectLedger extends SideEffectLedger {
  /** E-mails that went out to `recipient`, oldest first. */
  sentTo(recipient: string): Promise<SentMail[]>;
  /** Every e-mail the provider refused for good and no one has re-sent yet, oldest failure first. */
  listUndeliverable(): Promise<UndeliverableNotification[]>;
}

const SK = 'ledger';
const claimKey = (id: string) => marshall({ pk: `ledger#sideEffect#${id}`, sk: SK });
const mailboxPk = (recipient: string) => `ledger#mailbox#${recipient.toLowerCase()}`;
const undeliverableKey = (id: string) => marshall({ pk: 'ledger#undeliverable', sk: id });
const MARSHALL = { removeUndefinedValues: true } as const;

function isConditionCancel(error: unknown): boolean {
  return error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

export function createSideEffectLedger({ client, tableName }: LedgerTableDeps): DynamoSideEffectLedger {
  /** Every item of one partition, page after page, without its keys. */
  async function queryPartition(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }), ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...rest } = unmarshall(item);
        items.push(rest);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
    return items;
  }

  const ledger: DynamoSideEffectLedger = {
    async begin(id, details: ClaimDetails): Promise<ClaimOutcome> {
      const claimedAtMs = Date.parse(details.claimedAt);
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: claimKey(id),
            UpdateExpression:
              'SET #status = :inProgress, #details = :details, #lease = :lease, #attempts = if_not_exists(#attempts, :zero) + :one',
            // Absent, given up, or held by an attempt whose lease ran out (it crashed or hung).
            ConditionExpression: 'attribute_not_exists(pk) OR #status = :released OR (#status = :inProgress AND #lease <= :claimedAt)',
            ExpressionAttributeNames: { '#status': 'status', '#details': 'details', '#lease': 'leaseExpiresAtMs', '#attempts': 'attempts' },
            ExpressionAttributeValues: marshall(
              {
                ':inProgress': 'in_progress',
                ':released': 'released',
                ':details': details,
                ':lease': Date.parse(details.leaseExpiresAt),
                ':claimedAt': claimedAtMs,
                ':zero': 0,
                ':one': 1,
              },
              MARSHALL,
            ),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const status = error.Item === undefined ? undefined : unmarshall(error.Item).status;
        return status === 'done' ? 'done' : status === 'undeliverable' ? 'undeliverable' : 'in_progress';
      }
    },

    async complete(id, result: SideEffectResult): Promise<void> {
      let stored: Record<string, AttributeValue> | undefined;
      try {
        const out = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: claimKey(id),
            UpdateExpression: 'SET #status = :done, #result = :result',
            // The first completion wins; a late one (an attempt that lost its lease) changes nothing.
            ConditionExpression: 'attribute_exists(pk) AND #status <> :done',
            ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
            ExpressionAttributeValues: marshall({ ':done': 'done', ':result': result }),
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        stored = out.Attributes;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (error.Item !== undefined && unmarshall(error.Item).status === 'done') return;
        throw new Error(`side effect ${id} cannot be completed: it was never claimed`, { cause: error });
      }
      const details = unmarshall(stored ?? {}).details as ClaimDetails;
      const entry: SentMail = {
        id,
        to: details.to,
        template: details.template,
        language: details.language,
        subject: details.subject,
        sentAt: result.completedAt,
        providerId: result.providerId,
        ...(details.resend === undefined ? {} : { resend: details.resend }),
      };
      await client.send(new PutItemCommand({ TableName: tableName, Item: marshall({ pk: mailboxPk(details.to), sk: id, ...entry }, MARSHALL) }));
    },

    async release(id, error: SideEffectFailure): Promise<void> {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: claimKey(id),
            UpdateExpression: 'SET #status = :released, #lastError = :error',
            ConditionExpression: '#status = :inProgress',
            ExpressionAttributeNames: { '#status': 'status', '#lastError': 'lastError' },
            ExpressionAttributeValues: marshall({ ':released': 'released', ':inProgress': 'in_progress', ':error': error }),
          }),
        );
      } catch (conditionFailed) {
        // Nothing in progress to give up: already done, or never claimed.
        if (!(conditionFailed instanceof ConditionalCheckFailedException)) throw conditionFailed;
      }
    },

    async reject(id, details: ClaimDetails, error: SideEffectFailure): Promise<void> {
      const entry: UndeliverableNotification = {
        id,
        template: details.template,
        language: details.language,
        to: details.to,
        subject: details.subject,
        vars: details.vars ?? {},
        error,
      };
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: claimKey(id),
                  UpdateExpression: 'SET #status = :undeliverable, #lastError = :error',
                  ConditionExpression: '#status = :inProgress',
                  ExpressionAttributeNames: { '#status': 'status', '#lastError': 'lastError' },
                  ExpressionAttributeValues: marshall({ ':undeliverable': 'undeliverable', ':inProgress': 'in_progress', ':error': error }, MARSHALL),
                },
              },
              { Put: { TableName: tableName, Item: { ...undeliverableKey(id), ...marshall(entry, MARSHALL) } } },
            ],
          }),
        );
      } catch (conditionFailed) {
        // Not in progress: already undeliverable (a repeated attempt), done, or never claimed.
        if (!isConditionCancel(conditionFailed)) throw conditionFailed;
      }
    },

    async stateOf(id) {
      const out = await client.send(new GetItemCommand({ TableName: tableName, Key: claimKey(id), ConsistentRead: true }));
      return out.Item === undefined ? null : String(unmarshall(out.Item).status);
    },

    async undeliverable(id) {
      const out = await client.send(new GetItemCommand({ TableName: tableName, Key: claimKey(id), ConsistentRead: true }));
      if (out.Item === undefined) return undefined;
      const record = unmarshall(out.Item) as { status: string; details: ClaimDetails; lastError?: SideEffectFailure };
      if (record.status !== 'undeliverable') return undefined;
      return {
        id,
        template: record.details.template,
        language: record.details.language,
        to: record.details.to,
        subject: record.details.subject,
        vars: record.details.vars ?? {},
        error: record.lastError ?? { name: 'UnknownError', message: '', failedAt: record.details.claimedAt },
      };
    },

    async beginResend(id, details, decision): Promise<ResendClaimOutcome> {
      const previous = await ledger.undeliverable(id);
      if (previous === undefined) return { status: 'not_undeliverable', state: await ledger.stateOf(id) };
      try {
        await client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: claimKey(id),
                  UpdateExpression:
                    'SET #status = :inProgress, #details = :details, #lease = :lease, #attempts = if_not_exists(#attempts, :zero) + :one, #resends = list_append(if_not_exists(#resends, :empty), :decision)',
                  ConditionExpression: '#status = :undeliverable',
                  ExpressionAttributeNames: {
                    '#status': 'status',
                    '#details': 'details',
                    '#lease': 'leaseExpiresAtMs',
                    '#attempts': 'attempts',
                    '#resends': 'resends',
                  },
                  ExpressionAttributeValues: marshall(
                    {
                      ':inProgress': 'in_progress',
                      ':undeliverable': 'undeliverable',
                      ':details': details,
                      ':lease': Date.parse(details.leaseExpiresAt),
                      ':zero': 0,
                      ':one': 1,
                      ':empty': [],
                      ':decision': [{ ...decision, previousTo: previous.to, previousError: previous.error }],
                    },
                    MARSHALL,
                  ),
                },
              },
              { Delete: { TableName: tableName, Key: undeliverableKey(id) } },
            ],
          }),
        );
        return { status: 'claimed', previous };
      } catch (error) {
        if (!isConditionCancel(error)) throw error;
        return { status: 'not_undeliverable', state: await ledger.stateOf(id) };
      }
    },

    async listUndeliverable() {
      const items = (await queryPartition('ledger#undeliverable')) as unknown as UndeliverableNotification[];
      return items.sort((a, b) => a.error.failedAt.localeCompare(b.error.failedAt) || a.id.localeCompare(b.id));
    },

    async sentTo(recipient) {
      const mails = (await queryPartition(mailboxPk(recipient))) as unknown as SentMail[];
      return mails.sort((a, b) => a.sentAt.localeCompare(b.sentAt));
    },
  };
  return ledger;
}
