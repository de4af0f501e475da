/** Invoice → grace → suspension → termination/deletion (POLICY-RULES.md §2). */
import { z } from 'zod';
import { defineTemplate } from './define';
import type { Formatter } from './format';
import {
  alreadyPaidItem,
  deferralItem,
  endSentence,
  penaltySentence,
  reactivationSentence,
  restoreSentence,
  suspensionSentence,
  whatYouCanDo,
} from './rules';
import {
  amount,
  clause,
  deferralOffer,
  endRule,
  httpsUrl,
  id,
  instant,
  letterVars,
  lines,
  penaltyRule,
  positiveAmount,
  reactivationRule,
  restoreOffer,
  suspensionRule,
  text,
} from './schemas';

const payAction = (f: Formatter, href: string | undefined) =>
  href ? { action: f.language === 'sl' ? 'Plačajte račun' : 'Pay the invoice', href } : undefined;

/** The suspension this invoice leads to if it stays unpaid: when, and under which rule. */
const suspension = suspensionRule.extend({ at: instant });
/** The last step (deletion or termination) and when it happens. */
const finalStep = endRule.extend({ at: instant });

/**
 * Third-party items (domain, SSL, licence) on the invoice are renewed only on payment: they expire at
 * the due date, without grace (hostico IV. Preložitev…).
 */
const expiry = z.object({ clause, at: instant, items: z.array(text).min(1) });

/**
 * `suspension` is present only when the terms suspend the invoice's services for non-payment; without
 * it the letter says so (secom's terms set none) and states what does happen instead: an `expiry` of
 * third-party items at the due date, or nothing but the amount remaining owed.
 */
const unpaidInvoice = letterVars.extend({
  invoiceId: id,
  dueAt: instant,
  amountDue: positiveAmount,
  suspension: suspension.optional(),
  expiry: expiry.optional(),
  penalty: penaltyRule.optional(),
  deferral: deferralOffer.optional(),
  paymentUrl: httpsUrl.optional(),
});
type UnpaidInvoice = z.infer<typeof unpaidInvoice>;

function expirySentence(e: z.infer<typeof expiry>, f: Formatter): string {
  const items = e.items.join(', ');
  return f.language === 'sl'
    ? `V skladu s točko ${e.clause} naših pogojev poslovanja storitve tretjih ponudnikov (${items}) podaljšamo le ob plačilu: če račun ni plačan, njihova veljavnost poteče ${f.dateTime(e.at)}, brez dodatnega roka.`
    : `Under clause ${e.clause} of our terms, third-party items (${items}) are renewed only on payment: unless the invoice is paid, they expire on ${f.dateTime(e.at)}, without grace.`;
}

/** What happens when nothing is suspended: said plainly, with no date the workflow does not act on. */
function noSuspensionSentence(v: UnpaidInvoice, f: Formatter): string {
  if (v.expiry) {
    return f.language === 'sl'
      ? 'Zaradi tega računa ne bomo začasno ustavili nobene storitve; nepodaljšane storitve preprosto potečejo.'
      : 'No service is suspended for this invoice; items that are not renewed simply expire.';
  }
  return f.language === 'sl'
    ? 'Naši pogoji poslovanja ne predvidevajo začasne ustavitve storitve zaradi zamude s plačilom: storitev deluje naprej, neplačani znesek pa ostaja dolgovan.'
    : 'Our terms set no suspension of the service for late payment: the service keeps running, and the unpaid amount remains owed.';
}

function payItem(v: UnpaidInvoice, f: Formatter): string {
  const sl = f.language === 'sl';
  if (v.suspension) {
    return sl
      ? `Plačajte ${f.money(v.amountDue)} do ${f.dateTime(v.suspension.at)}, pa bo storitev delovala naprej.`
      : `Pay ${f.money(v.amountDue)} by ${f.dateTime(v.suspension.at)} to keep the service running.`;
  }
  if (v.expiry) {
    return sl
      ? `Plačajte ${f.money(v.amountDue)} do ${f.dateTime(v.expiry.at)}, da podaljšamo ${v.expiry.items.join(', ')}; če plačate pozneje, jih podaljšamo ob prejemu plačila.`
      : `Pay ${f.money(v.amountDue)} by ${f.dateTime(v.expiry.at)} to renew ${v.expiry.items.join(', ')}; a later payment renews them when it arrives.`;
  }
  return sl ? `Plačajte ${f.money(v.amountDue)} čim prej.` : `Pay ${f.money(v.amountDue)} as soon as you can.`;
}

