/**
 * The HTTP boundary's WebhookLedger (functions/http/ports.ts) on the hostcycle table.
 *
 * ── Keys (beside the entity keys of ./table.ts; `ledger#` is no entity type, so they cannot collide) ──
 *
 *   item               pk                          sk       attributes
 *   webhook receipt    ledger#webhook#<event id>   ledger   payloadHash, leaseExpiresAtMs, outcome,
 *                                                           expiresAt (TTL, epoch seconds)
 *
 * ── Access patterns ───────────────────────────────────────────────────────────────────────────
 *
 *   recordOnce     UpdateItem conditioned: absent, or the same payload whose claim has no outcome and
 *                  a lapsed lease (the process that claimed it died). Otherwise the old item decides
 *                  duplicate or conflict.
 *   recordOutcome  UpdateItem SET outcome (the answer replayed to every redelivery).
 *   outcomeOf      GetItem, strongly consistent.
 *   release        DeleteItem unless an outcome is stored, so the sender's retry runs the action again.
 *
 * Receipts expire through the table's TTL attribute once storefronts have long stopped redelivering.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../domain/clock';
import type { WebhookClaim, WebhookLedger, WebhookOutcome } from '../http/ports';
import { TABLE_DESIGN } from './table';
import type { LedgerTableDeps } from './side-effect-ledger';

/**
 * Longer than one delivery can be processed: API Gateway gives an integration 30 seconds, so a claim
 * without an outcome after this belongs to a process that is gone.
 */
export const WEBHOOK_CLAIM_LEASE_MS = 2 * 60 * 1000;
/** Storefronts retry failed deliveries for up to a few days; receipts are kept well beyond that. */
export const WEBHOOK_RECEIPT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface WebhookLedgerDeps extends LedgerTableDeps {
  clock: Clock;
  leaseMs?: number;
  retentionMs?: number;
}

const key = (eventId: string) => marshall({ pk: `ledger#webhook#${eventId}`, sk: 'ledger' });

export function createWebhookLedger(deps: WebhookLedgerDeps): WebhookLedger {
  const { client, tableName, clock, leaseMs = WEBHOOK_CLAIM_LEASE_MS, retentionMs = WEBHOOK_RECEIPT_RETENTION_MS } = deps;

  return {
    async recordOnce(eventId, payloadHash): Promise<WebhookClaim> {
      const now = clock.now().getTime();
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(eventId),
            UpdateExpression: 'SET #hash = :hash, #lease = :lease, #ttl = :ttl, #claimedAt = :claimedAt',
            ConditionExpression: 'attribute_not_exists(pk) OR (#hash = :hash AND attribute_not_exists(#outcome) AND #lease <= :now)',
            ExpressionAttributeNames: {
              '#hash': 'payloadHash',
              '#lease': 'leaseExpiresAtMs',
              '#ttl': TABLE_DESIGN.timeToLiveAttribute,
              '#claimedAt': 'claimedAt',
              '#outcome': 'outcome',
            },
            ExpressionAttributeValues: marshall({
              ':hash': payloadHash,
              ':lease': now + leaseMs,
              ':ttl': Math.ceil((now + retentionMs) / 1000),
              ':claimedAt': new Date(now).toISOString(),
              ':now': now,
            }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'new';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item === undefined ? undefined : unmarshall(error.Item);
        return old?.payloadHash === payloadHash ? 'duplicate' : 'conflict';
      }
    },

    async recordOutcome(eventId, outcome: WebhookOutcome): Promise<void> {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(eventId),
          UpdateExpression: 'SET #outcome = :outcome',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#outcome': 'outcome' },
          ExpressionAttributeValues: marshall({ ':outcome': outcome }),
        }),
      );
    },

    async outcomeOf(eventId): Promise<WebhookOutcome | undefined> {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key(eventId), ConsistentRead: true }));
      return Item === undefined ? undefined : (unmarshall(Item).outcome as WebhookOutcome | undefined);
    },

    async release(eventId): Promise<void> {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(eventId),
            ConditionExpression: 'attribute_not_exists(#outcome)',
            ExpressionAttributeNames: { '#outcome': 'outcome' },
          }),
        );
      } catch (error) {
        // An answered event stays answered; there is no claim left to give up.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
