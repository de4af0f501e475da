/** Order → activation (POLICY-RULES.md §1). */
import { z } from 'zod';
import { defineTemplate } from './define';
import { whatYouCanDo } from './rules';
import { amount, clause, httpsUrl, id, instant, letterVars, lines, text } from './schemas';

export const orderReceived = defineTemplate({
  schema: letterVars.extend({
    orderId: id,
    receivedAt: instant,
    items: lines,
    total: amount,
    /** The clause under which orders are reviewed before acceptance, when the provider has one. */
    reviewClause: clause.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `We have received your order ${v.orderId}`,
      blocks: [
        { p: `Thank you for your order ${v.orderId}. We received it on ${f.dateTime(v.receivedAt)}.` },
        { facts: [...v.items.map((i) => [i.description, f.money(i.amount)] as const), ['Total', f.money(v.total)]] },
        {
          p: v.reviewClause
            ? `Under clause ${v.reviewClause} of our terms, an order is reviewed before it is accepted, and this confirmation of receipt does not yet oblige either side to activate the service. We will write to you again when the review is done.`
            : 'We will write to you again when the order is accepted.',
        },
      ],
    }),
    sl: (v, f) => ({
      subject: `Prejeli smo vaše naročilo ${v.orderId}`,
      blocks: [
        { p: `Hvala za vaše naročilo ${v.orderId}. Prejeli smo ga dne ${f.dateTime(v.receivedAt)}.` },
        { facts: [...v.items.map((i) => [i.description, f.money(i.amount)] as const), ['Skupaj', f.money(v.total)]] },
        {
          p: v.reviewClause
            ? `V skladu s točko ${v.reviewClause} naših pogojev poslovanja naročilo pred sprejemom pregledamo, zato to potrdilo o prejemu še nobene strani ne zavezuje k aktivaciji storitve. Ko bo pregled končan, vam bomo znova pisali.`
            : 'Ko bo naročilo sprejeto, vam bomo znova pisali.',
        },
      ],
    }),
  },
});