function unpaidInvoiceBlocks(v: UnpaidInvoice, f: Formatter) {
  const sl = f.language === 'sl';
  const facts: (readonly [string, string])[] = [
    [sl ? 'Račun' : 'Invoice', v.invoiceId],
    [sl ? 'Znesek za plačilo' : 'Amount due', f.money(v.amountDue)],
    [sl ? 'Rok plačila' : 'Due date', f.dateTime(v.dueAt)],
  ];
  if (v.suspension) facts.push([sl ? 'Začasna ustavitev, če račun ne bo plačan' : 'Suspension if still unpaid', f.dateTime(v.suspension.at)]);
  if (v.expiry) facts.push([sl ? 'Potek veljavnosti, če račun ne bo plačan' : 'Expiry if still unpaid', f.dateTime(v.expiry.at)]);
  return [
    { facts },
    v.suspension && { p: suspensionSentence(v.suspension, f) },
    v.expiry && { p: expirySentence(v.expiry, f) },
    !v.suspension && { p: noSuspensionSentence(v, f) },
    v.penalty && { p: penaltySentence(v.penalty, f) },
    { p: whatYouCanDo(f) },
    { list: [payItem(v, f), ...(v.deferral ? [deferralItem(v.deferral, f)] : []), alreadyPaidItem(f)] },
    payAction(f, v.paymentUrl),
  ];
}

export const invoiceIssued = defineTemplate({
  schema: letterVars.extend({
    invoiceId: id,
    issuedAt: instant,
    dueAt: instant,
    lines,
    total: amount,
    /** The renewal is charged to the stored card as soon as the invoice is issued (hostico, IV. Obdelava plačil). */
    chargedToStoredCard: z.boolean().default(false),
    paymentUrl: httpsUrl.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `Invoice ${v.invoiceId}: ${f.money(v.total)} due on ${f.date(v.dueAt)}`,
      blocks: [
        { p: `We issued invoice ${v.invoiceId} on ${f.date(v.issuedAt)}.` },
        { facts: [...v.lines.map((l) => [l.description, f.money(l.amount)] as const), ['Total', f.money(v.total)], ['Due date', f.dateTime(v.dueAt)]] },
        {
          p: v.chargedToStoredCard
            ? 'The total will be charged to your stored card; you do not need to do anything.'
            : `Please pay it by ${f.dateTime(v.dueAt)}.`,
        },
        !v.chargedToStoredCard && payAction(f, v.paymentUrl),
      ],
    }),
    sl: (v, f) => ({
      subject: `Račun ${v.invoiceId}: ${f.money(v.total)}, rok plačila ${f.date(v.dueAt)}`,
      blocks: [
        { p: `Dne ${f.date(v.issuedAt)} smo izdali račun ${v.invoiceId}.` },
        { facts: [...v.lines.map((l) => [l.description, f.money(l.amount)] as const), ['Skupaj', f.money(v.total)], ['Rok plačila', f.dateTime(v.dueAt)]] },
        {
          p: v.chargedToStoredCard
            ? 'Za skupni znesek bomo bremenili vašo shranjeno plačilno kartico; vam ni treba storiti ničesar.'
            : `Prosimo, plačajte ga do ${f.dateTime(v.dueAt)}.`,
        },
        !v.chargedToStoredCard && payAction(f, v.paymentUrl),
      ],
    }),
  },
});

