/**
 * Sending e-mail through SES, and what happens when a recipient bounces or complains.
 *
 * - The sender address is an SES identity whose default configuration set is ours, so every send
 *   from it is tracked without the mailer naming the set.
 * - Suppression: the configuration set puts bounced and complaining addresses on SES's suppression
 *   list; SES then drops later sends to them instead of hurting the sender's reputation. The mailer
 *   sees such a send as accepted, and its notification id as sent; the customer is unreachable by
 *   e-mail and staff are told below.
 * - Staff alert: bounce and complaint events go to an SNS topic that staff subscribe to (the alarm
 *   address is subscribed at deployment); bounce and complaint rates are alarmed in operations.ts.
 */
import { Duration } from 'aws-cdk-lib';
import { ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface EmailSendingProps {
  senderEmail: string;
  /** Who is told about bounces and complaints. */
  staffEmail: string;
}

export class EmailSending extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly deliveryIssues: Topic;

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // A reminder that arrives days late is worse than none: the dunning deadline has moved on.
      maxDeliveryDuration: Duration.hours(12),
    });
    this.deliveryIssues = new Topic(this, 'DeliveryIssues', {
      displayName: 'hostcycle e-mail bounces and complaints',
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.deliveryIssues),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT],
    });
    this.deliveryIssues.addSubscription(new EmailSubscription(props.staffEmail));
    new EmailIdentity(this, 'Sender', {
      identity: Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
  }
}