export const reviewApproved = defineTemplate({
  schema: letterVars.extend({
    orderId: id,
    approvedAt: instant,
    invoiceId: id,
    amountDue: amount,
    dueAt: instant,
    /** When an order still unpaid is cancelled, if the policy cancels unpaid orders. */
    cancelAt: instant.optional(),
    paymentUrl: httpsUrl.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `Your order ${v.orderId} has been accepted`,
      blocks: [
        { p: `We reviewed your order ${v.orderId} and accepted it on ${f.date(v.approvedAt)}.` },
        { facts: [['Invoice', v.invoiceId], ['Amount due', f.money(v.amountDue)], ['Due date', f.dateTime(v.dueAt)]] },
        { p: 'We activate the service as soon as the payment is confirmed.' },
        v.cancelAt && { p: `If the invoice is still unpaid on ${f.dateTime(v.cancelAt)}, the order is cancelled.` },
        v.paymentUrl && { action: 'Pay the invoice', href: v.paymentUrl },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vaše naročilo ${v.orderId} je sprejeto`,
      blocks: [
        { p: `Vaše naročilo ${v.orderId} smo pregledali in ga dne ${f.date(v.approvedAt)} sprejeli.` },
        { facts: [['Račun', v.invoiceId], ['Znesek za plačilo', f.money(v.amountDue)], ['Rok plačila', f.dateTime(v.dueAt)]] },
        { p: 'Storitev aktiviramo takoj, ko je plačilo potrjeno.' },
        v.cancelAt && { p: `Če račun do ${f.dateTime(v.cancelAt)} ne bo plačan, bomo naročilo preklicali.` },
        v.paymentUrl && { action: 'Plačajte račun', href: v.paymentUrl },
      ],
    }),
  },
});

export const reviewRejected = defineTemplate({
  schema: letterVars.extend({
    orderId: id,
    rejectedAt: instant,
    clause,
    /** The reviewer's reason, quoted as written. */
    reason: text.optional(),
    /** What the customer already paid for the order and gets back. */
    refund: amount.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `Your order ${v.orderId} has not been accepted`,
      blocks: [
        { p: `After reviewing your order ${v.orderId}, we decided on ${f.date(v.rejectedAt)} not to accept it. No service has been activated.` },
        v.reason && { facts: [['Reason', v.reason]] },
        { p: `Under clause ${v.clause} of our terms, an order is accepted or declined after a review of its authenticity and of the customer's trust level; receiving an order does not oblige either side.` },
        v.refund && v.refund.amount > 0 && { p: `The ${f.money(v.refund)} you have already paid will be refunded to the account it came from.` },
        { p: whatYouCanDo(f) },
        { list: ['If you think this is a mistake, or you can give us more information about the order, reply to this e-mail and we will review it again.', 'You can also place a new order.'] },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vašega naročila ${v.orderId} nismo sprejeli`,
      blocks: [
        { p: `Po pregledu vašega naročila ${v.orderId} smo se dne ${f.date(v.rejectedAt)} odločili, da ga ne sprejmemo. Nobena storitev ni bila aktivirana.` },
        v.reason && { facts: [['Razlog', v.reason]] },
        { p: `V skladu s točko ${v.clause} naših pogojev poslovanja naročilo sprejmemo ali zavrnemo po pregledu njegove verodostojnosti in stopnje zaupanja v stranko; prejem naročila nobene strani ne zavezuje.` },
        v.refund && v.refund.amount > 0 && { p: `Znesek ${f.money(v.refund)}, ki ste ga že plačali, vam bomo vrnili na račun, s katerega je bil plačan.` },
        { p: whatYouCanDo(f) },
        { list: ['Če menite, da gre za napako, ali nam lahko o naročilu posredujete dodatne podatke, odgovorite na to sporočilo in naročilo bomo ponovno pregledali.', 'Lahko pa oddate tudi novo naročilo.'] },
      ],
    }),
  },
});

/**
 * Why an order ended without a service: it went unpaid past the policy's window, the provider could
 * not deliver it and cancelled it, or it asked for a free trial the customer had already used. Each
 * letter names the clause it stands on (or says it is the provider's own rule: `hostcycle default`)
 * and, when money was received, what is refunded.
 */
const cancellationCause = z.enum(['unpaid', 'not_delivered', 'free_trial_used']);

export const orderCancelled = defineTemplate({
  schema: letterVars.extend({
    orderId: id,
    cancelledAt: instant,
    cause: cancellationCause,
    clause,
    /** A staff member's or the policy's stated reason, quoted as written. */
    reason: text.optional(),
    /** When the customer had paid: everything paid for what was cancelled, refunded in full. */
    refund: amount.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `Your order ${v.orderId} has been cancelled`,
      blocks: [
        {
          p:
            v.cause === 'unpaid'
              ? `We cancelled your order ${v.orderId} on ${f.dateTime(v.cancelledAt)} because it was not paid in time. No service has been activated.`
              : v.cause === 'not_delivered'
                ? `We cancelled your order ${v.orderId} on ${f.dateTime(v.cancelledAt)} because we could not set up the service you ordered. We are sorry.`
                : `We cancelled your order ${v.orderId} on ${f.dateTime(v.cancelledAt)}: it asked for a free trial you have already used. No service has been activated.`,
        },
        v.reason && { facts: [['Reason', v.reason]] },
        { p: `This follows from clause ${v.clause} of our terms.` },
        v.refund && v.refund.amount > 0 && { p: `You will get back the full ${f.money(v.refund)} you paid, to the account it came from; we will write again when it is paid.` },
        { p: whatYouCanDo(f) },
        { list: ['If you think this is a mistake, reply to this e-mail and we will look into it.', 'You can also place a new order.'] },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vaše naročilo ${v.orderId} je preklicano`,
      blocks: [
        {
          p:
            v.cause === 'unpaid'
              ? `Vaše naročilo ${v.orderId} smo dne ${f.dateTime(v.cancelledAt)} preklicali, ker ni bilo pravočasno plačano. Nobena storitev ni bila aktivirana.`
              : v.cause === 'not_delivered'
                ? `Vaše naročilo ${v.orderId} smo dne ${f.dateTime(v.cancelledAt)} preklicali, ker naročene storitve nismo mogli vzpostaviti. Opravičujemo se.`
                : `Vaše naročilo ${v.orderId} smo dne ${f.dateTime(v.cancelledAt)} preklicali: zahtevalo je brezplačno preizkusno obdobje, ki ste ga že izkoristili. Nobena storitev ni bila aktivirana.`,
        },
        v.reason && { facts: [['Razlog', v.reason]] },
        { p: `Tako določa točka ${v.clause} naših pogojev poslovanja.` },
        v.refund && v.refund.amount > 0 && { p: `Celoten plačani znesek ${f.money(v.refund)} vam bomo vrnili na račun, s katerega je bil plačan; ko bo nakazan, vam bomo znova pisali.` },
        { p: whatYouCanDo(f) },
        { list: ['Če menite, da gre za napako, odgovorite na to sporočilo in zadevo bomo preverili.', 'Lahko pa oddate tudi novo naročilo.'] },
      ],
    }),
  },
});