export const paymentReminder = defineTemplate({
  schema: unpaidInvoice.extend({ reminderNumber: z.number().int().min(1).max(99) }),
  letters: {
    en: (v, f) => ({
      subject: `Reminder ${v.reminderNumber}: invoice ${v.invoiceId} (${f.money(v.amountDue)}) is unpaid`,
      blocks: [{ p: `Invoice ${v.invoiceId} for ${f.money(v.amountDue)} is still unpaid. Its due date is ${f.dateTime(v.dueAt)}.` }, ...unpaidInvoiceBlocks(v, f)],
    }),
    sl: (v, f) => ({
      subject: `Opomin ${v.reminderNumber}: račun ${v.invoiceId} (${f.money(v.amountDue)}) še ni plačan`,
      blocks: [{ p: `Račun ${v.invoiceId} v znesku ${f.money(v.amountDue)} še ni plačan. Rok plačila je ${f.dateTime(v.dueAt)}.` }, ...unpaidInvoiceBlocks(v, f)],
    }),
  },
});

export const invoiceOverdue = defineTemplate({
  schema: unpaidInvoice,
  letters: {
    en: (v, f) => ({
      subject: `Invoice ${v.invoiceId} is overdue: ${f.money(v.amountDue)}`,
      blocks: [{ p: `Invoice ${v.invoiceId} fell due on ${f.dateTime(v.dueAt)} and ${f.money(v.amountDue)} is still unpaid.` }, ...unpaidInvoiceBlocks(v, f)],
    }),
    sl: (v, f) => ({
      subject: `Račun ${v.invoiceId} je zapadel: ${f.money(v.amountDue)}`,
      blocks: [{ p: `Rok plačila računa ${v.invoiceId} je potekel ${f.dateTime(v.dueAt)}, znesek ${f.money(v.amountDue)} pa še ni plačan.` }, ...unpaidInvoiceBlocks(v, f)],
    }),
  },
});

function finalStepSentence(s: z.infer<typeof finalStep>, serviceName: string, f: Formatter): string {
  if (f.language === 'sl') {
    return s.kind === 'deletion'
      ? `Če račun do ${f.dateTime(s.at)} ne bo plačan, bomo storitev ${serviceName} in vse njene podatke izbrisali.`
      : `Če račun do ${f.dateTime(s.at)} ne bo plačan, bomo pogodbo za storitev ${serviceName} odpovedali.`;
  }
  return s.kind === 'deletion'
    ? `If the invoice is still unpaid on ${f.dateTime(s.at)}, ${serviceName} and all its data will be deleted.`
    : `If the invoice is still unpaid on ${f.dateTime(s.at)}, we will terminate the contract for ${serviceName}.`;
}

export const serviceSuspended = defineTemplate({
  schema: letterVars.extend({
    serviceName: text,
    invoiceId: id,
    dueAt: instant,
    amountDue: positiveAmount,
    suspendedAt: instant,
    suspension: suspensionRule,
    reactivation: reactivationRule,
    next: finalStep.optional(),
    penalty: penaltyRule.optional(),
    paymentUrl: httpsUrl.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `${v.serviceName} has been suspended: invoice ${v.invoiceId} is unpaid`,
      blocks: [
        { p: `We suspended ${v.serviceName} on ${f.dateTime(v.suspendedAt)} because invoice ${v.invoiceId} for ${f.money(v.amountDue)}, due on ${f.dateTime(v.dueAt)}, is unpaid.` },
        { p: suspensionSentence(v.suspension, f) },
        { p: reactivationSentence(v.reactivation, f) },
        v.penalty && { p: penaltySentence(v.penalty, f) },
        v.next && { p: `${finalStepSentence(v.next, v.serviceName, f)} ${endSentence(v.next, f)}` },
        { p: whatYouCanDo(f) },
        { list: [`Pay ${f.money(v.reactivation.amountToPay)} to have ${v.serviceName} reactivated.`, alreadyPaidItem(f)] },
        payAction(f, v.paymentUrl),
      ],
    }),
    sl: (v, f) => ({
      subject: `Storitev ${v.serviceName} je začasno ustavljena: račun ${v.invoiceId} ni plačan`,
      blocks: [
        { p: `Storitev ${v.serviceName} smo dne ${f.dateTime(v.suspendedAt)} začasno ustavili, ker račun ${v.invoiceId} v znesku ${f.money(v.amountDue)} z rokom plačila ${f.dateTime(v.dueAt)} ni plačan.` },
        { p: suspensionSentence(v.suspension, f) },
        { p: reactivationSentence(v.reactivation, f) },
        v.penalty && { p: penaltySentence(v.penalty, f) },
        v.next && { p: `${finalStepSentence(v.next, v.serviceName, f)} ${endSentence(v.next, f)}` },
        { p: whatYouCanDo(f) },
        { list: [`Plačajte ${f.money(v.reactivation.amountToPay)}, pa bomo storitev ${v.serviceName} ponovno aktivirali.`, alreadyPaidItem(f)] },
        payAction(f, v.paymentUrl),
      ],
    }),
  },
});

