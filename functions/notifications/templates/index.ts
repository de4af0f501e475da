/**
 * One template per lifecycle event, in the customer's language (English when we have none in theirs).
 * Variables are parsed with the template's schema before anything is rendered, so a bad value fails
 * with the field's path and never reaches a customer.
 */
import type { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import type { Template } from './define';
import { renderLetter, type RenderedEmail } from './document';
import { createFormatter } from './format';
import { orderCancelled, orderReceived, provisioningFailed, reviewApproved, reviewRejected, serviceActivated } from './order';
import {
  dataDeleted,
  finalWarning,
  invoiceIssued,
  invoiceOverdue,
  paymentReminder,
  serviceReactivated,
  serviceSuspended,
  serviceTerminated,
} from './dunning';
import { refundApproved, refundPaid, refundRejected } from './refund';
import { withdrawalAccepted, withdrawalRejected } from './withdrawal';
import type { letterVars } from './schemas';

export type { RenderedEmail } from './document';

export const templates = {
  order_received: orderReceived,
  review_approved: reviewApproved,
  review_rejected: reviewRejected,
  order_cancelled: orderCancelled,
  provisioning_failed: provisioningFailed,
  service_activated: serviceActivated,
  invoice_issued: invoiceIssued,
  payment_reminder: paymentReminder,
  invoice_overdue: invoiceOverdue,
  service_suspended: serviceSuspended,
  final_warning: finalWarning,
  service_terminated: serviceTerminated,
  data_deleted: dataDeleted,
  service_reactivated: serviceReactivated,
  refund_approved: refundApproved,
  refund_paid: refundPaid,
  refund_rejected: refundRejected,
  withdrawal_accepted: withdrawalAccepted,
  withdrawal_rejected: withdrawalRejected,
} as const;

export type TemplateName = keyof typeof templates;
export const TEMPLATE_NAMES = Object.keys(templates) as TemplateName[];

/** What a caller passes: the schema's input (defaults may be left out). */
export type TemplateVars<N extends TemplateName> = z.input<(typeof templates)[N]['schema']>;

export interface RenderOptions {
  /** The notification id, printed in the footer so the customer can quote it and support can find it. */
  reference?: string;
}

export function renderTemplate<N extends TemplateName>(
  name: N,
  language: string,
  vars: TemplateVars<N>,
  options: RenderOptions = {},
): RenderedEmail {
  // Indexing the map with a generic key loses the pairing of schema and letters; every entry satisfies this.
  const template = templates[name] as unknown as Template<z.ZodType<z.infer<typeof letterVars>>>;
  const parsed = template.schema.safeParse(vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw new ValidationError(field, `${issue?.message ?? 'is invalid'} (template ${name})`, { cause: parsed.error });
  }
  const v = parsed.data;
  const f = createFormatter(language, v.provider.timeZone);
  const body = template.letters[f.language](v, f);
  const sl = f.language === 'sl';
  return renderLetter(
    {
      subject: body.subject,
      greeting: sl ? `Pozdravljeni, ${v.customerName},` : `Dear ${v.customerName},`,
      blocks: body.blocks,
      closing: sl ? 'Lep pozdrav,' : 'Kind regards,',
      signature: v.provider.name,
      footer: [
        ...(options.reference ? [sl ? `Sklic: ${options.reference}` : `Reference: ${options.reference}`] : []),
        sl
          ? `Vprašanja? Odgovorite na to sporočilo ali pišite na ${v.provider.supportEmail}${options.reference ? ' in navedite sklic' : ''}.`
          : `Questions? Reply to this e-mail or write to ${v.provider.supportEmail}${options.reference ? ', quoting the reference' : ''}.`,
      ],
    },
    f.locale,
  );
}