export const provisioningFailed = defineTemplate({
  schema: letterVars.extend({
    orderId: id,
    serviceName: text,
    failedAt: instant,
    /** The activation deadline of the product kind, from the policy. */
    activateBy: instant,
  }),
  letters: {
    en: (v, f) => ({
      subject: `Setting up ${v.serviceName} is taking longer than planned`,
      blocks: [
        { p: `On ${f.dateTime(v.failedAt)} we could not finish setting up ${v.serviceName} (order ${v.orderId}). Our staff have been notified and are working on it; you do not need to do anything.` },
        { p: `We aim to activate it by ${f.dateTime(v.activateBy)}. If we cannot, we will contact you to either try again or cancel the order and refund what you paid.` },
      ],
    }),
    sl: (v, f) => ({
      subject: `Vzpostavitev storitve ${v.serviceName} traja dlje, kot smo načrtovali`,
      blocks: [
        { p: `Dne ${f.dateTime(v.failedAt)} nam vzpostavitev storitve ${v.serviceName} (naročilo ${v.orderId}) ni uspela. Naše osebje je obveščeno in težavo odpravlja; vam ni treba storiti ničesar.` },
        { p: `Storitev želimo aktivirati do ${f.dateTime(v.activateBy)}. Če nam to ne bo uspelo, se vam bomo oglasili in se z vami dogovorili za ponoven poskus ali za preklic naročila z vračilom plačanega zneska.` },
      ],
    }),
  },
});

export const serviceActivated = defineTemplate({
  schema: letterVars.extend({
    orderId: id,
    serviceName: text,
    activatedAt: instant,
    nextDueAt: instant.optional(),
    panelUrl: httpsUrl.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `${v.serviceName} is active`,
      blocks: [
        { p: `${v.serviceName} (order ${v.orderId}) was activated on ${f.dateTime(v.activatedAt)}.` },
        v.nextDueAt && { p: `The next renewal invoice falls due on ${f.date(v.nextDueAt)}.` },
        v.panelUrl && { action: 'Open the control panel', href: v.panelUrl },
      ],
    }),
    sl: (v, f) => ({
      subject: `Storitev ${v.serviceName} je aktivna`,
      blocks: [
        { p: `Storitev ${v.serviceName} (naročilo ${v.orderId}) smo aktivirali dne ${f.dateTime(v.activatedAt)}.` },
        v.nextDueAt && { p: `Naslednji račun za podaljšanje zapade v plačilo ${f.date(v.nextDueAt)}.` },
        v.panelUrl && { action: 'Odprite nadzorno ploščo', href: v.panelUrl },
      ],
    }),
  },
});