export const finalWarning = defineTemplate({
  schema: letterVars.extend({
    serviceName: text,
    invoiceId: id,
    amountDue: positiveAmount,
    next: finalStep,
    restore: restoreOffer.optional(),
    paymentUrl: httpsUrl.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject:
        v.next.kind === 'deletion'
          ? `Final warning: ${v.serviceName} will be deleted on ${f.date(v.next.at)}`
          : `Final warning: the contract for ${v.serviceName} will be terminated on ${f.date(v.next.at)}`,
      blocks: [
        { p: `Invoice ${v.invoiceId} for ${f.money(v.amountDue)} is still unpaid. This is our last notice before the next step.` },
        {
          p:
            v.next.kind === 'deletion'
              ? `On ${f.dateTime(v.next.at)}, ${v.serviceName} and all its data will be deleted from our servers.`
              : `On ${f.dateTime(v.next.at)}, we will terminate the contract for ${v.serviceName}. The unpaid amount remains owed after termination.`,
        },
        { p: endSentence(v.next, f) },
        v.next.kind === 'deletion' && v.restore && { p: restoreSentence(v.restore, f) },
        { p: whatYouCanDo(f) },
        { list: [`Pay ${f.money(v.amountDue)} by ${f.dateTime(v.next.at)} to keep ${v.serviceName}.`, alreadyPaidItem(f)] },
        payAction(f, v.paymentUrl),
      ],
    }),
    sl: (v, f) => ({
      subject:
        v.next.kind === 'deletion'
          ? `Zadnje opozorilo: storitev ${v.serviceName} bomo izbrisali ${f.date(v.next.at)}`
          : `Zadnje opozorilo: pogodbo za storitev ${v.serviceName} bomo odpovedali ${f.date(v.next.at)}`,
      blocks: [
        { p: `Račun ${v.invoiceId} v znesku ${f.money(v.amountDue)} še vedno ni plačan. To je naše zadnje obvestilo pred naslednjim korakom.` },
        {
          p:
            v.next.kind === 'deletion'
              ? `Dne ${f.dateTime(v.next.at)} bomo storitev ${v.serviceName} in vse njene podatke izbrisali z naših strežnikov.`
              : `Dne ${f.dateTime(v.next.at)} bomo odpovedali pogodbo za storitev ${v.serviceName}. Neplačani znesek boste morali poravnati tudi po odpovedi.`,
        },
        { p: endSentence(v.next, f) },
        v.next.kind === 'deletion' && v.restore && { p: restoreSentence(v.restore, f) },
        { p: whatYouCanDo(f) },
        { list: [`Plačajte ${f.money(v.amountDue)} do ${f.dateTime(v.next.at)}, pa boste storitev ${v.serviceName} obdržali.`, alreadyPaidItem(f)] },
        payAction(f, v.paymentUrl),
      ],
    }),
  },
});

export const serviceTerminated = defineTemplate({
  schema: letterVars.extend({
    serviceName: text,
    invoiceId: id,
    terminatedAt: instant,
    amountOwed: positiveAmount,
    rule: endRule.omit({ kind: true }),
    penalty: penaltyRule.optional(),
    paymentUrl: httpsUrl.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `The contract for ${v.serviceName} has been terminated`,
      blocks: [
        { p: `On ${f.dateTime(v.terminatedAt)} we terminated the contract for ${v.serviceName} because invoice ${v.invoiceId} remained unpaid.` },
        { p: endSentence({ ...v.rule, kind: 'termination' }, f) },
        { facts: [['Amount still owed', f.money(v.amountOwed)]] },
        v.penalty && { p: penaltySentence(v.penalty, f) },
        { p: whatYouCanDo(f) },
        {
          list: [
            `Pay the ${f.money(v.amountOwed)} still owed; termination does not cancel the debt.`,
            'Reply to this e-mail if you believe this is a mistake or want to agree on how to pay.',
          ],
        },
        payAction(f, v.paymentUrl),
      ],
    }),
    sl: (v, f) => ({
      subject: `Pogodba za storitev ${v.serviceName} je odpovedana`,
      blocks: [
        { p: `Dne ${f.dateTime(v.terminatedAt)} smo odpovedali pogodbo za storitev ${v.serviceName}, ker račun ${v.invoiceId} ni bil plačan.` },
        { p: endSentence({ ...v.rule, kind: 'termination' }, f) },
        { facts: [['Še neplačani znesek', f.money(v.amountOwed)]] },
        v.penalty && { p: penaltySentence(v.penalty, f) },
        { p: whatYouCanDo(f) },
        {
          list: [
            `Poravnajte dolgovani znesek ${f.money(v.amountOwed)}; odpoved pogodbe dolga ne izbriše.`,
            'Če menite, da gre za napako, ali se želite dogovoriti o načinu plačila, odgovorite na to sporočilo.',
          ],
        },
        payAction(f, v.paymentUrl),
      ],
    }),
  },
});

export const dataDeleted = defineTemplate({
  schema: letterVars.extend({
    serviceName: text,
    invoiceId: id,
    deletedAt: instant,
    amountOwed: amount,
    rule: endRule.omit({ kind: true }),
    restore: restoreOffer.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `${v.serviceName} and its data have been deleted`,
      blocks: [
        { p: `On ${f.dateTime(v.deletedAt)} we deleted ${v.serviceName} and all its data from our servers because invoice ${v.invoiceId} remained unpaid.` },
        { p: endSentence({ ...v.rule, kind: 'deletion' }, f) },
        v.amountOwed.amount > 0 && { facts: [['Amount still owed', f.money(v.amountOwed)]] },
        { p: 'Your invoices and payment records are kept as the law requires.' },
        v.restore && { p: restoreSentence(v.restore, f) },
      ],
    }),
    sl: (v, f) => ({
      subject: `Storitev ${v.serviceName} in njeni podatki so izbrisani`,
      blocks: [
        { p: `Dne ${f.dateTime(v.deletedAt)} smo storitev ${v.serviceName} in vse njene podatke izbrisali z naših strežnikov, ker račun ${v.invoiceId} ni bil plačan.` },
        { p: endSentence({ ...v.rule, kind: 'deletion' }, f) },
        v.amountOwed.amount > 0 && { facts: [['Še neplačani znesek', f.money(v.amountOwed)]] },
        { p: 'Vaše račune in evidenco plačil hranimo, kot to zahteva zakon.' },
        v.restore && { p: restoreSentence(v.restore, f) },
      ],
    }),
  },
});

export const serviceReactivated = defineTemplate({
  schema: letterVars.extend({
    serviceName: text,
    invoiceId: id,
    amountPaid: positiveAmount,
    reactivatedAt: instant,
    nextDueAt: instant.optional(),
  }),
  letters: {
    en: (v, f) => ({
      subject: `${v.serviceName} is active again`,
      blocks: [
        { p: `We received your payment of ${f.money(v.amountPaid)} for invoice ${v.invoiceId} and reactivated ${v.serviceName} on ${f.dateTime(v.reactivatedAt)}. Thank you.` },
        v.nextDueAt && { p: `The next renewal invoice falls due on ${f.date(v.nextDueAt)}.` },
      ],
    }),
    sl: (v, f) => ({
      subject: `Storitev ${v.serviceName} spet deluje`,
      blocks: [
        { p: `Prejeli smo vaše plačilo v znesku ${f.money(v.amountPaid)} za račun ${v.invoiceId} in dne ${f.dateTime(v.reactivatedAt)} ponovno aktivirali storitev ${v.serviceName}. Hvala.` },
        v.nextDueAt && { p: `Naslednji račun za podaljšanje zapade v plačilo ${f.date(v.nextDueAt)}.` },
      ],
    }),
  },
});
